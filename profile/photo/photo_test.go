package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	otm "github.com/opentomentor/opentomentor"
)

// The WebP fixtures in testdata/ were made with cwebp 1.2.4 (Debian package
// webp) from PNGs drawn by a few lines of Go, since the standard library and
// x/image cannot encode WebP:
//
//	lossy.webp     120×100, left half red, right half blue, opaque
//	               (cwebp -q 80 halves.png): a plain "VP8 " chunk
//	alpha.webp     120×100, transparent but for an opaque green 40×40 square
//	               in the centre (cwebp -q 80 -alpha_q 100 alpha.png):
//	               VP8X + ALPH + "VP8 " chunks
//	lossless.webp  the same picture (cwebp -lossless alpha.png): a VP8L chunk
var (
	red    = color.NRGBA{255, 0, 0, 255}
	green  = color.NRGBA{0, 200, 0, 255}
	blue   = color.NRGBA{0, 0, 255, 255}
	yellow = color.NRGBA{255, 255, 0, 255}
	white  = color.NRGBA{255, 255, 255, 255}
)

// fill returns a w×h image whose pixel (x, y) is at(x, y).
func fill(w, h int, at func(x, y int) color.NRGBA) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetNRGBA(x, y, at(x, y))
		}
	}
	return m
}

// solid returns a w×h image of colour c.
func solid(w, h int, c color.NRGBA) *image.NRGBA {
	return fill(w, h, func(int, int) color.NRGBA { return c })
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatalf("png.Encode: %v", err)
	}
	return buf.Bytes()
}

func encodeJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatalf("jpeg.Encode: %v", err)
	}
	return buf.Bytes()
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withSegments returns the JPEG j with the given segments (marker, payload)
// inserted right after its SOI marker.
func withSegments(t testing.TB, j []byte, segs ...segment) []byte {
	t.Helper()
	if !bytes.HasPrefix(j, []byte{0xff, 0xd8}) {
		t.Fatal("not a JPEG")
	}
	out := []byte{0xff, 0xd8}
	for _, s := range segs {
		if len(s.payload)+2 > 0xffff {
			t.Fatal("segment too long")
		}
		out = append(out, 0xff, s.marker)
		out = binary.BigEndian.AppendUint16(out, uint16(len(s.payload)+2))
		out = append(out, s.payload...)
	}
	return append(out, j[2:]...)
}

// byteOrder is binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

type segment struct {
	marker  byte
	payload []byte
}

// exifSegment returns an APP1 Exif segment whose first IFD holds the
// Orientation tag o (none when 0) and an ImageDescription holding desc, in
// the byte order bo.
func exifSegment(bo byteOrder, o uint16, desc string) segment {
	var t []byte
	if bo == binary.BigEndian {
		t = append(t, "MM"...)
	} else {
		t = append(t, "II"...)
	}
	t = bo.AppendUint16(t, 42)
	t = bo.AppendUint32(t, 8) // first IFD right after the header
	n := 1
	if o != 0 {
		n = 2
	}
	dataOff := 8 + 2 + 12*n + 4
	text := append([]byte(desc), 0)
	t = bo.AppendUint16(t, uint16(n))
	// 0x010E ImageDescription, ASCII, its bytes after the IFD.
	t = bo.AppendUint16(t, 0x010e)
	t = bo.AppendUint16(t, 2)
	t = bo.AppendUint32(t, uint32(len(text)))
	t = bo.AppendUint32(t, uint32(dataOff))
	if o != 0 {
		// 0x0112 Orientation, SHORT, 1 value, held in the entry.
		t = bo.AppendUint16(t, 0x0112)
		t = bo.AppendUint16(t, 3)
		t = bo.AppendUint32(t, 1)
		t = bo.AppendUint16(t, o)
		t = bo.AppendUint16(t, 0)
	}
	t = bo.AppendUint32(t, 0) // no next IFD
	t = append(t, text...)
	return segment{0xe1, append([]byte("Exif\x00\x00"), t...)}
}

// pngChunk returns a PNG chunk with its length and CRC.
func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// pngHeader returns a PNG signature and an IHDR chunk for a w×h RGBA image,
// and nothing else: no pixels.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8 bits, RGBA, deflate, no filter, no interlace
	return append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
}

