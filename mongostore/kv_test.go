package mongostore_test

import (
	"context"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/mongostore"
)

func TestKVExpires(t *testing.T) {
	clk := testenv.NewClock(time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC))
	kv, err := mongostore.NewKV(context.Background(), testenv.DB(t), "kv")
	if err != nil {
		t.Fatal(err)
	}
	kv.Now = clk.Now
	tests := []struct {
		step string
		do   func() error
		key  string
		want string
	}{
		{"set with expiry", func() error { return kv.Set("a", []byte("1"), time.Minute) }, "a", "1"},
		{"overwrite", func() error { return kv.Set("a", []byte("2"), time.Minute) }, "a", "2"},
		{"expired", func() error { clk.Add(61 * time.Second); return nil }, "a", ""},
		{"no expiry", func() error { return kv.Set("b", []byte("x"), 0) }, "b", "x"},
		{"deleted", func() error { return kv.Delete("b") }, "b", ""},
		{"missing", func() error { return nil }, "nope", ""},
	}
	for _, tt := range tests {
		if err := tt.do(); err != nil {
			t.Fatalf("%s: %v", tt.step, err)
		}
		got, err := kv.Get(tt.key)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: Get(%s) = %q, %v; want %q", tt.step, tt.key, got, err, tt.want)
		}
	}
}
