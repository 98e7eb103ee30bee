#!/usr/bin/env bash
# The long soak of IEC 62351-3-style connections (issue 13): one connection renews its keys
# ROUNDS times (abbreviated and full alternating) between our client and server, and between
# OpenSSL's client and our example server, with resident memory and open descriptors sampled
# after the warm-up and near the end; 200 connections renegotiate at once. `make test` runs the
# same tests with 2000 rounds.
#   scripts/soak.sh [ROUNDS]     (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10000}
make --no-print-directory lib examples test-support >/dev/null
SOAK_ROUNDS=$rounds cargo test --release --test renegotiation soak_ -- --nocapture --test-threads=1 2>&1 |
    grep -E "^(one connection|memory|concurrent|soak|server memory)|^test |test result"
