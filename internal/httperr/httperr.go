// Package httperr is the one table from application error codes to HTTP
// statuses. The API renders an error as problem+json and the pages as an error
// page; both take the status from here.
package httperr

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
)

// codeStatuses pairs application error codes with HTTP statuses; the first
// pair of a code is its status, the first pair of a status is its code when
// Fiber reports the status.
var codeStatuses = []struct {
	code   string
	status int
}{
	{otm.EINVALID, http.StatusBadRequest},
	{otm.EINVALID, http.StatusUnprocessableEntity},
	{otm.EUNAUTHORIZED, http.StatusUnauthorized},
	{otm.EFORBIDDEN, http.StatusForbidden},
	{otm.ENOTFOUND, http.StatusNotFound},
	{otm.ENOTFOUND, http.StatusMethodNotAllowed},
	{otm.ECONFLICT, http.StatusConflict},
	{otm.ETOOLARGE, http.StatusRequestEntityTooLarge},
	{otm.ETOOMANY, http.StatusTooManyRequests},
	{otm.EUNAVAILABLE, http.StatusServiceUnavailable},
	{otm.ENOTIMPLEMENTED, http.StatusNotImplemented},
}

// Status maps an application error code to an HTTP status (500 for EINTERNAL
// and unknown codes).
func Status(code string) int {
	for _, cs := range codeStatuses {
		if cs.code == code {
			return cs.status
		}
	}
	return http.StatusInternalServerError
}

// Code maps an HTTP status (from Fiber) to an application error code.
func Code(status int) string {
	for _, cs := range codeStatuses {
		if cs.status == status {
			return cs.code
		}
	}
	return otm.EINTERNAL
}

// Of returns the status, code and English message of any error: a Fiber
// error keeps its status, an application error gets its code's status, and
// anything else is EINTERNAL 500 "Internal error." (internal is true: log it,
// show nothing of it).
func Of(err error) (status int, code, message string, internal bool) {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code = Code(fe.Code)
		return fe.Code, code, fe.Message, fe.Code >= 500 && code == otm.EINTERNAL
	}
	code = otm.ErrorCode(err)
	if code == otm.EINTERNAL {
		return http.StatusInternalServerError, code, "Internal error.", true
	}
	return Status(code), code, otm.ErrorMessage(err), false
}

// FormStatus is the status of a page that shows its form again because of
// err: 422 for invalid input (or nil: the page's own checks failed), else
// the status of err's code.
func FormStatus(err error) int {
	if err == nil || otm.ErrorCode(err) == otm.EINVALID {
		return http.StatusUnprocessableEntity
	}
	status, _, _, _ := Of(err)
	return status
}
