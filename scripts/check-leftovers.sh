#!/usr/bin/env bash
# After the tests of one `make test` run: no process a test started may still be alive. Every
# process started through tests/common's `Proc` carries MBEDTLS_COMPAT_TEST_PEER=<run id> in its
# environment (the run id is MBEDTLS_COMPAT_TEST_RUN, set by the Makefile). Waits a few seconds
# for processes that are still exiting, then lists the survivors, kills them (they are this run's
# own) and fails.
#
#   bash scripts/check-leftovers.sh RUN_ID
set -euo pipefail
run="${1:?usage: check-leftovers.sh RUN_ID}"
mark="MBEDTLS_COMPAT_TEST_PEER=$run"

survivors() {
    local pid
    for dir in /proc/[0-9]*; do
        pid="${dir#/proc/}"
        # Other users' and vanished processes cannot be read: skipped.
        if { tr '\0' '\n' < "$dir/environ"; } 2>/dev/null | grep -xF "$mark" >/dev/null; then
            echo "$pid"
        fi
    done
}

for _ in $(seq 1 50); do
    left="$(survivors)"
    [ -z "$left" ] && exit 0
    sleep 0.1
done
echo "error: processes started by the tests are still running after the tests:" >&2
for pid in $left; do
    echo "  $pid: $({ tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null)" >&2
    kill -KILL "$pid" 2>/dev/null || true
done
exit 1
