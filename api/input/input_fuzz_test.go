package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/httperr"
	"github.com/opentomentor/opentomentor/profile"
)

// fuzzTarget is a request body with every JSON kind the API decodes.
type fuzzTarget struct {
	S   string            `json:"s"`
	I   int               `json:"i"`
	U   uint8             `json:"u"`
	F   float64           `json:"f"`
	B   bool              `json:"b"`
	P   *int              `json:"p"`
	L   []string          `json:"l"`
	A   [2]int            `json:"a"`
	M   map[string]int    `json:"m"`
	N   struct{ X int }   `json:"n"`
	Raw json.RawMessage   `json:"raw"`
	Any any               `json:"any"`
	MP  map[string]*[]int `json:"mp"`
}

// FuzzDecodeJSON checks that JSON never panics and that every error it
// returns is an *otm.Error with a 4xx status (per the error table of
// package httperr) that names at least one field.
func FuzzDecodeJSON(f *testing.F) {
	valid, err := os.ReadFile("../testdata/profile_valid.json")
	if err != nil {
		f.Fatal(err)
	}
	const ct = "application/json"
	seeds := []struct {
		ct     string
		body   string
		target uint8
	}{
		{ct, string(valid), 0},
		{ct, string(valid), 1},
		{"Application/JSON; charset=utf-8", `{}`, 0},
		{ct, ``, 0},
		{ct, `null`, 0},
		{ct, `{} {}`, 0},
		{ct, `{"headline": 1}`, 0},
		{ct, `{"topics": "x"}`, 0},
		{ct, `{"nope": true}`, 0},
		{ct, `{"name": null, "verified": "yes"}`, 1},
		{ct, `{"s":"\u0000<script>alert(1)</script>\r\n","i":1e400,"u":256,"a":[1,2,3],"m":{"k":-1},"n":{"X":"y"}}`, 2},
		{ct, "{\"s\":\"\xff\xfe\"}", 2},
		{ct, "\x00", 2},
		{ct, `{"p":` + strings.Repeat("[", 20000), 2},
		{ct, `{"s":"` + strings.Repeat("a", MaxJSONBody) + `"}`, 2},
		{"text/plain", `{}`, 0},
		{"", `{}`, 0},
		{"application/json\r\nX-Evil: 1", `{}`, 0},
		{ct, `{"\u00e4\"\\x": 1}`, 2},
		{ct, `{"mp":{"a":[1,"x"]}}`, 2},
	}
	for _, s := range seeds {
		f.Add(s.ct, []byte(s.body), s.target)
	}
	app := fiber.New()
	f.Fuzz(func(t *testing.T, ct string, body []byte, target uint8) {
		var fctx fasthttp.RequestCtx
		fctx.Request.Header.SetMethod(fiber.MethodPost)
		fctx.Request.SetRequestURI("/api/v1/fuzz")
		fctx.Request.Header.Set(fiber.HeaderContentType, ct)
		fctx.Request.SetBody(body)
		c := app.AcquireCtx(&fctx)
		defer app.ReleaseCtx(c)
		// What the handler sees, after fasthttp's header handling.
		gotCT := strings.ToLower(c.Get(fiber.HeaderContentType))

		var v any
		switch target % 3 {
		case 0:
			v = new(profile.Content)
		case 1:
			v = new(identity.OrgPatch)
		default:
			v = new(fuzzTarget)
		}
		err := JSON(c, v)
		if err == nil {
			if len(body) > MaxJSONBody {
				t.Fatalf("accepted a body of %d bytes", len(body))
			}
			if !strings.HasPrefix(gotCT, "application/json") {
				t.Fatalf("accepted content type %q", gotCT)
			}
			if !json.Valid(body) {
				t.Fatalf("accepted invalid JSON %q", body)
			}
			// Exactly one value: after it, only white space.
			dec := json.NewDecoder(bytes.NewReader(body))
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil || dec.More() {
				t.Fatalf("accepted a body that is not one JSON value: %q", body)
			}
			return
		}
		var e *otm.Error
		if !errors.As(err, &e) {
			t.Fatalf("error %T %v is not an *otm.Error", err, err)
		}
		status, code, msg, internal := httperr.Of(err)
		if internal || status < 400 || status > 499 {
			t.Fatalf("error %v: status %d (internal %v), want 4xx", err, status, internal)
		}
		if code != otm.EINVALID && code != otm.ETOOLARGE {
			t.Fatalf("error %v: code %q, want %q or %q", err, code, otm.EINVALID, otm.ETOOLARGE)
		}
		if msg == "" {
			t.Fatalf("error %v has no message", err)
		}
		fields := otm.ErrorFields(err)
		if len(fields) == 0 {
			t.Fatalf("error %v names no field", err)
		}
		for _, fe := range fields {
			// An unknown field may be named "" (the body has the key "").
			if fe.Rule == "" || fe.Field == "" && fe.Rule != otm.RuleUnknownField {
				t.Fatalf("error %v: field %q rule %q, want both named", err, fe.Field, fe.Rule)
			}
		}
		if len(body) > MaxJSONBody && code != otm.ETOOLARGE {
			t.Fatalf("body of %d bytes: code %q, want %q", len(body), code, otm.ETOOLARGE)
		}
		if len(body) <= MaxJSONBody && code == otm.ETOOLARGE {
			t.Fatalf("body of %d bytes refused as too large", len(body))
		}
		if !strings.HasPrefix(gotCT, "application/json") {
			if rule, _ := otm.FieldRule(err, "body"); rule != otm.RuleJSON && len(body) <= MaxJSONBody {
				t.Fatalf("content type %q: body rule %q, want %q", gotCT, rule, otm.RuleJSON)
			}
		}
	})
}