// withPNGChunk returns the PNG p with chunk c inserted after its IHDR.
func withPNGChunk(p, c []byte) []byte {
	const afterIHDR = 8 + 4 + 4 + 13 + 4
	return append(append(append([]byte{}, p[:afterIHDR]...), c...), p[afterIHDR:]...)
}

// jpegHeader returns a JPEG SOI, a baseline SOF for a w×h YCbCr image and an
// SOS header, and nothing else: no tables, no pixels.
func jpegHeader(w, h uint16) []byte {
	b := []byte{0xff, 0xd8, 0xff, 0xc0, 0, 17, 8}
	b = binary.BigEndian.AppendUint16(b, h)
	b = binary.BigEndian.AppendUint16(b, w)
	b = append(b, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)
	return append(b, 0xff, 0xda, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0)
}

// webpHeader returns a RIFF WebP file of one VP8X chunk claiming w×h pixels,
// and nothing else.
func webpHeader(w, h uint32) []byte {
	vp8x := []byte{0, 0, 0, 0}
	vp8x = append(vp8x, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	vp8x = append(vp8x, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	b := []byte("RIFF\x00\x00\x00\x00WEBPVP8X")
	b = binary.LittleEndian.AppendUint32(b, uint32(len(vp8x)))
	b = append(b, vp8x...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// decodeOutput decodes one output of Process and checks that it is a JPEG of
// side×side pixels.
func decodeOutput(t testing.TB, name string, b []byte, side int) image.Image {
	t.Helper()
	m, format, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: decoding the output: %v", name, err)
	}
	if format != "jpeg" {
		t.Errorf("%s: format %q, want jpeg", name, format)
	}
	if got := m.Bounds().Size(); got != image.Pt(side, side) {
		t.Errorf("%s: size %v, want %dx%d", name, got, side, side)
	}
	return m
}

// process runs Process on b and fails the test on an error.
func process(t testing.TB, b []byte) *Photo {
	t.Helper()
	p, err := Process(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	if p == nil {
		t.Fatal("Process: nil photo and nil error")
	}
	return p
}

// rgb8 returns the 8-bit RGB of the pixel (x, y) of m.
func rgb8(m image.Image, x, y int) (r, g, b int) {
	c := color.NRGBAModel.Convert(m.At(x, y)).(color.NRGBA)
	return int(c.R), int(c.G), int(c.B)
}

// near reports whether the pixel (x, y) of m is within tol of want in each
// channel (JPEG is lossy).
func near(m image.Image, x, y int, want color.NRGBA, tol int) bool {
	r, g, b := rgb8(m, x, y)
	d := func(a, b int) bool { return a-b <= tol && b-a <= tol }
	return d(r, int(want.R)) && d(g, int(want.G)) && d(b, int(want.B))
}

func TestProcessAccepts(t *testing.T) {
	transparent := solid(200, 200, color.NRGBA{255, 0, 0, 0})
	tests := []struct {
		name      string
		in        []byte
		wantLarge int
	}{
		{"JPEG 500x400", encodeJPEG(t, solid(500, 400, green)), 400},
		{"JPEG 3000x2000 stays 400", encodeJPEG(t, solid(3000, 2000, green)), 400},
		{"PNG 150x120 not upscaled", encodePNG(t, solid(150, 120, green)), 120},
		{"PNG 96x96 smallest", encodePNG(t, solid(96, 96, green)), 96},
		{"PNG 96x5000 tall", encodePNG(t, solid(96, 5000, green)), 96},
		{"PNG 400x400 exact", encodePNG(t, solid(400, 400, green)), 400},
		{"PNG gray", encodePNG(t, image.NewGray(image.Rect(0, 0, 120, 120))), 120},
		{"PNG 16-bit", encodePNG(t, image.NewNRGBA64(image.Rect(0, 0, 120, 130))), 120},
		{"PNG paletted", encodePNG(t, image.NewPaletted(image.Rect(0, 0, 130, 120), color.Palette{red, blue})), 120},
		{"PNG transparent", encodePNG(t, transparent), 200},
		{"JPEG gray", encodeJPEG(t, image.NewGray(image.Rect(0, 0, 450, 500))), 400},
		{"WebP lossy", readFixture(t, "lossy.webp"), 100},
		{"WebP lossy with alpha", readFixture(t, "alpha.webp"), 100},
		{"WebP lossless", readFixture(t, "lossless.webp"), 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := process(t, tt.in)
			decodeOutput(t, "Large", p.Large, tt.wantLarge)
			decodeOutput(t, "Small", p.Small, SmallSide)
		})
	}
}

// TestProcessExactlyMaxBytes: an upload of exactly MaxBytes is accepted (a
// PNG decoder stops at IEND, so padding does not hurt).
func TestProcessExactlyMaxBytes(t *testing.T) {
	p := encodePNG(t, solid(100, 100, green))
	p = append(p, make([]byte, MaxBytes-len(p))...)
	out := process(t, p)
	decodeOutput(t, "Large", out.Large, 100)
}

func TestProcessCropsCentre(t *testing.T) {
	// Thirds of 300×100: red, green, blue. The centred square is the green
	// third.
	m := fill(300, 100, func(x, _ int) color.NRGBA {
		switch {
		case x < 100:
			return red
		case x < 200:
			return green
		}
		return blue
	})
	for _, tt := range []struct {
		name string
		in   []byte
	}{
		{"PNG", encodePNG(t, m)},
		{"JPEG", encodeJPEG(t, m)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := process(t, tt.in)
			for _, out := range []struct {
				name string
				b    []byte
				side int
			}{{"Large", p.Large, 100}, {"Small", p.Small, SmallSide}} {
				img := decodeOutput(t, out.name, out.b, out.side)
				n := out.side - 1
				for _, pt := range []image.Point{{n / 2, n / 2}, {2, 2}, {n - 2, 2}, {2, n - 2}, {n - 2, n - 2}} {
					r, g, b := rgb8(img, pt.X, pt.Y)
					if g < 150 || r > 60 || b > 60 {
						t.Errorf("%s pixel %v = rgb(%d,%d,%d), want green", out.name, pt, r, g, b)
					}
				}
			}
		})
	}
}

func TestProcessWebPContent(t *testing.T) {
	t.Run("lossy halves", func(t *testing.T) {
		img := decodeOutput(t, "Large", process(t, readFixture(t, "lossy.webp")).Large, 100)
		if r, g, b := rgb8(img, 20, 50); r < 200 || g > 60 || b > 60 {
			t.Errorf("left pixel = rgb(%d,%d,%d), want red", r, g, b)
		}
		if r, g, b := rgb8(img, 80, 50); b < 200 || r > 60 || g > 60 {
			t.Errorf("right pixel = rgb(%d,%d,%d), want blue", r, g, b)
		}
	})
	for _, name := range []string{"alpha.webp", "lossless.webp"} {
		t.Run(name, func(t *testing.T) {
			img := decodeOutput(t, "Large", process(t, readFixture(t, name)).Large, 100)
			for _, pt := range []image.Point{{2, 2}, {97, 2}, {2, 97}, {97, 97}, {15, 50}} {
				if !near(img, pt.X, pt.Y, white, 8) {
					r, g, b := rgb8(img, pt.X, pt.Y)
					t.Errorf("transparent pixel %v = rgb(%d,%d,%d), want white", pt, r, g, b)
				}
			}
			if r, g, b := rgb8(img, 50, 50); g < 150 || r > 60 || b > 60 {
				t.Errorf("centre pixel = rgb(%d,%d,%d), want green", r, g, b)
			}
		})
	}
}

func TestProcessTransparencyBecomesWhite(t *testing.T) {
	tests := []struct {
		name string
		c    color.NRGBA
		want color.NRGBA
	}{
		{"transparent red", color.NRGBA{255, 0, 0, 0}, white},
		{"transparent black", color.NRGBA{0, 0, 0, 0}, white},
		{"half-transparent black", color.NRGBA{0, 0, 0, 128}, color.NRGBA{127, 127, 127, 255}},
		{"opaque blue", blue, blue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := process(t, encodePNG(t, solid(150, 150, tt.c)))
			for _, out := range []struct {
				name string
				b    []byte
				side int
			}{{"Large", p.Large, 150}, {"Small", p.Small, SmallSide}} {
				img := decodeOutput(t, out.name, out.b, out.side)
				for _, pt := range []image.Point{{0, 0}, {out.side / 2, out.side / 2}, {out.side - 1, out.side - 1}} {
					if !near(img, pt.X, pt.Y, tt.want, 6) {
						r, g, b := rgb8(img, pt.X, pt.Y)
						t.Errorf("%s pixel %v = rgb(%d,%d,%d), want %v", out.name, pt, r, g, b, tt.want)
					}
				}
			}
		})
	}
}

func TestProcessRefuses(t *testing.T) {
	jpg := encodeJPEG(t, solid(200, 200, green))
	pngData := encodePNG(t, fill(200, 200, func(x, y int) color.NRGBA { return color.NRGBA{uint8(x), uint8(y), 0, 255} }))
	webpData := readFixture(t, "lossy.webp")
	var gifData bytes.Buffer
	if err := gif.Encode(&gifData, solid(200, 200, green), nil); err != nil {
		t.Fatal(err)
	}
	tooBig := append(encodePNG(t, solid(100, 100, green)), make([]byte, MaxBytes)...)

	tests := []struct {
		name     string
		in       []byte
		wantRule string
		wantArgs otm.Args // each must be in the error's args
	}{
		{"empty", nil, otm.RuleRequired, nil},
		{"MaxBytes+1", tooBig[:MaxBytes+1], otm.RuleTooLarge, otm.Args{"max": MaxBytes}},
		{"PNG 10000x10000 header", pngHeader(10000, 10000), otm.RuleImagePixels, otm.Args{"max_pixels": MaxPixels, "width": 10000, "height": 10000}},
		{"PNG 100000x100000 header", pngHeader(100_000, 100_000), otm.RuleImagePixels, otm.Args{"max_pixels": MaxPixels}},
		// image/png itself refuses dimensions whose bytes overflow an int.
		{"PNG 2^31-1 squared header", pngHeader(1<<31-1, 1<<31-1), otm.RuleImage, otm.Args{"value": "PNG"}},
		{"JPEG 10000x10000 header", jpegHeader(10000, 10000), otm.RuleImagePixels, otm.Args{"max_pixels": MaxPixels, "width": 10000, "height": 10000}},
		{"WebP 10000x10000 header", webpHeader(10000, 10000), otm.RuleImagePixels, otm.Args{"max_pixels": MaxPixels, "width": 10000, "height": 10000}},
		{"40000001 pixels", pngHeader(40_000_001, 1), otm.RuleImagePixels, otm.Args{"max_pixels": MaxPixels}},
		{"PNG 95x200", encodePNG(t, solid(95, 200, green)), otm.RuleMinValue, otm.Args{"min": MinSide, "width": 95, "height": 200}},
		{"JPEG 200x95", encodeJPEG(t, solid(200, 95, green)), otm.RuleMinValue, otm.Args{"min": MinSide, "width": 200, "height": 95}},
		{"PNG 1x1", encodePNG(t, solid(1, 1, green)), otm.RuleMinValue, otm.Args{"min": MinSide}},
		{"GIF", gifData.Bytes(), otm.RuleOneOf, otm.Args{"allowed": "JPEG, PNG, WebP", "value": "GIF"}},
		{"SVG", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"/>`), otm.RuleOneOf, otm.Args{"allowed": "JPEG, PNG, WebP", "value": "SVG"}},
		{"BMP", []byte("BM\x36\x00\x00\x00garbage"), otm.RuleOneOf, otm.Args{"value": "BMP"}},
		{"HEIC", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), otm.RuleOneOf, otm.Args{"value": "HEIC"}},
		{"garbage", []byte("hello, world: this is not an image"), otm.RuleOneOf, otm.Args{"allowed": "JPEG, PNG, WebP"}},
		{"JPEG magic only", []byte{0xff, 0xd8, 0xff}, otm.RuleImage, otm.Args{"value": "JPEG"}},
		{"truncated JPEG", jpg[:len(jpg)/2], otm.RuleImage, otm.Args{"value": "JPEG"}},
		{"JPEG header without tables", jpegHeader(200, 200), otm.RuleImage, otm.Args{"value": "JPEG"}},
		{"truncated PNG", pngData[:len(pngData)/2], otm.RuleImage, otm.Args{"value": "PNG"}},
		{"PNG header without pixels", pngHeader(200, 200), otm.RuleImage, otm.Args{"value": "PNG"}},
		{"PNG bad IHDR CRC", append(pngHeader(200, 200)[:29], 0, 0, 0, 0), otm.RuleImage, otm.Args{"value": "PNG"}},
		{"truncated WebP", webpData[:len(webpData)*2/3], otm.RuleImage, otm.Args{"value": "WebP"}},
		{"WebP header without pixels", webpHeader(200, 200), otm.RuleImage, otm.Args{"value": "WebP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Process(bytes.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Process = %d+%d bytes, nil error; want rule %q", len(p.Large), len(p.Small), tt.wantRule)
			}
			if p != nil {
				t.Errorf("Process returned a photo with error %v", err)
			}
			checkRefusal(t, err, tt.wantRule, tt.wantArgs)
		})
	}
}

