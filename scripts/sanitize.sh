#!/usr/bin/env bash
# Sanitizer runs (issue 13), documented commands outside `make test`:
#
#   scripts/sanitize.sh thread [SECONDS]
#     ThreadSanitizer over the threaded example server (c_examples/ssl_pthread_server.c): the
#     library built with -Zsanitizer=thread (nightly, std rebuilt), the server with
#     -fsanitize=thread; one configuration, one session cache and one ticket context shared by
#     16 threads; 8 client loops at once resume through the cache (TLS 1.2 session IDs) and
#     tickets (TLS 1.2 and 1.3) for SECONDS (default 20) while the ticket key rotates every
#     second. Fails on any ThreadSanitizer report or failed connection.
#
#   scripts/sanitize.sh address
#     AddressSanitizer + UndefinedBehaviorSanitizer build of the C test programs (tests/c/) and
#     examples, then the tests that run them under valgrind otherwise (tests/c_programs.rs, the
#     `*under_valgrind` tests) with those binaries; ASan replaces valgrind there
#     (COMPAT_SANITIZED_BUILD). The library itself is not instrumented (stable Rust); ASan
#     checks the C side of every call and the allocations both sides share.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
SYS_LIBS="-lpthread -ldl -lm -lrt -lutil -lgcc_s"
certs=tests/certs/generated
bash scripts/gen-test-certs.sh "$certs" >/dev/null

case "$mode" in
thread)
    secs=${2:-20}
    rustup component add rust-src --toolchain nightly >/dev/null
    RUSTFLAGS="-Zsanitizer=thread" cargo +nightly build -Zbuild-std --target x86_64-unknown-linux-gnu \
        --release --lib --target-dir target/tsan
    tsan_lib=target/tsan/x86_64-unknown-linux-gnu/release/libmbedtls.a
    make --no-print-directory lib build/persistent_client >/dev/null
    mkdir -p build/tsan
    # The C side is instrumented by gcc; the runtime is LLVM's, the one the Rust side needs
    # (gcc's libtsan lacks __tsan_memcpy/__tsan_memset), from the nightly toolchain.
    tsan_rt=$(rustc +nightly --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/lib/librustc-nightly_rt.tsan.a
    cc -O1 -g -fsanitize=thread -Wall -Wextra -Werror -Iinclude -c -o build/tsan/ssl_pthread_server.o \
        c_examples/ssl_pthread_server.c
    cc -o build/tsan/ssl_pthread_server build/tsan/ssl_pthread_server.o "$tsan_lib" \
        -Wl,--whole-archive "$tsan_rt" -Wl,--no-whole-archive $SYS_LIBS -lstdc++
    work=$(mktemp -d)
    : >"$work/failures"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    TSAN_OPTIONS="halt_on_error=0 report_signal_unsafe=0" timeout -k 5 $((secs + 120)) \
        build/tsan/ssl_pthread_server crt_file=$certs/server-ec.crt key_file=$certs/server-ec.key \
        server_port="$port" max_threads=16 ticket_lifetime=1 >"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do grep -q "Waiting for a remote connection" "$work/server.log" && break; sleep 0.1; done
    # Each loop: one client device (its session file) reconnecting and resuming until the time is up.
    client_loop() {
        local n=$1 args=$2 end=$((SECONDS + secs))
        while [ $SECONDS -lt $end ]; do
            timeout 20 build/persistent_client session_file="$work/session$n" server_port="$port" \
                ca_file=$certs/ca.crt $args >>"$work/client$n.log" 2>&1 || echo "client $n failed" >>"$work/failures"
        done
    }
    variants=("max_version=tls12 tickets=0" "max_version=tls12 tickets=1" "min_version=tls13" "max_version=tls12 tickets=0"
              "max_version=tls12 tickets=1" "min_version=tls13" "max_version=tls12 tickets=1" "min_version=tls13")
    pids=()
    for n in "${!variants[@]}"; do client_loop "$n" "${variants[$n]}" & pids+=($!); done
    wait "${pids[@]}"
    kill -INT "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    connections=$(cat "$work"/client*.log | grep -c "resumed:" || true)
    resumed=$(cat "$work"/client*.log | grep -c "resumed: yes" || true)
    reports=$(grep -c "WARNING: ThreadSanitizer" "$work/server.log" || true)
    failures=$(wc -l <"$work/failures" 2>/dev/null || echo 0)
    echo "ThreadSanitizer: ${secs} s, 16 server threads, 8 client loops: $connections connections," \
         "$resumed resumed, $failures failed client runs, $reports ThreadSanitizer reports"
    if [ "$reports" != 0 ] || [ "$failures" != 0 ] || [ "$resumed" = 0 ]; then
        grep -A30 "WARNING: ThreadSanitizer" "$work/server.log" | head -200
        tail -5 "$work"/client*.log
        exit 1
    fi
    rm -rf "$work"
    ;;
address)
    make --no-print-directory lib >/dev/null
    out=build/asan
    mkdir -p "$out/tests"
    flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    for src in tests/c/*.c; do
        name=$(basename "$src" .c)
        [ "$name" = bind_loopback ] && continue
        cc $flags -Wall -Wextra -Werror -Iinclude -o "$out/tests/$name" "$src" target/release/libmbedtls.a $SYS_LIBS
    done
    for src in c_examples/*.c; do
        cc $flags -Wall -Wextra -Werror -Iinclude -o "$out/$(basename "$src" .c)" "$src" target/release/libmbedtls.a $SYS_LIBS
    done
    export COMPAT_SANITIZED_BUILD=$PWD/$out
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
    # Every C test program, and the tests that otherwise run our programs under valgrind.
    cargo test --release --test c_programs -- --test-threads=2
    cargo test --release --test renegotiation --test sessions -- under_valgrind concurrent_handshakes_share_one_cache --test-threads=2
    echo "AddressSanitizer + UBSan: every C test program and example above ran without a report"
    ;;
*)
    echo "usage: scripts/sanitize.sh thread [SECONDS] | address" >&2
    exit 2
    ;;
esac
