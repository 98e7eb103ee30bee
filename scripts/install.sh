#!/usr/bin/env bash
# Installs the library like Mbed TLS 3.6 does (called by `make install`, after `make lib`):
#   $PREFIX/include/mbedtls/*.h, $PREFIX/include/psa/*.h
#   $PREFIX/lib/libmbedtls.a and libmbedtls.so.3.6.6 (soname libmbedtls.so.21, as 3.6's
#       libmbedtls) with the libmbedtls.so.21 and libmbedtls.so links: the whole API;
#   $PREFIX/lib/libmbedx509.{a,so}, libmbedcrypto.{a,so}: GNU ld scripts that name libmbedtls, so
#       that `-lmbedtls -lmbedx509 -lmbedcrypto` and `-lmbedcrypto` alone link unchanged;
#   $PREFIX/lib/pkgconfig/mbedtls.pc, mbedx509.pc, mbedcrypto.pc;
#   $PREFIX/lib/cmake/MbedTLS/ (MbedTLSConfig.cmake, ...Version.cmake, ...Targets.cmake).
# Everything is written under $DESTDIR$PREFIX; the files name $PREFIX (staged installs work).
#
#   PREFIX=/usr/local DESTDIR= bash scripts/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${PREFIX:-/usr/local}"
root="${DESTDIR:-}"
case "$prefix" in /*) ;; *) echo "error: PREFIX must be an absolute path (got $prefix)" >&2; exit 1 ;; esac
sys_libs="${SYS_LIBS:--lpthread -ldl -lm -lrt -lutil -lgcc_s}"
lib="$prefix/lib"
for f in target/release/libmbedtls.a target/release/libmbedtls.so; do
    [ -f "$f" ] || { echo "error: $f missing: run make lib first" >&2; exit 1; }
done

install -d "$root$prefix/include/mbedtls" "$root$prefix/include/psa" "$root$lib/pkgconfig" \
    "$root$lib/cmake/MbedTLS"
install -m 644 include/mbedtls/*.h "$root$prefix/include/mbedtls/"
install -m 644 include/psa/*.h "$root$prefix/include/psa/"

install -m 644 target/release/libmbedtls.a "$root$lib/libmbedtls.a"
install -m 755 target/release/libmbedtls.so "$root$lib/libmbedtls.so.3.6.6"
ln -sfn libmbedtls.so.3.6.6 "$root$lib/libmbedtls.so.21"
ln -sfn libmbedtls.so.21 "$root$lib/libmbedtls.so"
for name in mbedx509 mbedcrypto; do
    printf '/* GNU ld script: rustls-mbedtls-compat keeps the whole Mbed TLS API in libmbedtls. */\nINPUT(%s)\n' \
        "$lib/libmbedtls.a" > "$root$lib/lib$name.a"
    printf '/* GNU ld script: rustls-mbedtls-compat keeps the whole Mbed TLS API in libmbedtls. */\nINPUT(%s)\n' \
        "$lib/libmbedtls.so.21" > "$root$lib/lib$name.so"
    chmod 644 "$root$lib/lib$name.a" "$root$lib/lib$name.so"
done

for pc in mbedtls mbedx509 mbedcrypto; do
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@SYS_LIBS@|$sys_libs|g" "scripts/install/$pc.pc.in" \
        > "$root$lib/pkgconfig/$pc.pc"
done
cmake_libs="$(echo "$sys_libs" | sed -e 's/-l//g' -e 's/ /;/g')"
install -m 644 scripts/install/MbedTLSConfig.cmake scripts/install/MbedTLSConfigVersion.cmake \
    "$root$lib/cmake/MbedTLS/"
sed -e "s|@SYS_LIBS_CMAKE@|$cmake_libs|g" scripts/install/MbedTLSTargets.cmake.in \
    > "$root$lib/cmake/MbedTLS/MbedTLSTargets.cmake"
echo "installed into $root$prefix"
