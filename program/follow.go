package program

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	otm "github.com/opentomentor/opentomentor"
)

// The people who follow the programs, to hear when a cohort opens its
// registration (a planned cohort is not public yet, so one follows the
// programs, not one of them). They are one document: following and
// unfollowing are single-document $addToSet / $pull by _id, cheap on the
// embedded database too; the phase change reads the list once.
const followersID = "cohorts"

func (m *mongoStore) followersC() *mongo.Collection { return m.db.Collection("program_followers") }

// Follow makes p hear (on true) or no longer hear (on false) when a cohort
// opens its registration. Idempotent. Errors: EUNAUTHORIZED.
func (s *Service) Follow(ctx context.Context, p *otm.Principal, on bool) error {
	if err := otm.RequireSignedIn(p); err != nil {
		return err
	}
	op := "$pull"
	if on {
		op = "$addToSet"
	}
	_, err := s.store.followersC().UpdateOne(ctx, bson.D{{Key: "_id", Value: followersID}},
		bson.D{{Key: op, Value: bson.D{{Key: "users", Value: p.UserID}}}}, options.UpdateOne().SetUpsert(on))
	return mapErr(err, "Followers")
}

// Following reports whether p follows the programs. Errors: EUNAUTHORIZED.
func (s *Service) Following(ctx context.Context, p *otm.Principal) (bool, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return false, err
	}
	return s.follows(ctx, p.UserID)
}

func (s *Service) follows(ctx context.Context, userID string) (bool, error) {
	err := s.store.followersC().FindOne(ctx, bson.D{{Key: "_id", Value: followersID}, {Key: "users", Value: userID}},
		options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, mapErr(err, "Followers")
}

// Followers returns the ids of the people who follow the programs.
func (s *Service) Followers(ctx context.Context) ([]string, error) {
	var d struct {
		Users []string `bson:"users"`
	}
	err := s.store.followersC().FindOne(ctx, bson.D{{Key: "_id", Value: followersID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	return d.Users, mapErr(err, "Followers")
}

// FollowsPrograms reports whether userID follows the programs (the export).
func (s *Service) FollowsPrograms(ctx context.Context, userID string) (bool, error) {
	return s.follows(ctx, userID)
}

// EraseFollower takes userID off the followers (account deletion).
func (s *Service) EraseFollower(ctx context.Context, userID string) error {
	_, err := s.store.followersC().UpdateOne(ctx, bson.D{{Key: "_id", Value: followersID}},
		bson.D{{Key: "$pull", Value: bson.D{{Key: "users", Value: userID}}}})
	return mapErr(err, "Followers")
}
