package notify

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opentomentor/opentomentor/mongostore"
)

const devMailCollection = "dev_mail"

// DevMailbox keeps e-mails in the database instead of sending them: the
// development default (without OTM_SMTP_URL), shown at /dev/mail, so that
// the demo shows every message a person would get.
type DevMailbox struct {
	c *mongo.Collection
}

// DevMailbox returns the development mailbox in s's database (erasing a
// person erases their kept e-mails too).
func (s *Service) DevMailbox() *DevMailbox {
	return &DevMailbox{c: s.c.Database().Collection(devMailCollection)}
}

// DevMail is one kept e-mail.
type DevMail struct {
	ID          string    `bson:"_id"` // the Message-ID
	UserID      string    `bson:"userId"`
	From        string    `bson:"from"`
	To          string    `bson:"to"`
	ToName      string    `bson:"toName"`
	Subject     string    `bson:"subject"`
	Text        string    `bson:"text"`
	HTML        string    `bson:"html"`
	Unsubscribe string    `bson:"unsubscribe"`
	Date        time.Time `bson:"date"`
}

// Deliver keeps e; a repeat of the same Message-ID is kept once.
func (b *DevMailbox) Deliver(ctx context.Context, e *Envelope) error {
	_, err := b.c.InsertOne(ctx, DevMail{ID: e.MessageID, UserID: e.UserID, From: e.From, To: e.To, ToName: e.ToName,
		Subject: e.Subject, Text: e.Text, HTML: e.HTML, Unsubscribe: e.Unsubscribe, Date: e.Date.UTC()})
	if mongostore.IsDuplicateKey(err) {
		return nil
	}
	return mapErr(err)
}

// List returns the newest kept e-mails (at most limit), optionally only
// those to one address.
func (b *DevMailbox) List(ctx context.Context, to string, limit int) ([]DevMail, error) {
	filter := bson.D{}
	if to != "" {
		filter = bson.D{{Key: "to", Value: to}}
	}
	return mongostore.FindAll[DevMail](ctx, b.c, "notify", "E-mail", filter,
		options.Find().SetSort(bson.D{{Key: "date", Value: -1}}).SetLimit(int64(limit)))
}

// Get returns one kept e-mail, nil when there is none.
func (b *DevMailbox) Get(ctx context.Context, id string) (*DevMail, error) {
	list, err := mongostore.FindAll[DevMail](ctx, b.c, "notify", "E-mail", bson.D{{Key: "_id", Value: id}})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}
