# Shared by the bench scripts (source it from the repository root).

# start_demo N PORT LEVEL: builds the binary, starts the demo with N mentors
# in a fresh data directory and waits until it is ready (at most 5 minutes).
# The request limits are off: one client here stands for many people.
# Sets pid, data (the directory), log (its output file) and base; the caller
# owns the clean-up (kill "$pid"; rm -rf "$data").
start_demo() {
  local bin start
  bin=$(mktemp -d)/opentomentor
  go build -o "$bin" ./cmd/opentomentor
  data=$(mktemp -d)
  log=$(mktemp)
  start=$(date +%s%N)
  OTM_RATE_LIMIT_READS=0 OTM_RATE_LIMIT_WRITES=0 OTM_RATE_LIMIT_SEARCHES=0 "$bin" demo --mentors "$1" --addr "127.0.0.1:$2" --data-dir "$data" --log-level "${3:-warn}" >>"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 3000); do
    curl -fsS -o /dev/null "http://127.0.0.1:$2/readyz" 2>/dev/null && break
    sleep 0.1
  done
  base=http://127.0.0.1:$2
  echo "demo with $1 mentors ready in $(( ($(date +%s%N) - start) / 1000000 )) ms"
}

# signin BASE JAR EMAIL NAME: signs in through the development identity
# provider (the real OIDC flow) into the cookie jar and prints the CSRF token.
# Sign-ins are limited to 30 a minute from one address: it waits (untimed).
signin() {
  local page id
  for _ in $(seq 1 30); do
    page=$(curl -fsS -L -c "$2" -b "$2" "$1/auth/dev/login?return_to=/account" 2>/dev/null) && break
    sleep 5
  done
  id=$(grep -o 'name="authRequestID" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//;s/"//')
  curl -fsS -L -o /dev/null -c "$2" -b "$2" --data-urlencode "authRequestID=$id" \
    --data-urlencode "email=$3" --data-urlencode "name=$4" "$1/devidp/login"
  curl -fsS -b "$2" "$1/api/v1/me" | sed 's/.*"csrfToken":"\([^"]*\)".*/\1/'
}