// checkRefusal checks that err is EINVALID naming the field photo with rule
// and (at least) args.
func checkRefusal(t *testing.T, err error, rule string, args otm.Args) {
	t.Helper()
	var e *otm.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *otm.Error", err, err)
	}
	if got := otm.ErrorCode(err); got != otm.EINVALID {
		t.Errorf("code %q, want %q", got, otm.EINVALID)
	}
	if e.Message == "" {
		t.Error("empty message")
	}
	gotRule, gotArgs := otm.FieldRule(err, "photo")
	if gotRule != rule {
		t.Errorf("field photo rule %q, want %q (error %v)", gotRule, rule, err)
	}
	for k, want := range args {
		if got, ok := gotArgs[k]; !ok || got != want {
			t.Errorf("arg %q = %v (present %v), want %v", k, got, ok, want)
		}
	}
}

// TestProcessReadsAtMostMaxBytesPlusOne: an endless upload is cut off.
func TestProcessReadsAtMostMaxBytesPlusOne(t *testing.T) {
	r := &countingReader{r: io.MultiReader(bytes.NewReader([]byte{0xff, 0xd8, 0xff}), zeros{})}
	_, err := Process(r)
	checkRefusal(t, err, otm.RuleTooLarge, otm.Args{"max": MaxBytes})
	if r.n > MaxBytes+1 {
		t.Errorf("read %d bytes, want at most %d", r.n, MaxBytes+1)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestProcessReadError(t *testing.T) {
	boom := errors.New("connection reset")
	_, err := Process(io.MultiReader(bytes.NewReader([]byte{0xff, 0xd8}), errReader{boom}))
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want it to wrap %v", err, boom)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// TestProcessRefusesBombCheaply: a header claiming 10000×10000 RGBA (400 MB
// decoded) is refused without allocating anything like it.
func TestProcessRefusesBombCheaply(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   []byte
	}{
		{"PNG", pngHeader(10000, 10000)},
		{"JPEG", jpegHeader(10000, 10000)},
		{"WebP", webpHeader(10000, 10000)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Process(bytes.NewReader(tt.in))
			runtime.ReadMemStats(&after)
			checkRefusal(t, err, otm.RuleImagePixels, nil)
			if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
				t.Errorf("allocated %d bytes, want under 4 MiB", got)
			}
		})
	}
}

