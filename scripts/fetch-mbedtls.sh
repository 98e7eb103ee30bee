#!/usr/bin/env bash
# Fetches the Mbed TLS 3.6.6 release sources once into a cache outside the repository and prints
# the directory of the unpacked tree (mbedtls-3.6.6/, with include/, programs/, tests/, framework/).
# tests/upstream.rs compares our headers with these and builds upstream's sample programs.
#
# The tarball is Debian's copy of the upstream release (mbedtls_3.6.6.orig.tar.bz2, the source of
# Debian's package 3.6.6-0.1~deb13u1): Debian's archive is the package registry this workplace
# reaches. It is checked against a pinned SHA-256 and the script fails loudly when it cannot be
# fetched or does not match; nothing is skipped.
#
#   scripts/fetch-mbedtls.sh            (cache: $MBEDTLS_UPSTREAM_CACHE, else ~/.cache/rustls-mbedtls-compat)
set -euo pipefail

VERSION=3.6.6
FILE="mbedtls_${VERSION}.orig.tar.bz2"
SHA256=8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a
URL="http://deb.debian.org/debian/pool/main/m/mbedtls/${FILE}"

cache="${MBEDTLS_UPSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rustls-mbedtls-compat}"
tree="$cache/mbedtls-$VERSION"
mkdir -p "$cache"

# Several test binaries may ask at once: one fetch at a time.
exec 9>"$cache/.lock"
flock 9

if [ ! -f "$tree/.complete" ]; then
    if [ ! -f "$cache/$FILE" ] || ! echo "$SHA256  $cache/$FILE" | sha256sum -c --quiet - 2>/dev/null; then
        echo "fetching Mbed TLS $VERSION sources: $URL" >&2
        rm -f "$cache/$FILE.part"
        if ! curl -sSfL --retry 3 --max-time 300 -o "$cache/$FILE.part" "$URL"; then
            echo "error: cannot download $URL (Mbed TLS $VERSION sources, needed by tests/upstream.rs)" >&2
            exit 1
        fi
        if ! echo "$SHA256  $cache/$FILE.part" | sha256sum -c --quiet -; then
            echo "error: $FILE does not have the pinned SHA-256 $SHA256" >&2
            exit 1
        fi
        mv "$cache/$FILE.part" "$cache/$FILE"
    fi
    rm -rf "$tree" "$cache/unpack"
    mkdir -p "$cache/unpack"
    tar -xjf "$cache/$FILE" -C "$cache/unpack"
    mv "$cache/unpack/mbedtls-$VERSION" "$tree"
    rmdir "$cache/unpack"
    for needed in include/mbedtls/build_info.h programs/ssl/ssl_client1.c tests/src/certs.c; do
        [ -f "$tree/$needed" ] || { echo "error: $tree/$needed missing from $FILE" >&2; exit 1; }
    done
    touch "$tree/.complete"
fi
echo "$tree"
