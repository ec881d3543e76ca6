package notify

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/mongostore"
)

// EnableMail makes Send queue an e-mail for every message (unless the
// recipient switched its type off); a Mailer sends them. It loads the key
// that signs unsubscribe links, creating it on the first start (every
// replica reads the same one). Errors: the database's.
func (s *Service) EnableMail(ctx context.Context) error {
	db := s.c.Database()
	settings := db.Collection("settings")
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	_, err := settings.InsertOne(ctx, bson.D{{Key: "_id", Value: "mail-unsubscribe-key"}, {Key: "key", Value: key}})
	if err != nil && !mongostore.IsDuplicateKey(err) {
		return mapErr(err)
	}
	var d struct {
		Key []byte `bson:"key"`
	}
	if err := settings.FindOne(ctx, bson.D{{Key: "_id", Value: "mail-unsubscribe-key"}}).Decode(&d); err != nil || len(d.Key) < 32 {
		return errors.Join(errors.New("notify: the unsubscribe key cannot be read"), err)
	}
	s.secret = d.Key
	s.outbox, s.done, s.prefs = db.Collection("mail_outbox"), db.Collection("mail_sent"), db.Collection("mail_prefs")
	return s.ensureIndexes(ctx)
}

// MailEnabled reports whether messages are also sent by e-mail.
func (s *Service) MailEnabled() bool { return s.mailOn() }

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
	if !ok || !s.mailOn() || len(token) > 2048 {
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

// ensureIndexes creates the outbox's indexes (idempotent).
func (s *Service) ensureIndexes(ctx context.Context) error {
	// One by one: the embedded FerretDB fails on CreateMany when some of
	// the indexes exist already.
	for _, ix := range []struct {
		c    *mongo.Collection
		keys bson.D
	}{{s.outbox, bson.D{{Key: "nextAt", Value: 1}}}, {s.outbox, bson.D{{Key: "userId", Value: 1}}}, {s.done, bson.D{{Key: "userId", Value: 1}}}, {s.done, bson.D{{Key: "createdAt", Value: 1}}}} {
		if _, err := ix.c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: ix.keys}); err != nil {
			return mapErr(err)
		}
	}
	return nil
}
