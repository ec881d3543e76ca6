// Package opentomentor holds the shared vocabulary of the platform: error
// codes and rule keys, roles, the signed-in principal, context helpers and
// slugs. It imports nothing of the project.
package opentomentor

import (
	"errors"
	"fmt"
	"maps"
)

// Application error codes. One table (package api, StatusOf) maps them to HTTP
// statuses for the API and the pages alike.
const (
	ECONFLICT       = "conflict"        // 409: the object changed or already exists
	EINTERNAL       = "internal"        // 500: a bug or an unreachable dependency
	EINVALID        = "invalid"         // 400/422: bad input
	ENOTFOUND       = "not_found"       // 404
	EUNAUTHORIZED   = "unauthorized"    // 401: not signed in
	EFORBIDDEN      = "forbidden"       // 403: signed in, but not allowed
	ETOOLARGE       = "too_large"       // 413
	EUNAVAILABLE    = "unavailable"     // 503: a dependency is down
	ETOOMANY        = "too_many"        // 429
	ENOTIMPLEMENTED = "not_implemented" // 501
)

// Args are the named arguments of a rule, e.g. {"min": 80}. Pages and e-mails
// put them into the translated text of the rule.
type Args map[string]any

// FieldError names one offending input field: the stable Rule it breaks with
// its Args, and an English Message for API clients and logs. Code that decides
// or translates reads Rule and Args, never Message.
type FieldError struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Args    Args   `json:"args,omitempty"`
	Message string `json:"message"`
}

// Error is the application error. Code is machine-readable, Rule (optional)
// names the refusal for translation with Args, Message is English and safe to
// show, Fields lists offending input fields.
type Error struct {
	Code    string
	Rule    string
	Args    Args
	Message string
	Fields  []FieldError
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("opentomentor error: code=%s rule=%s message=%s", e.Code, e.Rule, e.Message)
	}
	return fmt.Sprintf("opentomentor error: code=%s rule=%s message=%s fields=%v", e.Code, e.Rule, e.Message, e.Fields)
}

// Errorf returns an *Error with the given code and formatted message and no
// rule (for refusals whose code says it all, such as "sign in first").
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Refuse returns an *Error with code that names the rule the request breaks.
func Refuse(code, rule string, args Args, format string, a ...any) *Error {
	return &Error{Code: code, Rule: rule, Args: args, Message: fmt.Sprintf(format, a...)}
}

// Invalid returns an EINVALID error naming the offending fields.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: message, Fields: fields}
}

// Field returns a FieldError for field breaking rule.
func Field(field, rule string, args Args, format string, a ...any) FieldError {
	return FieldError{Field: field, Rule: rule, Args: args, Message: fmt.Sprintf(format, a...)}
}

// Problems collects field errors while input is checked.
type Problems []FieldError

// Add records that field breaks rule.
func (p *Problems) Add(field, rule string, args Args, format string, a ...any) {
	*p = append(*p, Field(field, rule, args, format, a...))
}

// Err returns nil when nothing was added, else an EINVALID error with message
// naming every field.
func (p Problems) Err(message string) error {
	if len(p) == 0 {
		return nil
	}
	return Invalid(message, p...)
}

// WithField returns err with one more field error when err is an *Error
// (a copy; err itself is not changed), else err.
func WithField(err error, fe FieldError) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Fields = append(append([]FieldError{}, e.Fields...), fe)
	c.Args = maps.Clone(e.Args)
	return &c
}

// ErrorCode returns the code of the root error, EINTERNAL for any other error and
// "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorRule returns the rule of the root error and its arguments, "" when it
// names none.
func ErrorRule(err error) (string, Args) {
	var e *Error
	if errors.As(err, &e) {
		return e.Rule, e.Args
	}
	return "", nil
}

// ErrorMessage returns the human-readable message of the root error, or
// "Internal error." for any other error.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorFields returns the offending fields of the root error, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// FieldRule returns the rule the named field breaks in err and its args, ""
// when err names no such field.
func FieldRule(err error, field string) (string, Args) {
	for _, fe := range ErrorFields(err) {
		if fe.Field == field {
			return fe.Rule, fe.Args
		}
	}
	return "", nil
}
