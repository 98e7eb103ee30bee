#!/usr/bin/env bash
# The demo: the example server and client (built against this library) run through the
# scenarios, and a table of what happened. Run through `make demo`, which builds first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/gen-test-certs.sh >/dev/null
certs=tests/certs/generated
work=$(mktemp -d)
server_pid=""
fleet_pids=()
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    for pid in "${fleet_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

pick_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_server NAME ARGS...: our example server (build/$server_program, ssl_server unless set)
# in the background, bounded by timeout.
server_program=ssl_server
start_server() {
    local name=$1; shift
    port=$(pick_port)
    timeout 60 "build/$server_program" server_port="$port" "$@" >"$work/$name.server" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
        grep -q "Waiting for a remote connection" "$work/$name.server" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "server did not start:"; cat "$work/$name.server"; exit 1
}

stop_server() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

field() { # field FILE REGEX: first capture group of the first matching line
    sed -n -E "s/$2/\1/p" "$1" | head -n1
}

rows=()
# run_client NAME DESCRIPTION CLIENT-ARGS...
run_client() {
    local name=$1 desc=$2; shift 2
    local out="$work/$name.client" result
    if timeout 30 build/ssl_client server_port="$port" "$@" >"$out" 2>&1; then result=ok; else result=FAILED; fi
    local version cipher flags resumed
    version=$(field "$out" '.*\[ Protocol is ([^ ]+) \].*')
    cipher=$(field "$out" '.*\[ Ciphersuite is ([^ ]+) \].*')
    flags=$(field "$out" '.*Verifying peer X.509 certificate\.\.\. flags (0x[0-9a-f]+).*')
    resumed=$(field "$out" '.*resumed: ([a-z]+).*')
    rows+=("$(printf '%-34s | %-7s | %-45s | %-10s | %-7s | %s' "$desc" "${version:--}" "${cipher:--}" "${flags:--}" "${resumed:--}" "$result")")
    if [ "$result" != ok ]; then
        echo "---- client output for '$desc':"; cat "$out"
    fi
}

echo "Building done; running the example server and client over 127.0.0.1."
echo

start_server basic crt_file=$certs/server-ec.crt key_file=$certs/server-ec.key \
    crt_file2=$certs/server-rsa.crt key_file2=$certs/server-rsa.key mode=echo max_connections=4
common=(ca_file=$certs/ca.crt request="hello from the demo\\n")
run_client tls12 "TLS 1.2 full handshake + echo" "${common[@]}" max_version=tls12
run_client tls13 "TLS 1.3 full handshake + echo" "${common[@]}" min_version=tls13
run_client rsa12 "TLS 1.2, RSA certificate" "${common[@]}" max_version=tls12 \
    force_ciphersuite=TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384
run_client nbio "TLS 1.3, non-blocking, 1 MB echo" ca_file=$certs/ca.crt nbio=1 echo_bytes=1000000
stop_server

# Resumption: the persistent client (a new process each run, its session kept in a file, as a
# device that loses power between connections) against the example server with cache + tickets.
run_persistent() {
    local name=$1 desc=$2; shift 2
    local out="$work/$name.client" result
    if timeout 30 build/persistent_client server_port="$port" ca_file=$certs/ca.crt \
        session_file="$work/$name.session" "$@" >"$out" 2>&1; then result=ok; else result=FAILED; fi
    local version cipher flags resumed
    version=$(field "$out" '.*\[ Protocol is ([^ ]+) \].*')
    cipher=$(field "$out" '.*\[ Ciphersuite is ([^ ]+) \].*')
    flags=$(field "$out" '.*\[ Verify result (0x[0-9a-f]+) \].*')
    resumed=$(field "$out" '.*resumed: ([a-z]+).*')
    rows+=("$(printf '%-34s | %-7s | %-45s | %-10s | %-7s | %s' "$desc" "${version:--}" "${cipher:--}" "${flags:--}" "${resumed:--}" "$result")")
    if [ "$result" != ok ]; then
        echo "---- client output for '$desc':"; cat "$out"
    fi
}
start_server resume crt_file=$certs/server-ec.crt key_file=$certs/server-ec.key max_connections=6
run_persistent id12 "TLS 1.2 session ID, 1st process" max_version=tls12 tickets=0
run_persistent id12 "TLS 1.2 session ID, 2nd process" max_version=tls12 tickets=0
run_persistent tk12 "TLS 1.2 ticket, 1st process" max_version=tls12
run_persistent tk12 "TLS 1.2 ticket, 2nd process" max_version=tls12
run_persistent tk13 "TLS 1.3 ticket, 1st process" min_version=tls13
run_persistent tk13 "TLS 1.3 ticket, 2nd process" min_version=tls13
stop_server

