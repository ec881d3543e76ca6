package reqid

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestPick(t *testing.T) {
	tests := []struct {
		name, header, traceparent, want string
	}{
		{"caller's id", "abc-123", "", "abc-123"},
		{"caller's id wins over traceparent", "abc-123", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "abc-123"},
		{"traceparent's trace id", "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736"},
		{"a log injection is not taken", "abc\nlevel=ERROR", "", ""},
		{"too long is not taken", strings.Repeat("a", 65), "", ""},
		{"an all-zero trace id is invalid", "", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", ""},
		{"a malformed traceparent", "", "00-XYZ-00f067aa0ba902b7-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Pick(tt.header, tt.traceparent)
			if tt.want != "" && got != tt.want {
				t.Errorf("Pick(%q, %q) = %q, want %q", tt.header, tt.traceparent, got, tt.want)
			}
			if tt.want == "" && (len(got) != 16 || got == tt.header) {
				t.Errorf("Pick(%q, %q) = %q, want a new 16-hex id", tt.header, tt.traceparent, got)
			}
		})
	}
}

func TestHandlerAddsTheRequestID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler{slog.NewTextHandler(&buf, nil)}).With("component", "x")
	log.InfoContext(With(context.Background(), "abc-123"), "with an id")
	log.Info("without")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2: %q", len(lines), buf.String())
	}
	if !strings.Contains(lines[0], "requestId=abc-123") || !strings.Contains(lines[0], "component=x") {
		t.Errorf("line with a context: got %q, want requestId=abc-123 and the component", lines[0])
	}
	if strings.Contains(lines[1], "requestId") {
		t.Errorf("line without: got %q, want no requestId", lines[1])
	}
}
