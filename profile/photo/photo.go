// Package photo turns an uploaded profile photo into the two square JPEGs the
// platform shows: a large one (at most LargeSide pixels a side) and a small
// one (SmallSide pixels a side).
//
// It accepts JPEG, PNG and WebP only, up to MaxBytes bytes and MaxPixels
// pixels, with a shorter side of at least MinSide pixels. It follows the
// orientation a phone records in a JPEG's EXIF data, crops the centred square,
// scales it down (never up), puts transparent areas on white and encodes the
// result anew, so no metadata of the upload (EXIF with GPS position, ICC
// profiles, comments) reaches the output.
package photo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	otm "github.com/opentomentor/opentomentor"
)

// Limits of an upload and sizes of the output.
const (
	// MaxBytes is the largest upload Process accepts: 5 MiB.
	MaxBytes = 5 << 20
	// MaxPixels bounds width×height of an upload, checked from its header
	// before any pixel is decoded, so that a small file cannot claim a huge
	// picture (a decompression bomb).
	MaxPixels = 16_000_000
	// MinSide is the least length in pixels of an upload's shorter side.
	MinSide = 96
	// LargeSide is the side in pixels of the large output; an upload whose
	// shorter side is less gives a large output of that side instead.
	LargeSide = 400
	// SmallSide is the side in pixels of the small output.
	SmallSide = 96
)

// field is the name of the input field that the errors of Process name.
const field = "photo"

// quality is the JPEG quality of both outputs.
const quality = 85

// allowed names the accepted formats in errors.
const allowed = "JPEG, PNG, WebP"

// Photo is a processed profile photo: two square JPEGs without metadata.
type Photo struct {
	// Large is min(LargeSide, shorter side of the upload) pixels a side.
	Large []byte
	// Small is SmallSide pixels a side.
	Small []byte
}

// Process reads an uploaded photo from r and returns it as two square JPEGs.
//
// It reads at most MaxBytes+1 bytes. It accepts JPEG, PNG and WebP, told by
// their content, not by a name or a declared type; it refuses GIF, SVG and
// anything else. It reads the image's width and height before decoding its
// pixels and refuses more than MaxPixels pixels or a shorter side of less
// than MinSide pixels. It rotates or flips a JPEG as its EXIF orientation tag
// says, crops the centred square, scales it to LargeSide and SmallSide pixels
// a side (never enlarging it: a smaller square keeps its own side for the
// large output), puts it on white and encodes both as JPEG of quality 85.
//
// A refused upload is an EINVALID *otm.Error naming the field "photo":
// rule RuleRequired when r is empty; RuleTooLarge with {"max": MaxBytes} when
// it holds more than MaxBytes bytes, or with {"max_pixels": MaxPixels,
// "width", "height"} when the image has more than MaxPixels pixels;
// RuleMinValue with {"min": MinSide, "width", "height"} when its shorter side
// is too short; RuleOneOf with {"allowed": "JPEG, PNG, WebP"} (and "value",
// when the format is recognised, e.g. "GIF") when it is of another format or
// cannot be decoded. An error reading r is returned wrapped as it is.
func Process(r io.Reader) (*Photo, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("photo: reading the upload: %w", err)
	}
	switch {
	case len(data) == 0:
		return nil, otm.Invalid("Choose a photo to upload.",
			otm.Field(field, otm.RuleRequired, nil, "required"))
	case len(data) > MaxBytes:
		return nil, otm.Invalid(fmt.Sprintf("The photo is larger than %d MB.", MaxBytes>>20),
			otm.Field(field, otm.RuleTooLarge, otm.Args{"max": MaxBytes}, "at most %d bytes", MaxBytes))
	}

	format := sniff(data)
	dec, decConfig := decoders(format)
	if dec == nil {
		args := otm.Args{"allowed": allowed}
		if format != "" {
			args["value"] = format
		}
		return nil, otm.Invalid("The photo must be a JPEG, PNG or WebP image.",
			otm.Field(field, otm.RuleOneOf, args, "must be JPEG, PNG or WebP"))
	}

	cfg, err := decConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, unreadable(format)
	}
	w, h := cfg.Width, cfg.Height
	if int64(w)*int64(h) > MaxPixels {
		return nil, otm.Invalid(fmt.Sprintf("The photo has more than %d million pixels.", MaxPixels/1_000_000),
			otm.Field(field, otm.RuleImagePixels, otm.Args{"max_pixels": MaxPixels, "width": w, "height": h},
				"%d×%d pixels is more than %d", w, h, MaxPixels))
	}
	if min(w, h) < MinSide {
		return nil, otm.Invalid(fmt.Sprintf("The photo must be at least %d×%d pixels.", MinSide, MinSide),
			otm.Field(field, otm.RuleMinValue, otm.Args{"min": MinSide, "width": w, "height": h},
				"%d×%d pixels: the shorter side must be at least %d", w, h, MinSide))
	}

	m, err := decode(dec, data)
	if err != nil || m.Bounds().Dx() != w || m.Bounds().Dy() != h {
		return nil, unreadable(format)
	}
	orientation := 1
	if format == "JPEG" {
		orientation = jpegOrientation(data)
	}
	return render(m, orientation)
}

// unreadable is the error for an upload of an accepted format that cannot be
// decoded: truncated, damaged or using a feature the decoder lacks.
func unreadable(format string) error {
	return otm.Invalid(fmt.Sprintf("The photo could not be read as %s; it may be damaged.", format),
		otm.Field(field, otm.RuleImage, otm.Args{"value": format},
			"not a readable JPEG, PNG or WebP image"))
}

