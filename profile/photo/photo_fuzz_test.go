package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	otm "github.com/opentomentor/opentomentor"
)

// FuzzProcess checks what Process's doc comment promises for any input: no
// panic, and either an EINVALID error naming the field photo or two square
// JPEGs, the large one min(LargeSide, shorter side) and the small one
// SmallSide pixels a side.
func FuzzProcess(f *testing.F) {
	for _, b := range fuzzSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Process(bytes.NewReader(b))
		if err != nil {
			if p != nil {
				t.Errorf("a photo and error %v", err)
			}
			if got := otm.ErrorCode(err); got != otm.EINVALID {
				t.Fatalf("code %q, want %q: %v", got, otm.EINVALID, err)
			}
			if rule, _ := otm.FieldRule(err, "photo"); rule == "" {
				t.Fatalf("error names no rule for photo: %v", err)
			}
			return
		}
		if p == nil {
			t.Fatal("nil photo and nil error")
		}
		// The input decoded, so its config does too.
		var side int
		switch format := sniff(b); format {
		case "JPEG", "PNG", "WebP":
			_, decConfig := decoders(format)
			cfg, err := decConfig(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("accepted, but its config does not decode: %v", err)
			}
			if int64(cfg.Width)*int64(cfg.Height) > MaxPixels || min(cfg.Width, cfg.Height) < MinSide {
				t.Fatalf("accepted %d×%d", cfg.Width, cfg.Height)
			}
			side = min(cfg.Width, cfg.Height, LargeSide)
		default:
			t.Fatalf("accepted an input sniffed as %q", format)
		}
		for _, out := range []struct {
			name string
			b    []byte
			side int
		}{{"Large", p.Large, side}, {"Small", p.Small, SmallSide}} {
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(out.b))
			if err != nil {
				t.Fatalf("%s is not a JPEG: %v", out.name, err)
			}
			if cfg.Width != out.side || cfg.Height != out.side {
				t.Fatalf("%s is %d×%d, want %d×%d", out.name, cfg.Width, cfg.Height, out.side, out.side)
			}
			if _, err := jpeg.Decode(bytes.NewReader(out.b)); err != nil {
				t.Fatalf("%s does not decode: %v", out.name, err)
			}
		}
	})
}

// fuzzSeeds returns the small fixtures of the tests: every accepted format,
// Exif, transparency, and headers that claim too much.
func fuzzSeeds(t testing.TB) [][]byte {
	t.Helper()
	small := quadrants(100, 120)
	return [][]byte{
		encodeJPEG(t, small),
		withSegments(t, encodeJPEG(t, small), exifSegment(binary.LittleEndian, 6, "GPSsecret")),
		withSegments(t, encodeJPEG(t, small), exifSegment(binary.BigEndian, 8, "")),
		encodeJPEG(t, image.NewGray(image.Rect(0, 0, 96, 97))),
		encodePNG(t, small),
		encodePNG(t, solid(97, 96, color.NRGBA{0, 0, 0, 128})),
		encodePNG(t, image.NewPaletted(image.Rect(0, 0, 96, 96), color.Palette{red, blue})),
		readFixture(t, "lossy.webp"),
		readFixture(t, "alpha.webp"),
		readFixture(t, "lossless.webp"),
		pngHeader(10000, 10000),
		jpegHeader(10000, 10000),
		webpHeader(10000, 10000),
		[]byte("GIF89a"),
		nil,
	}
}

// FuzzJPEGOrientation checks that the EXIF parser, which reads untrusted
// bytes, never panics and answers an orientation 1–8.
func FuzzJPEGOrientation(f *testing.F) {
	for _, o := range []uint16{0, 1, 6, 8, 9} {
		f.Add(withSegments(f, []byte{0xff, 0xd8, 0xff, 0xd9}, exifSegment(binary.LittleEndian, o, "GPSsecret")))
		f.Add(withSegments(f, []byte{0xff, 0xd8, 0xff, 0xd9}, exifSegment(binary.BigEndian, o, "")))
	}
	f.Add([]byte{0xff, 0xd8, 0xff, 0xff, 0xe1, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := jpegOrientation(b); o < 1 || o > 8 {
			t.Fatalf("orientation %d, want 1–8", o)
		}
	})
}