// TestProcessStripsMetadata: EXIF (with a GPS position), ICC profile, XMP and
// comments of the upload do not reach the output.
func TestProcessStripsMetadata(t *testing.T) {
	const secret = "GPSsecret"
	jpg := withSegments(t, encodeJPEG(t, solid(300, 300, green)),
		exifSegment(binary.LittleEndian, 1, secret+" 52.5200N 13.4050E"),
		segment{0xe1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + secret + "</x:xmpmeta>")},
		segment{0xe2, []byte("ICC_PROFILE\x00\x01\x01" + secret)},
		segment{0xfe, []byte("comment " + secret)},
	)
	pngData := withPNGChunk(encodePNG(t, solid(300, 300, green)), pngChunk("tEXt", []byte("Comment\x00"+secret)))
	for _, tt := range []struct {
		name string
		in   []byte
	}{{"JPEG", jpg}, {"PNG", pngData}} {
		t.Run(tt.name, func(t *testing.T) {
			if !bytes.Contains(tt.in, []byte(secret)) {
				t.Fatal("the fixture lacks the secret")
			}
			p := process(t, tt.in)
			for name, b := range map[string][]byte{"Large": p.Large, "Small": p.Small} {
				if bytes.Contains(b, []byte(secret)) {
					t.Errorf("%s holds %q", name, secret)
				}
				if bytes.Contains(b, []byte("Exif\x00")) {
					t.Errorf("%s holds an Exif segment", name)
				}
			}
		})
	}
}

