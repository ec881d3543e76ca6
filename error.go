// Package opentomentor holds the shared vocabulary of the platform: error codes,
// the signed-in principal and context helpers. It imports nothing of the project.
package opentomentor

import (
	"errors"
	"fmt"
)

// Application error codes. The HTTP layer maps them to statuses.
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

// FieldError names one offending input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the application error. Code is machine-readable, Message is safe to show
// to the user, Fields lists offending input fields.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("opentomentor error: code=%s message=%s", e.Code, e.Message)
	}
	return fmt.Sprintf("opentomentor error: code=%s message=%s fields=%v", e.Code, e.Message, e.Fields)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming the offending fields.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: message, Fields: fields}
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
