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
#
# EDITION=2.28 (`make install EDITION=2.28`, after `make lib EDITION=2.28`) installs the Mbed TLS
# 2.28 edition instead, laid out as Mbed TLS 2.28 is: its headers (build/2.28/include), its
# library as libmbedtls.so.2.28.10 (soname libmbedtls.so.14, as 2.28's libmbedtls), pkg-config
# files saying 2.28.10; no CMake package (2.28 installs none).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${PREFIX:-/usr/local}"
root="${DESTDIR:-}"
case "$prefix" in /*) ;; *) echo "error: PREFIX must be an absolute path (got $prefix)" >&2; exit 1 ;; esac
sys_libs="${SYS_LIBS:--lpthread -ldl -lm -lrt -lutil -lgcc_s}"
lib="$prefix/lib"
case "${EDITION:-3.6}" in
    3.6) libs=target/release include=include version=3.6.6 soversion=21 ;;
    2.28) libs=build/2.28/lib include=build/2.28/include version=2.28.10 soversion=14 ;;
    *) echo "error: EDITION is 3.6 or 2.28 (got $EDITION)" >&2; exit 1 ;;
esac
for f in "$libs/libmbedtls.a" "$libs/libmbedtls.so" "$include/mbedtls/ssl.h"; do
    [ -f "$f" ] || { echo "error: $f missing: run make lib${EDITION:+ EDITION=$EDITION} first" >&2; exit 1; }
done

install -d "$root$prefix/include/mbedtls" "$root$prefix/include/psa" "$root$lib/pkgconfig"
install -m 644 "$include"/mbedtls/*.h "$root$prefix/include/mbedtls/"
install -m 644 "$include"/psa/*.h "$root$prefix/include/psa/"

install -m 644 "$libs/libmbedtls.a" "$root$lib/libmbedtls.a"
install -m 755 "$libs/libmbedtls.so" "$root$lib/libmbedtls.so.$version"
ln -sfn "libmbedtls.so.$version" "$root$lib/libmbedtls.so.$soversion"
ln -sfn "libmbedtls.so.$soversion" "$root$lib/libmbedtls.so"
for name in mbedx509 mbedcrypto; do
    printf '/* GNU ld script: rustls-mbedtls-compat keeps the whole Mbed TLS API in libmbedtls. */\nINPUT(%s)\n' \
        "$lib/libmbedtls.a" > "$root$lib/lib$name.a"
    printf '/* GNU ld script: rustls-mbedtls-compat keeps the whole Mbed TLS API in libmbedtls. */\nINPUT(%s)\n' \
        "$lib/libmbedtls.so.$soversion" > "$root$lib/lib$name.so"
    chmod 644 "$root$lib/lib$name.a" "$root$lib/lib$name.so"
done

api="${version%.*}"
for pc in mbedtls mbedx509 mbedcrypto; do
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@SYS_LIBS@|$sys_libs|g" -e "s|@VERSION@|$version|g" \
        -e "s|@API@|$api|g" "scripts/install/$pc.pc.in" > "$root$lib/pkgconfig/$pc.pc"
done
if [ "$version" != 3.6.6 ]; then
    echo "installed the Mbed TLS $version edition into $root$prefix"
    exit 0
fi
install -d "$root$lib/cmake/MbedTLS"
cmake_libs="$(echo "$sys_libs" | sed -e 's/-l//g' -e 's/ /;/g')"
install -m 644 scripts/install/MbedTLSConfig.cmake scripts/install/MbedTLSConfigVersion.cmake \
    "$root$lib/cmake/MbedTLS/"
sed -e "s|@SYS_LIBS_CMAKE@|$cmake_libs|g" scripts/install/MbedTLSTargets.cmake.in \
    > "$root$lib/cmake/MbedTLS/MbedTLSTargets.cmake"
echo "installed into $root$prefix"