// quadrants returns a side×side image whose quadrants are, clockwise from the
// top left, red, green, yellow and blue.
func quadrants(w, h int) *image.NRGBA {
	return fill(w, h, func(x, y int) color.NRGBA {
		left, top := x < w/2, y < h/2
		switch {
		case top && left:
			return red
		case top:
			return green
		case left:
			return blue
		}
		return yellow
	})
}

func TestProcessOrientation(t *testing.T) {
	// Where the stored quadrants show up (TL, TR, BL, BR), per EXIF 2.3's
	// Orientation tag.
	tests := []struct {
		o    uint16
		want [4]color.NRGBA
	}{
		{1, [4]color.NRGBA{red, green, blue, yellow}},
		{2, [4]color.NRGBA{green, red, yellow, blue}},      // mirrored left to right
		{3, [4]color.NRGBA{yellow, blue, green, red}},      // turned 180°
		{4, [4]color.NRGBA{blue, yellow, red, green}},      // mirrored top to bottom
		{5, [4]color.NRGBA{red, blue, green, yellow}},      // transposed
		{6, [4]color.NRGBA{blue, red, yellow, green}},      // turned 90° clockwise
		{7, [4]color.NRGBA{yellow, green, blue, red}},      // transversed
		{8, [4]color.NRGBA{green, yellow, red, blue}},      // turned 90° anticlockwise
		{9, [4]color.NRGBA{red, green, blue, yellow}},      // out of range: ignored
		{0xffff, [4]color.NRGBA{red, green, blue, yellow}}, // out of range: ignored
	}
	for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%v/%d", bo, tt.o), func(t *testing.T) {
				in := withSegments(t, encodeJPEG(t, quadrants(200, 200)), exifSegment(bo, tt.o, "camera"))
				p := process(t, in)
				for _, out := range []struct {
					name string
					b    []byte
					side int
				}{{"Large", p.Large, 200}, {"Small", p.Small, SmallSide}} {
					img := decodeOutput(t, out.name, out.b, out.side)
					q, f := out.side/4, out.side*3/4
					for i, pt := range []image.Point{{q, q}, {f, q}, {q, f}, {f, f}} {
						if !near(img, pt.X, pt.Y, tt.want[i], 40) {
							r, g, b := rgb8(img, pt.X, pt.Y)
							t.Errorf("orientation %d: %s pixel %v = rgb(%d,%d,%d), want %v", tt.o, out.name, pt, r, g, b, tt.want[i])
						}
					}
				}
			})
		}
	}
}

