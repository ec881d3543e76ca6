package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"

	otm "github.com/opentomentor/opentomentor"
)

var b64 = base64.RawURLEncoding

// unsubscribeToken signs "userID types": whoever holds the e-mail may switch
// those types off for that person, and nothing else.
func (s *Service) unsubscribeToken(userID string, types []string) string {
	payload := b64.EncodeToString([]byte(userID + " " + strings.Join(types, ",")))
	return payload + "." + b64.EncodeToString(s.sign(payload))
}

func (s *Service) sign(payload string) []byte {
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte("unsubscribe:" + payload))
	return mac.Sum(nil)[:16]
}

// Unsubscription is what an unsubscribe link stands for.
type Unsubscription struct {
	UserID string
	Types  []string
}

// ParseUnsubscribe checks an unsubscribe link's token. Errors: EINVALID
// (rule bad_link on token) when it is not one this platform signed.
func (s *Service) ParseUnsubscribe(token string) (*Unsubscription, error) {
	bad := otm.Invalid("The link is not valid.", otm.Field("token", otm.RuleBadLink, nil, "not a valid unsubscribe link"))
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || !s.MailEnabled() || len(token) > 2048 {
		return nil, bad
	}
	got, err := b64.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.sign(payload)) {
		return nil, bad
	}
	raw, err := b64.DecodeString(payload)
	if err != nil {
		return nil, bad
	}
	userID, list, ok := strings.Cut(string(raw), " ")
	if !ok || userID == "" {
		return nil, bad
	}
	u := &Unsubscription{UserID: userID}
	for _, t := range strings.Split(list, ",") {
		if slices.Contains(Types, t) {
			u.Types = append(u.Types, t)
		}
	}
	return u, nil
}

// Unsubscribe switches off the types of a signed link (required types go to
// the daily digest instead) and returns the preferences now. Repeating it
// changes nothing. Errors: EINVALID (bad_link), the database's.
func (s *Service) Unsubscribe(ctx context.Context, token string) (*Unsubscription, *Preferences, error) {
	u, err := s.ParseUnsubscribe(token)
	if err != nil {
		return nil, nil, err
	}
	modes := map[string]string{}
	for _, t := range u.Types {
		modes[t] = ModeOff
		if slices.Contains(Required, t) {
			modes[t] = ModeDaily
		}
	}
	p, err := s.setModes(ctx, u.UserID, modes)
	return u, p, err
}
