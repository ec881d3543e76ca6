package profile

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/check"
)

// Topic is one entry of the admin-managed vocabulary of what mentors teach and
// mentees want to learn.
type Topic struct {
	ID      string `bson:"_id" json:"id"`
	LabelEN string `bson:"labelEn" json:"labelEn"`
	LabelDE string `bson:"labelDe" json:"labelDe"`
	Core    bool   `bson:"core" json:"core"` // one of the program's three core topics
	Order   int    `bson:"order" json:"order"`
}

// Label returns the topic's label in lang ("de" or anything else for English).
func (t Topic) Label(lang string) string {
	if lang == "de" {
		return t.LabelDE
	}
	return t.LabelEN
}

// DefaultTopics seed the vocabulary: the three core topics first.
var DefaultTopics = []Topic{
	{ID: "digital-skills", LabelEN: "Digital skills", LabelDE: "Digitale Kompetenzen", Core: true, Order: 1},
	{ID: "new-work-leadership", LabelEN: "New work & leadership", LabelDE: "New Work & Führung", Core: true, Order: 2},
	{ID: "employer-branding", LabelEN: "Employer branding", LabelDE: "Arbeitgebermarke", Core: true, Order: 3},
	{ID: "ai-data", LabelEN: "AI & data", LabelDE: "KI & Daten", Order: 10},
	{ID: "social-media", LabelEN: "Social media & new platforms", LabelDE: "Social Media & neue Plattformen", Order: 11},
	{ID: "remote-hybrid-work", LabelEN: "Remote & hybrid work", LabelDE: "Remote- & Hybridarbeit", Order: 12},
	{ID: "diversity-inclusion", LabelEN: "Diversity & inclusion", LabelDE: "Vielfalt & Inklusion", Order: 13},
	{ID: "sustainability", LabelEN: "Sustainability", LabelDE: "Nachhaltigkeit", Order: 14},
	{ID: "wellbeing", LabelEN: "Mental health & wellbeing", LabelDE: "Mentale Gesundheit & Wohlbefinden", Order: 15},
}

var topicIDRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// topicCache holds the vocabulary in memory, written through on every change
// (validation reads it on every save).
type topicCache struct {
	mu      sync.RWMutex
	topics  []Topic
	version int64 // the topics-version document when topics were read
}

func (c *topicCache) set(ts []Topic, version int64) {
	slices.SortFunc(ts, func(a, b Topic) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return strings.Compare(a.ID, b.ID)
	})
	c.mu.Lock()
	c.topics, c.version = ts, version
	c.mu.Unlock()
}

func (c *topicCache) loadedVersion() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.version
}

func (c *topicCache) all() []Topic {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return slices.Clone(c.topics)
}

func (c *topicCache) has(id string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return slices.ContainsFunc(c.topics, func(t Topic) bool { return t.ID == id })
}

// Topics returns the vocabulary in display order.
func (s *Service) Topics() []Topic { return s.topics.all() }

// PutTopic creates or changes a topic (admins only). Errors: EFORBIDDEN,
// EINVALID naming the field.
func (s *Service) PutTopic(ctx context.Context, actor *otm.Principal, t Topic) error {
	if err := otm.RequireRole(actor, "Only admins may change topics.", otm.RoleAdmin); err != nil {
		return err
	}
	var fe otm.Problems
	if len(t.ID) > 40 || !topicIDRe.MatchString(t.ID) {
		fe.Add("id", otm.RuleSlug, otm.Args{"min": 1, "max": 40}, "1–40 lowercase letters, digits and single dashes")
	}
	check.Between(&fe, "labelEn", &t.LabelEN, 2, 60, false)
	check.Between(&fe, "labelDe", &t.LabelDE, 2, 60, false)
	if err := fe.Err("The topic is not valid."); err != nil {
		return err
	}
	if err := s.store.putTopic(ctx, &t); err != nil {
		return err
	}
	// Other replicas see the new version and reload (RefreshTopics).
	if err := s.store.bumpTopicsVersion(ctx); err != nil {
		return err
	}
	return s.loadTopics(ctx)
}

// loadTopics fills the cache from the database.
func (s *Service) loadTopics(ctx context.Context) error {
	v, err := s.store.topicsVersion(ctx) // read first: a change meanwhile reloads again
	if err != nil {
		return err
	}
	ts, err := s.store.topics(ctx)
	if err != nil {
		return err
	}
	s.topics.set(ts, v)
	return nil
}

// RefreshTopics reloads the vocabulary when another replica changed it
// (one look-up by _id when nothing changed) and reports whether it did.
func (s *Service) RefreshTopics(ctx context.Context) (bool, error) {
	v, err := s.store.topicsVersion(ctx)
	if err != nil || v == s.topics.loadedVersion() {
		return false, err
	}
	return true, s.loadTopics(ctx)
}

// RunTopicRefresh calls RefreshTopics every interval until ctx ends, so that
// a topic an admin adds on one replica is accepted on every other within
// seconds.
func (s *Service) RunTopicRefresh(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.RefreshTopics(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("topics not refreshed", "err", err)
			}
		}
	}
}