// TestProcessOrientationNonSquare: a 300×200 upload stored on its side
// (orientation 6) is cropped to its centred square and turned.
func TestProcessOrientationNonSquare(t *testing.T) {
	// Stored 300×200: left 50 columns red, right 50 blue, the middle 200
	// the quadrants. Displayed it is 200×300, its centre square the turned
	// quadrants.
	q := quadrants(200, 200)
	m := fill(300, 200, func(x, y int) color.NRGBA {
		switch {
		case x < 50:
			return red
		case x >= 250:
			return blue
		}
		return q.NRGBAAt(x-50, y)
	})
	in := withSegments(t, encodeJPEG(t, m), exifSegment(binary.BigEndian, 6, ""))
	img := decodeOutput(t, "Large", process(t, in).Large, 200)
	want := [4]color.NRGBA{blue, red, yellow, green}
	for i, pt := range []image.Point{{50, 50}, {150, 50}, {50, 150}, {150, 150}} {
		if !near(img, pt.X, pt.Y, want[i], 40) {
			r, g, b := rgb8(img, pt.X, pt.Y)
			t.Errorf("pixel %v = rgb(%d,%d,%d), want %v", pt, r, g, b, want[i])
		}
	}
}

func TestJPEGOrientation(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	base := encodeJPEG(t, solid(8, 8, green))
	exif := func(o uint16) []byte { return exifSegment(le, o, "x").payload }
	mangle := func(o uint16, f func(p []byte)) segment {
		p := exif(o)
		f(p)
		return segment{0xe1, p}
	}
	tests := []struct {
		name string
		in   []byte
		want int
	}{
		{"no Exif", base, 1},
		{"orientation 6", withSegments(t, base, exifSegment(le, 6, "x")), 6},
		{"big-endian 8", withSegments(t, base, exifSegment(be, 8, "x")), 8},
		{"no orientation tag", withSegments(t, base, exifSegment(le, 0, "x")), 1},
		{"after an APP0 and an XMP APP1", withSegments(t, base,
			segment{0xe0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")},
			segment{0xe1, []byte("http://ns.adobe.com/xap/1.0/\x00")},
			exifSegment(le, 3, "x")), 3},
		{"fill bytes before the marker", append([]byte{0xff, 0xd8, 0xff, 0xff}, withSegments(t, base, exifSegment(le, 5, "x"))[3:]...), 5},
		{"first Exif counts", withSegments(t, base, exifSegment(le, 7, "x"), exifSegment(le, 2, "x")), 7},
		{"Exif after SOS ignored", append(append([]byte{}, jpegHeader(8, 8)...), withSegments(t, []byte{0xff, 0xd8}, exifSegment(le, 6, "x"))[2:]...), 1},
		{"orientation 0", withSegments(t, base, mangle(6, func(p []byte) { p[6+8+2+12+8] = 0 })), 1},
		{"wrong type", withSegments(t, base, mangle(6, func(p []byte) { p[6+8+2+12+2] = 4 })), 1},
		{"count 2", withSegments(t, base, mangle(6, func(p []byte) { p[6+8+2+12+4] = 2 })), 1},
		{"bad byte order", withSegments(t, base, mangle(6, func(p []byte) { p[6] = 'X' })), 1},
		{"bad magic", withSegments(t, base, mangle(6, func(p []byte) { p[6+2] = 43 })), 1},
		{"IFD offset past the end", withSegments(t, base, mangle(6, func(p []byte) { p[6+4], p[6+7] = 0xff, 0xff })), 1},
		{"IFD offset inside the header", withSegments(t, base, mangle(6, func(p []byte) { p[6+4] = 2 })), 1},
		{"entry count past the end", withSegments(t, base, mangle(6, func(p []byte) { p[6+8], p[6+9] = 0xff, 0xff })), 6},
		{"entries cut short", withSegments(t, base, segment{0xe1, exif(6)[:6+8+2+12+6]}), 1},
		{"TIFF header cut short", withSegments(t, base, segment{0xe1, []byte("Exif\x00\x00II*")}), 1},
		{"segment length past the end", []byte{0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 'E', 'x', 'i', 'f', 0, 0}, 1},
		{"segment length 0", []byte{0xff, 0xd8, 0xff, 0xe1, 0, 0, 'E', 'x', 'i', 'f', 0, 0}, 1},
		{"not a marker", []byte{0xff, 0xd8, 0x00, 0xe1, 0, 8, 'E', 'x', 'i', 'f', 0, 0}, 1},
		{"only SOI", []byte{0xff, 0xd8}, 1},
		{"empty", nil, 1},
		{"PNG", encodePNG(t, solid(8, 8, green)), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jpegOrientation(tt.in); got != tt.want {
				t.Errorf("jpegOrientation = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"\xff\xd8\xff\xe0", "JPEG"},
		{"\x89PNG\r\n\x1a\n", "PNG"},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", "WebP"},
		{"RIFF\x00\x00\x00\x00WAVEfmt ", ""},
		{"GIF89a", "GIF"},
		{"GIF87a", "GIF"},
		{"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'/>", "SVG"},
		{"<html><body>hi</body></html>", ""},
		{"II*\x00", "TIFF"},
		{"\x00\x00\x00\x1cftypavif", "AVIF"},
		{"\x00\x00\x00\x1cftypisom", ""},
		{"\xff\xd8", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("sniff(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// BenchmarkProcess processes a 3000×2000 JPEG of a smooth gradient with some
// detail, as a phone photo scaled down might be.
func BenchmarkProcess(b *testing.B) {
	m := fill(3000, 2000, func(x, y int) color.NRGBA {
		return color.NRGBA{uint8(x / 12), uint8(y / 8), uint8((x ^ y) & 0xff), 255}
	})
	in := encodeJPEG(b, m)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Process(bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}
