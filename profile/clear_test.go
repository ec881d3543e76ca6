package profile

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"testing"
)

// TestWritesClearEmptyFields: a write that empties a field stores it empty
// (the database keeps no old value under an omitted field): a removed photo
// is gone, and a withdrawn application has no published version left to
// come back without review. The service keeps no profiles in memory here,
// so every read is the database's.
func TestWritesClearEmptyFields(t *testing.T) {
	ctx := context.Background()
	s, ada := mustImported(t, adaContent(), StatusApproved)
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 120, 120))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetPhoto(ctx, ada, &buf); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeletePhoto(ctx, ada); err != nil {
		t.Fatal(err)
	}
	pr, err := s.MyProfile(ctx, ada)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Photo != "" || Document(pr).Picture != "" {
		t.Errorf("after removing the photo: got version %q, picture %q; want none", pr.Photo, Document(pr).Picture)
	}
	if _, err := s.WithdrawProfile(ctx, ada); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitProfile(ctx, ada); err != nil {
		t.Fatal(err)
	}
	if pr, err = s.MyProfile(ctx, ada); err != nil {
		t.Fatal(err)
	}
	if pr.Published != nil || pr.Public() {
		t.Errorf("withdrawn, then submitted again: got published %v, public %v; want neither before a review", pr.Published != nil, pr.Public())
	}
}
