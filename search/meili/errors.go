package meili

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/meilisearch/meilisearch-go"

	otm "github.com/opentomentor/opentomentor"
)

// apiError is an error answered by Meilisearch: a request refused with a status code,
// or a task that failed. It wraps the *otm.Error that gives its code.
type apiError struct {
	Op      string // what the adapter was doing
	Status  int    // HTTP status; 0 for a failed task
	Task    int64  // the failed task's uid
	Code    string // Meilisearch's error code, e.g. "invalid_search_filter"
	Type    string // Meilisearch's error type: invalid_request, auth, internal, system
	Message string // Meilisearch's message, scrubbed of the API key
	err     *otm.Error
}

func (e *apiError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "meili: %s: ", e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, "status %d", e.Status)
	} else {
		fmt.Fprintf(&b, "task %d failed", e.Task)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, ", code %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	return b.String() + ": " + e.err.Error()
}

func (e *apiError) Unwrap() error { return e.err }

// meiliCode returns the Meilisearch error code of err (a library error or an
// *apiError), or "".
func meiliCode(err error) string {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Code
	}
	var me *meilisearch.Error
	if errors.As(err, &me) {
		return string(me.APIError.Code)
	}
	return ""
}

// wrap turns an error of the library into an error with an otm code:
//   - the caller's context ended: that error;
//   - document_not_found, index_not_found: ENOTFOUND;
//   - 401/403 (bad or missing API key), 408, 429, 5xx, no connection, timeouts:
//     EUNAVAILABLE;
//   - 413: ETOOLARGE; any other 4xx: EINVALID.
//
// The text keeps Meilisearch's code and message for the log, never the API key.
func (x *Index) wrap(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("meili: %s: %w", op, ctxErr)
	}
	var me *meilisearch.Error
	if !errors.As(err, &me) {
		return fmt.Errorf("meili: %s: %s", op, x.scrub(err.Error()))
	}
	switch me.ErrCode {
	case meilisearch.APIError, meilisearch.APIErrorWithoutMessage:
		ae := &apiError{Op: op, Status: me.StatusCode, Code: string(me.APIError.Code), Type: me.APIError.Type}
		if me.ErrCode == meilisearch.APIError {
			ae.Message = x.scrub(me.APIError.Message)
		}
		ae.err = statusError(me.StatusCode, ae.Code)
		return ae
	case meilisearch.TimeoutError, meilisearch.CommunicationError, meilisearch.MaxRetriesExceeded:
		cause := "no response"
		if me.OriginError != nil {
			cause = x.scrub(me.OriginError.Error())
		}
		return fmt.Errorf("meili: %s: %s: %w", op, cause, otm.Errorf(otm.EUNAVAILABLE, "The search engine is unavailable."))
	default: // a request that could not be encoded or a response that could not be decoded
		cause := "unexpected response"
		if me.OriginError != nil {
			cause = x.scrub(me.OriginError.Error())
		}
		return fmt.Errorf("meili: %s: status %d: %s", op, me.StatusCode, cause)
	}
}

// statusError returns the otm error for a refused request.
func statusError(status int, code string) *otm.Error {
	switch {
	case code == "document_not_found":
		return otm.Errorf(otm.ENOTFOUND, "Mentor profile not found.")
	case code == "index_not_found":
		return otm.Errorf(otm.ENOTFOUND, "The search index does not exist.")
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return otm.Errorf(otm.EUNAVAILABLE, "The search engine refused the API key.")
	case status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500 || status < 400:
		return otm.Errorf(otm.EUNAVAILABLE, "The search engine is unavailable.")
	case status == http.StatusRequestEntityTooLarge:
		return otm.Errorf(otm.ETOOLARGE, "Too much data for the search engine.")
	default:
		return otm.Errorf(otm.EINVALID, "The search engine refused the request.")
	}
}

// failedTask returns the error of a task that failed or was canceled: EINVALID for
// an invalid_request error, ENOTFOUND for a missing index or document, EUNAVAILABLE
// otherwise (auth, internal and system errors, cancellation).
func (x *Index) failedTask(op string, t *meilisearch.Task) error {
	ae := &apiError{Op: op, Task: t.UID, Code: string(t.Error.Code), Type: t.Error.Type, Message: x.scrub(t.Error.Message)}
	if ae.Task == 0 {
		ae.Task = t.TaskUID
	}
	switch {
	case t.Status == meilisearch.TaskStatusCanceled:
		ae.Message = "canceled"
		ae.err = otm.Errorf(otm.EUNAVAILABLE, "The search engine canceled the change.")
	case ae.Code == "index_not_found" || ae.Code == "document_not_found":
		ae.err = statusError(http.StatusNotFound, ae.Code)
	case ae.Type == "invalid_request":
		ae.err = otm.Errorf(otm.EINVALID, "The search engine refused the change.")
	default:
		ae.err = otm.Errorf(otm.EUNAVAILABLE, "The search engine failed to apply the change.")
	}
	return ae
}

// scrub removes the API key from s (defence in depth: no error of the library is
// known to contain it).
func (x *Index) scrub(s string) string {
	if x.apiKey == "" {
		return s
	}
	return strings.ReplaceAll(s, x.apiKey, "[api key]")
}
