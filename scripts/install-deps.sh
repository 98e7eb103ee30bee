#!/usr/bin/env bash
# Installs what the build, the demo and the tests need on a Debian machine, when missing:
# a C compiler, the real TLS peers (OpenSSL, GnuTLS), Debian's Mbed TLS 2.28 (the differential
# and benchmark baseline), OpenSSL's headers (the renegotiation test client), valgrind, and
# Python's `cryptography` (the reference values of the symmetric-cipher tests), cmake and
# pkg-config (the install test builds projects that find the installed library with them),
# redis-server (the fleet-wide session cache tests start their own, on 127.0.0.1), strace (the
# benchmark counts the servers' system calls per handshake); then
# the Mbed TLS 3.6.6 sources that tests/upstream.rs compares with (scripts/fetch-mbedtls.sh).
set -euo pipefail
packages=(build-essential openssl gnutls-bin libssl-dev libmbedtls-dev valgrind python3 python3-cryptography ca-certificates cmake pkg-config curl bzip2 redis-server strace)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "cargo (Rust toolchain) is required" >&2; exit 1; }
# make test runs cargo fmt --check and cargo clippy: both come with the toolchain's components.
for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
        echo "installing the $component component"
        rustup component add "$component"
    fi
done
# The Mbed TLS 3.6.6 release sources, once, into a cache outside the repository (fails loudly).
bash "$(dirname "$0")/fetch-mbedtls.sh" >/dev/null
