// Package reqid carries a request's id through its context and onto every
// log line written with that context.
package reqid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"regexp"
)

type key struct{}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context { return context.WithValue(ctx, key{}, id) }

// From returns the id ctx carries ("" for none).
func From(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}

var (
	wellFormed  = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)
	traceparent = regexp.MustCompile(`^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$`)
)

// Pick returns the id of a request: the caller's X-Request-ID when it is
// well-formed (1 to 64 of A-Z a-z 0-9 . _ : -), else the trace id of a
// valid W3C traceparent, else a new random one. What does not fit (a log
// injection, a huge header) is never taken.
func Pick(header, traceParent string) string {
	if wellFormed.MatchString(header) {
		return header
	}
	if m := traceparent.FindStringSubmatch(traceParent); m != nil && m[1] != "00000000000000000000000000000000" {
		return m[1]
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Handler adds "requestId" to every record logged with a context that
// carries one.
type Handler struct{ slog.Handler }

// Handle implements slog.Handler.
func (h Handler) Handle(ctx context.Context, r slog.Record) error {
	if id := From(ctx); id != "" {
		r.AddAttrs(slog.String("requestId", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h Handler) WithAttrs(as []slog.Attr) slog.Handler { return Handler{h.Handler.WithAttrs(as)} }

// WithGroup implements slog.Handler.
func (h Handler) WithGroup(name string) slog.Handler { return Handler{h.Handler.WithGroup(name)} }

// Logger returns l with its handler wrapped in Handler (once: a logger
// wrapped already is returned as it is).
func Logger(l *slog.Logger) *slog.Logger {
	if _, ok := l.Handler().(Handler); ok {
		return l
	}
	return slog.New(Handler{l.Handler()})
}
