// Command opentomentor runs the OpenToMentor platform.
//
//	opentomentor [serve] [flags]     run the platform (the default)
//	opentomentor demo [flags]        run it with demo organizations and personas
//
// Every flag has an OTM_* environment variable; with none set, everything runs
// embedded under ./data.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/opentomentor/opentomentor/internal/reqid"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "opentomentor:", err)
		}
		os.Exit(2)
	}
}

const usage = `OpenToMentor: cross-company reverse mentoring.

Usage:
  opentomentor [serve] [flags]   run the platform (default)
  opentomentor demo [flags]      run it with demo organizations and personas
  opentomentor reindex [flags]   rebuild the search index from the database
                                 (stop the platform first when it is embedded)
  opentomentor check-index       report drift between the database and the index
  opentomentor healthcheck       exit 0 when the platform on OTM_ADDR is ready
                                 (the image has no shell: its HEALTHCHECK uses this)
  opentomentor help              this text

Run "opentomentor serve -h" for the flags; each has an OTM_* environment variable.
`

// run parses the command line, starts the program and waits for ctx to end.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve", "demo", "reindex", "check-index":
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	case "healthcheck":
		return healthcheck(ctx, getenv, stdout)
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	fs := newFlagSet()
	fs.Init("opentomentor "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	build := registerConfigFlags(fs, getenv)
	var demo *DemoOptions
	if cmd == "demo" {
		demo = &DemoOptions{}
		fs.IntVar(&demo.Mentors, "mentors", 200, "number of synthetic published mentor profiles")
		fs.IntVar(&demo.Mentees, "mentees", 20, "number of synthetic executives with submitted mentee requests")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	cfg, err := build()
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	if demo != nil {
		if err := demo.Validate(); err != nil {
			return err
		}
	}
	logger := newLogger(cfg, stderr)
	if cmd == "reindex" || cmd == "check-index" {
		return reindex(ctx, cfg, logger, cmd == "check-index")
	}
	p := &Program{Config: cfg, Demo: demo, Logger: logger, Getenv: getenv}
	start := time.Now()
	if err := p.Run(ctx); err != nil {
		return err
	}
	p.Logger.Info("OpenToMentor is ready", "url", p.BaseURL, "startup", time.Since(start).Round(time.Millisecond).String(),
		"devIdentityProvider", cfg.DevIDP())
	select {
	case <-ctx.Done():
		p.Logger.Info("shutting down")
		return p.Close()
	case <-p.Done():
		err := p.Failed()
		p.Logger.Error("stopped serving", "addr", p.Addr, "err", err)
		return errors.Join(err, p.Close())
	}
}

func newFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("opentomentor", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	// Every line logged with a request's context carries its id.
	if cfg.LogFormat == "json" {
		return slog.New(reqid.Handler{Handler: slog.NewJSONHandler(w, opts)})
	}
	return slog.New(reqid.Handler{Handler: slog.NewTextHandler(w, opts)})
}

// healthcheck asks the platform listening on OTM_ADDR (on this machine)
// whether it is ready (/readyz answers 200: ready or degraded).
func healthcheck(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	addr := getenv("OTM_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("OTM_ADDR: %w", err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("not ready: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	var body struct {
		Status any `json:"status"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: /readyz answered %d", resp.StatusCode)
	}
	fmt.Fprintln(stdout, body.Status)
	return nil
}
