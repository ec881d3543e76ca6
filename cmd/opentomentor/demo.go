package main

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/opentomentor/opentomentor/internal/demo"
)

// DemoOptions configure "opentomentor demo" (see package internal/demo).
type DemoOptions = demo.Options

// The demo's cohorts and pending applications, for tests.
const (
	demoPending            = demo.Pending
	demoCohortMatching     = demo.CohortMatching
	demoCohortRegistration = demo.CohortRegistration
)

func randomSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
