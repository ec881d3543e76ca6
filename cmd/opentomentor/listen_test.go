package main

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// listeningPorts returns the TCP ports this process listens on (IPv4 and
// IPv6), from /proc: the sockets among its file descriptors that the kernel
// lists in state LISTEN.
func listeningPorts(t *testing.T) []int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	mine := map[string]bool{}
	for _, fd := range fds {
		if l, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && strings.HasPrefix(l, "socket:[") {
			mine[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	var ports []int
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if os.IsNotExist(err) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Scan() // the header
		for sc.Scan() {
			// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 || fields[3] != "0A" || !mine[fields[9]] {
				continue
			}
			_, hexPort, _ := strings.Cut(fields[1], ":")
			if port, err := strconv.ParseUint(hexPort, 16, 16); err == nil {
				ports = append(ports, int(port))
			}
		}
		f.Close()
	}
	slices.Sort(ports)
	return slices.Compact(ports)
}

// TestIntegrationOnlyOwnTCPListener: with its embedded defaults (database,
// search engine, development identity provider), the platform listens on one
// TCP port, its own OTM_ADDR; the embedded database answers on a Unix socket
// only.
func TestIntegrationOnlyOwnTCPListener(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the listening sockets from /proc (Linux)")
	}
	before := listeningPorts(t)
	p := startProgram(t, false, nil)
	_, port, err := net.SplitHostPort(p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := strconv.Atoi(port)
	var opened []int
	for _, pt := range listeningPorts(t) {
		if !slices.Contains(before, pt) {
			opened = append(opened, pt)
		}
	}
	if !slices.Equal(opened, []int{want}) {
		t.Errorf("TCP ports the platform listens on: got %v, want only its own %d", opened, want)
	}
}
