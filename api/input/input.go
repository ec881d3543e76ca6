// Package input reads what a request brings to the API, strictly: one JSON
// object with no unknown fields and the right types, whole numbers in the
// query, bodies within their size; every refusal is an EINVALID or ETOOLARGE
// error naming the field, for a problem+json answer.
package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
)

// MaxJSONBody bounds every JSON request body of the API.
const MaxJSONBody = 64 << 10

// TooLarge is the refusal of a body larger than max bytes: ETOOLARGE naming
// the body.
func TooLarge(max int) error {
	return &otm.Error{Code: otm.ETOOLARGE, Message: fmt.Sprintf("The request body is larger than %d KB.", max>>10),
		Rule: otm.RuleTooLarge, Args: otm.Args{"max": max}, Fields: []otm.FieldError{otm.Field("body", otm.RuleTooLarge, otm.Args{"max": max}, "too large")}}
}

// JSON reads the request body strictly into v: JSON only, one value, no
// unknown fields, right types. Errors are EINVALID naming the field, or
// ETOOLARGE.
func JSON(c *fiber.Ctx, v any) error {
	body := c.Body()
	if len(body) > MaxJSONBody {
		return TooLarge(MaxJSONBody)
	}
	if ct := strings.ToLower(c.Get(fiber.HeaderContentType)); !strings.HasPrefix(ct, "application/json") {
		return otm.Invalid("Send JSON with Content-Type: application/json.", otm.Field("body", otm.RuleJSON, nil, "not JSON"))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return otm.Invalid("The body must hold one JSON object.", otm.Field("body", otm.RuleJSON, nil, "trailing data after the JSON value"))
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return otm.Invalid("The body is not valid JSON.", otm.Field("body", otm.RuleJSON, otm.Args{"offset": syn.Offset}, "syntax error at byte %d", syn.Offset))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return otm.Invalid("A field has the wrong type.", otm.Field(field, otm.RuleType, otm.Args{"want": jsonKind(typ.Type.Kind().String()), "got": typ.Value}, "must be %s, not %s", jsonType(typ.Type.Kind().String()), typ.Value))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return otm.Invalid("The body is empty or cut off.", otm.Field("body", otm.RuleJSON, nil, "incomplete JSON"))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return otm.Invalid("The body has a field this endpoint does not know.", otm.Field(name, otm.RuleUnknownField, nil, "unknown field"))
	}
	return otm.Invalid("The body could not be read.", otm.Field("body", otm.RuleJSON, nil, "%s", err.Error()))
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "true or false"
	}
	return "a number"
}

// QueryInt reads an integer query parameter; def when absent.
func QueryInt(c *fiber.Ctx, name string, def int) (int, error) {
	s := c.Query(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, otm.Invalid("A query parameter is not valid.", otm.Field(name, otm.RuleInteger, nil, "must be a whole number"))
	}
	return n, nil
}

// jsonKind names a JSON type for the rule's arguments.
func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	}
	return "number"
}

// QueryPaging reads ?limit= (default 50) and ?offset= (default 0) as whole
// numbers; the service checks their ranges.
func QueryPaging(c *fiber.Ctx) (limit, offset int, err error) {
	if limit, err = QueryInt(c, "limit", 50); err != nil {
		return 0, 0, err
	}
	offset, err = QueryInt(c, "offset", 0)
	return limit, offset, err
}
