package mongostore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/mongostore"
)

// BenchmarkLookupWhileScanning times a look-up by _id while another
// goroutine reads 5,000 documents of ~1 KB with a filter the embedded
// database answers by scanning (a report, an admin list), each way of
// batching the scan (the driver's default, and FindAll's): on the embedded database (one connection) the look-up
// waits for whatever the scan holds the connection for.
//
//	go test -run '^$' -bench LookupWhileScanning -benchtime 200x ./mongostore/
func BenchmarkLookupWhileScanning(b *testing.B) {
	ctx := context.Background()
	db := testenv.DB(b)
	scanned, lookups := db.Collection("scanned"), db.Collection("lookups")
	pad := strings.Repeat("x", 1000)
	docs := make([]any, 5000)
	for i := range docs {
		docs[i] = bson.D{{Key: "_id", Value: fmt.Sprintf("s%05d", i)}, {Key: "n", Value: i}, {Key: "pad", Value: pad}}
	}
	if _, err := scanned.InsertMany(ctx, docs); err != nil {
		b.Fatal(err)
	}
	if _, err := lookups.InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}}); err != nil {
		b.Fatal(err)
	}
	if _, err := testenv.Store(b).IndexIDs(ctx); err != nil {
		b.Fatal(err)
	}
	filter := bson.D{{Key: "n", Value: bson.D{{Key: "$gte", Value: 0}}}}
	for _, tt := range []struct {
		name string
		scan func() ([]bson.M, error)
	}{
		{"driver-default", func() ([]bson.M, error) {
			cur, err := scanned.Find(ctx, filter)
			if err != nil {
				return nil, err
			}
			var out []bson.M
			return out, cur.All(ctx, &out)
		}},
		{"findall", func() ([]bson.M, error) { return mongostore.FindAll[bson.M](ctx, scanned, "bench", "Scanned", filter) }},
	} {
		b.Run(tt.name, func(b *testing.B) {
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					got, err := tt.scan()
					if err != nil || len(got) != len(docs) {
						b.Errorf("scan: %d documents, %v", len(got), err)
						return
					}
				}
			}()
			var times []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if err := lookups.FindOne(ctx, bson.D{{Key: "_id", Value: "x"}}).Err(); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
			}
			close(stop)
			wg.Wait()
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, "max-ms")
		})
	}
}