# A fleet: two server processes sharing sessions and ticket keys through Redis (a redis-server
# of the demo's own on 127.0.0.1, persistence off); the device's next connection lands on the
# other server and still resumes.
redis_port=$(pick_port)
timeout 60 redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
fleet_pids+=($!)
for _ in $(seq 100); do grep -q "Ready to accept" "$work/redis.log" 2>/dev/null && break; sleep 0.05; done
fleet=(crt_file=$certs/server-ec.crt key_file=$certs/server-ec.key redis=redis://127.0.0.1:$redis_port/0 max_connections=2)
start_server fleetA "${fleet[@]}"
port_a=$port; fleet_pids+=("$server_pid"); server_pid=""
start_server fleetB "${fleet[@]}"
port_b=$port; fleet_pids+=("$server_pid"); server_pid=""
port=$port_a run_persistent fl12 "Fleet: TLS 1.2 ID, server A" max_version=tls12 tickets=0
port=$port_b run_persistent fl12 "Fleet: same ID, server B" max_version=tls12 tickets=0
port=$port_a run_persistent fl13 "Fleet: TLS 1.3 ticket, server A" min_version=tls13
port=$port_b run_persistent fl13 "Fleet: same ticket, server B" min_version=tls13
for pid in "${fleet_pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
fleet_pids=()

# IEC 62351-3 key renewal inside one open TLS 1.2 connection: the example client renegotiates
# with the IEC 62351-3 example server (renegotiation with session resumption enabled).
# "resumed" is that of the last renegotiation; the result also checks the counts.
run_renewal() {
    local name=$1 desc=$2 expect=$3; shift 3
    local out="$work/$name.client" result=FAILED
    if timeout 30 build/ssl_client server_port="$port" ca_file=$certs/ca.crt max_version=tls12 "$@" >"$out" 2>&1 &&
        grep -q "renegotiations: $expect" "$out"; then result=ok; fi
    local version cipher flags resumed
    version=$(field "$out" '.*\[ Protocol is ([^ ]+) \].*')
    cipher=$(sed -n -E 's/.*\.\.\. ok, resumed: [a-z]+, ([^ ]+)$/\1/p' "$out" | tail -n1)
    [ -n "$cipher" ] || cipher=$(field "$out" '.*\[ Ciphersuite is ([^ ]+) \].*')
    flags=$(field "$out" '.*Verifying peer X.509 certificate\.\.\. flags (0x[0-9a-f]+).*')
    resumed=$(sed -n -E 's/.*\.\.\. ok, resumed: ([a-z]+).*/\1/p' "$out" | tail -n1)
    rows+=("$(printf '%-34s | %-7s | %-45s | %-10s | %-7s | %s' "$desc" "${version:--}" "${cipher:--}" "${flags:--}" "${resumed:-n/a}" "$result")")
    if [ "$result" != ok ]; then
        echo "---- client output for '$desc':"; cat "$out"
    fi
}
server_program=iec62351_server
start_server renew crt_file=$certs/server-ec.crt key_file=$certs/server-ec.key max_connections=3 \
    hello_request_after=2
run_renewal abbrev "TLS 1.2 renewal: 3 x resumption" "0 full, 3 abbreviated" \
    renegotiate=abbrev renegotiations=3 request="after the renewals\\n"
run_renewal full "TLS 1.2 renewal: 2 x renegotiation" "2 full, 0 abbreviated" \
    renegotiate=full renegotiations=2 request="after the renewals\\n"
run_renewal hello "TLS 1.2 renewal on HelloRequest" "1 full, 0 abbreviated" \
    renegotiation=1 echo_bytes=100000
stop_server
server_program=ssl_server

printf '%-34s | %-7s | %-45s | %-10s | %-7s | %s\n' "scenario" "version" "cipher suite" "verify" "resumed" "result"
printf '%s\n' "-----------------------------------+---------+-----------------------------------------------+------------+---------+-------"
for r in "${rows[@]}"; do echo "$r"; done
echo
if printf '%s\n' "${rows[@]}" | grep -E "2nd process|server B" | grep -vq "| yes "; then
    echo "A second process did not resume its saved session."
    exit 1
fi
if printf '%s\n' "${rows[@]}" | grep -q FAILED; then
    echo "Some scenarios failed (outputs above)."
    exit 1
fi
echo "All scenarios succeeded."
