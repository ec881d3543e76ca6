// Command load sends a bounded number of GET requests to URLs on this machine
// and reports latency percentiles per URL group. It refuses non-loopback
// targets.
//
//	go run ./bench/load -base http://127.0.0.1:8080 -n 2000 -c 4 \
//	    /healthz '/api/v1/mentors?q=digitl' '/api/v1/mentors?q=pyth&topic=ai-data'
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "platform base URL (loopback only)")
	n := flag.Int("n", 1000, "requests per path")
	c := flag.Int("c", 4, "concurrent clients")
	maxDur := flag.Duration("max", 2*time.Minute, "stop after this long")
	mixed := flag.Duration("z", 0, "mixed mode: the c clients send the paths in turn for this long (e.g. 20s) and the totals are reported")
	flag.Parse()
	u, err := url.Parse(*base)
	if err != nil {
		fail(err)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fail(fmt.Errorf("refusing non-loopback target %s", u.Host))
	}
	paths := flag.Args()
	if len(paths) == 0 {
		paths = []string{"/healthz"}
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *c}}
	if *mixed > 0 {
		runMixed(client, *base, paths, *c, *mixed)
		return
	}
	deadline := time.Now().Add(*maxDur)
	fmt.Printf("%-60s %6s %8s %8s %8s %8s %6s\n", "path", "n", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors")
	for _, p := range paths {
		lat, errs := run(client, *base+p, *n, *c, deadline)
		slices.Sort(lat)
		q := func(f float64) float64 { return quantileMS(lat, f) }
		fmt.Printf("%-60s %6d %8.2f %8.2f %8.2f %8.2f %6d\n", trim(p, 60), len(lat), q(0.50), q(0.90), q(0.99), q(1), errs)
	}
}

func run(client *http.Client, target string, n, c int, deadline time.Time) ([]time.Duration, int) {
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	jobs := make(chan struct{})
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				d, ok := get(client, target)
				mu.Lock()
				if ok {
					lat = append(lat, d)
				} else {
					errs++
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n && time.Now().Before(deadline); i++ {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	return lat, errs
}

// runMixed lets c clients send the paths in turn (each client starting at
// another one) for d and prints requests per second, latency percentiles
// over all requests, and the errors.
func runMixed(client *http.Client, base string, paths []string, c int, d time.Duration) {
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; time.Now().Before(deadline); i++ {
				dt, ok := get(client, base+paths[i%len(paths)])
				mu.Lock()
				if ok {
					lat = append(lat, dt)
				} else {
					errs++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	slices.Sort(lat)
	q := func(f float64) float64 { return quantileMS(lat, f) }
	fmt.Printf("mixed, %d clients, %v: %d requests, %.0f requests/s, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, errors %d\n",
		c, took.Round(time.Millisecond), len(lat), float64(len(lat))/took.Seconds(), q(0.5), q(0.9), q(0.99), q(1), errs)
}

// quantileMS is the f-quantile of the sorted latencies, in milliseconds (0
// without any).
func quantileMS(lat []time.Duration, f float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	return float64(lat[min(len(lat)-1, int(f*float64(len(lat))))].Microseconds()) / 1000
}

// get times one GET of target, body read; ok is false for an error or a
// status of 400 or more.
func get(client *http.Client, target string) (time.Duration, bool) {
	start := time.Now()
	resp, err := client.Get(target)
	if err != nil {
		return time.Since(start), false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return time.Since(start), resp.StatusCode < 400
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n-1] + "…"
	}
	return s
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "load:", err)
	os.Exit(2)
}