// decoders returns the decoding functions for an accepted format, nils for
// any other.
func decoders(format string) (func(io.Reader) (image.Image, error), func(io.Reader) (image.Config, error)) {
	switch format {
	case "JPEG":
		return jpeg.Decode, jpeg.DecodeConfig
	case "PNG":
		return png.Decode, png.DecodeConfig
	case "WebP":
		return webp.Decode, webp.DecodeConfig
	}
	return nil, nil
}

// decode decodes data with dec. The decoders read untrusted bytes; should one
// of them panic on some input, the upload is refused as unreadable rather
// than taking the server down.
func decode(dec func(io.Reader) (image.Image, error), data []byte) (m image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("photo: decoder panic: %v", p)
		}
	}()
	return dec(bytes.NewReader(data))
}

// sniff names the format of data from its first bytes: "JPEG", "PNG" and
// "WebP", which Process accepts, or "GIF", "SVG", "BMP", "TIFF", "HEIC" and
// "AVIF", which it names in its refusal; "" for anything else.
func sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "JPEG"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "PNG"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "WebP"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "GIF"
	case bytes.HasPrefix(b, []byte("BM")):
		return "BMP"
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "TIFF"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "avif", "avis":
			return "AVIF"
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
			return "HEIC"
		}
	}
	head := b[:min(len(b), 1024)]
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(head, []byte("<")) && bytes.Contains(bytes.ToLower(head), []byte("<svg")) {
		return "SVG"
	}
	return ""
}

// render crops the centred square of m, scales it, orients it and encodes
// the two sizes.
//
// It crops and scales before it orients: the centred square of the oriented
// picture is the oriented centred square of the stored one, and turning a
// LargeSide square is far cheaper than turning a full-size photo.
func render(m image.Image, orientation int) (*Photo, error) {
	b := m.Bounds()
	side := min(b.Dx(), b.Dy())
	sq := image.Rect(0, 0, side, side).Add(b.Min).Add(image.Pt((b.Dx()-side)/2, (b.Dy()-side)/2))

	n := min(side, LargeSide)
	large := image.NewRGBA(image.Rect(0, 0, n, n))
	draw.Draw(large, large.Bounds(), image.White, image.Point{}, draw.Src)
	draw.CatmullRom.Scale(large, large.Bounds(), m, sq, draw.Over, nil)
	large = orient(large, orientation)

	small := image.NewRGBA(image.Rect(0, 0, SmallSide, SmallSide))
	draw.CatmullRom.Scale(small, small.Bounds(), large, large.Bounds(), draw.Src, nil)

	var p Photo
	var err error
	if p.Large, err = encode(large); err != nil {
		return nil, err
	}
	if p.Small, err = encode(small); err != nil {
		return nil, err
	}
	return &p, nil
}

// encode encodes m as a JPEG of the package's quality.
func encode(m image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("photo: encoding JPEG: %w", err)
	}
	return buf.Bytes(), nil
}

// orient returns the square m turned and flipped for display as EXIF
// orientation o (1–8) says: 1 as stored, 2 mirrored left to right, 3 turned
// 180°, 4 mirrored top to bottom, 5 mirrored along the main diagonal, 6 turned
// 90° clockwise, 7 mirrored along the other diagonal, 8 turned 90°
// anticlockwise. Any other o returns m unchanged.
func orient(m *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return m
	}
	n := m.Bounds().Dx() // m is square, at the origin
	out := image.NewRGBA(m.Rect)
	last := n - 1
	for dy := range n {
		for dx := range n {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = last-dx, dy
			case 3:
				sx, sy = last-dx, last-dy
			case 4:
				sx, sy = dx, last-dy
			case 5:
				sx, sy = dy, dx
			case 6:
				sx, sy = dy, last-dx
			case 7:
				sx, sy = last-dy, last-dx
			case 8:
				sx, sy = last-dy, dx
			}
			copy(out.Pix[out.PixOffset(dx, dy):][:4], m.Pix[m.PixOffset(sx, sy):][:4])
		}
	}
	return out
}

// jpegOrientation returns the EXIF orientation (1–8) of the JPEG data, 1 when
// it has no Exif segment before its first scan, none names an orientation or
// the segment is malformed. Only the first Exif segment counts.
func jpegOrientation(b []byte) int {
	if len(b) < 2 || b[0] != 0xff || b[1] != 0xd8 {
		return 1
	}
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xff {
			return 1 // not at a marker: the data is not what it claims
		}
		marker := b[i+1]
		if marker == 0xff { // fill byte
			i++
			continue
		}
		i += 2
		switch {
		case marker == 0x01 || marker >= 0xd0 && marker <= 0xd8:
			continue // TEM, RSTn, SOI: no segment follows
		case marker == 0xd9 || marker == 0xda:
			return 1 // EOI or SOS: metadata comes before the first scan
		}
		n := int(b[i])<<8 | int(b[i+1]) // the length counts its own two bytes
		if n < 2 || n > len(b)-i {
			return 1
		}
		seg := b[i+2 : i+n]
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return exifOrientation(seg[6:])
		}
		i += n
	}
	return 1
}

// exifOrientation returns the Orientation tag (0x0112) of the first IFD of
// the TIFF structure t, 1 when it is missing, out of range or t is
// malformed.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	off := uint64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > uint64(len(t)) {
		return 1
	}
	entries := int(bo.Uint16(t[off:]))
	p := int(off) + 2
	for k := range entries {
		e := p + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		// Type SHORT (3), count 1: the value sits in the entry's first two
		// value bytes.
		if bo.Uint16(t[e+2:]) != 3 || bo.Uint32(t[e+4:]) != 1 {
			return 1
		}
		if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}
