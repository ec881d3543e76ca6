package profile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/profile/photo"
)

// Photo sizes, for PhotoURL and Photo.
const (
	PhotoLarge = "large" // photo.LargeSide pixels square
	PhotoSmall = "small" // photo.SmallSide pixels square
)

// PhotoURL is where a profile's uploaded photo of this version and size is
// served (the version makes the address change with the photo, so it may be
// cached for good).
func PhotoURL(id, version, size string) string {
	return "/api/v1/mentors/" + id + "/photo?size=" + size + "&v=" + version
}

// PhotoSize returns a photo address of PhotoURL for another size; any other
// address (a picture from the identity provider) as it is.
func PhotoSize(url, size string) string {
	if !strings.HasPrefix(url, "/api/v1/mentors/") {
		return url
	}
	return strings.Replace(url, "size="+PhotoSmall, "size="+size, 1)
}

// decoding bounds the photos being decoded at once in this process.
var decoding = make(chan struct{}, 2)

// photoDoc is a profile's uploaded photo, both sizes, in profile_photos under
// the profile's id.
type photoDoc struct {
	ID        string    `bson:"_id"`
	Version   string    `bson:"version"`
	Large     []byte    `bson:"large"`
	Small     []byte    `bson:"small"`
	CreatedAt time.Time `bson:"createdAt"`
}

func (m *mongoStore) photos() *mongo.Collection {
	return m.profiles.Database().Collection("profile_photos")
}

func (m *mongoStore) putPhoto(ctx context.Context, d *photoDoc) error {
	_, err := m.photos().ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true))
	return mapErr(err, "Photo")
}

// getPhoto returns the profile's photo, nil for none.
func (m *mongoStore) getPhoto(ctx context.Context, id string) (*photoDoc, error) {
	d, err := mongostore.FindByID[photoDoc](ctx, m.photos(), id)
	return d, mapErr(err, "Photo")
}

func (m *mongoStore) deletePhoto(ctx context.Context, id string) error {
	_, err := m.photos().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return mapErr(err, "Photo")
}

// SetPhoto replaces the caller's photo with an upload (photo.Process: JPEG,
// PNG or WebP, re-encoded, so no metadata is kept). It needs no review, as a
// picture from the identity provider does not: it shows once the owner
// consents (Content.ShowPicture), to whom Visibility.Photo allows. Errors:
// EUNAUTHORIZED, ENOTFOUND (no application yet), EINVALID naming "photo",
// ECONFLICT.
func (s *Service) SetPhoto(ctx context.Context, p *otm.Principal, r io.Reader) (*Profile, error) {
	cur, err := s.MyProfile(ctx, p)
	if err != nil {
		return nil, err
	}
	decoding <- struct{}{} // at most cap(decoding) decodes at once: each may take 100 MB
	ph, err := photo.Process(r)
	<-decoding
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(ph.Large)
	version := hex.EncodeToString(sum[:8])
	// The bytes first: the profile names a version only once it is stored.
	if err := s.store.putPhoto(ctx, &photoDoc{ID: cur.ID, Version: version, Large: ph.Large, Small: ph.Small, CreatedAt: s.now().UTC()}); err != nil {
		return nil, err
	}
	return s.setPhotoVersion(ctx, cur, version)
}

// DeletePhoto removes the caller's photo. Errors: EUNAUTHORIZED, ENOTFOUND,
// ECONFLICT.
func (s *Service) DeletePhoto(ctx context.Context, p *otm.Principal) (*Profile, error) {
	cur, err := s.MyProfile(ctx, p)
	if err != nil {
		return nil, err
	}
	// The profile first: once it names no photo, none is shown, even if
	// deleting the bytes fails (erasure deletes them again).
	upd, err := s.setPhotoVersion(ctx, cur, "")
	if err != nil {
		return nil, err
	}
	return upd, s.store.deletePhoto(ctx, cur.ID)
}

func (s *Service) setPhotoVersion(ctx context.Context, cur *Profile, version string) (*Profile, error) {
	upd := *cur
	upd.Photo, upd.UpdatedAt = version, s.now().UTC()
	if err := s.store.replace(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	s.afterChange(ctx, &upd)
	return &upd, nil
}

// Photo returns one size of a profile's photo for p, and whether it is
// public; with a version, only while it is the current one (an old address
// finds nothing). The owner always sees it, and curators and admins do (they review
// applications); others only on a public profile whose owner consented
// (ShowPicture), per Visibility.Photo. Errors: ENOTFOUND for every photo p
// may not see, as for one that does not exist; EINVALID for an unknown size.
func (s *Service) Photo(ctx context.Context, p *otm.Principal, id, size, version string) ([]byte, bool, error) {
	if size != PhotoLarge && size != PhotoSmall {
		return nil, false, otm.Invalid("Unknown photo size.", otm.Field("size", otm.RuleOneOf, otm.Args{"allowed": []string{PhotoSmall, PhotoLarge}}, "small or large"))
	}
	notFound := otm.Errorf(otm.ENOTFOUND, "Photo not found.")
	pr, err := s.store.get(ctx, id)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, false, notFound
	} else if err != nil {
		return nil, false, err
	}
	public := shownTo(pr, VisPublic)
	if pr.Photo == "" || version != "" && version != pr.Photo || !public && !mayViewPhoto(p, pr) {
		return nil, false, notFound
	}
	d, err := s.store.getPhoto(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if d == nil || d.Version != pr.Photo {
		// An upload racing another write: only the version the profile
		// names is served.
		return nil, false, notFound
	}
	if size == PhotoSmall {
		return d.Small, public, nil
	}
	return d.Large, public, nil
}

// mayViewPhoto reports whether p may see pr's photo that is not public: its
// owner; curators and admins once the application was submitted (they
// review it); executives when the owner shows it to them.
func mayViewPhoto(p *otm.Principal, pr *Profile) bool {
	switch {
	case p == nil:
		return false
	case p.UserID == pr.OwnerID:
		return true
	case p.HasRole(otm.RoleCurator), p.HasRole(otm.RoleAdmin):
		return pr.SubmittedAt != nil
	}
	return p.HasRole(otm.RoleMentee) && shownTo(pr, VisExecutives)
}

// shownTo reports whether pr's photo shows, with its owner's consent, in the
// directory to the audience vis (VisPublic: everyone; VisExecutives:
// executives too). A paused mentor is out of the directory.
func shownTo(pr *Profile, vis string) bool {
	if !pr.Public() || pr.Published.Availability.Paused || !pr.Published.ShowPicture {
		return false
	}
	shown := pr.Published.Visibility.Photo
	return shown == VisPublic || shown == vis && vis == VisExecutives
}

// MyPhoto returns the caller's photo (the large size), for their export; nil
// when they have none.
func (s *Service) MyPhoto(ctx context.Context, p *otm.Principal) ([]byte, error) {
	if err := requireSignedIn(p); err != nil {
		return nil, err
	}
	d, err := s.store.getPhoto(ctx, ProfileIDFor(p.UserID))
	if d == nil {
		return nil, err
	}
	return d.Large, err
}
