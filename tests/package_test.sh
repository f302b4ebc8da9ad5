#!/usr/bin/env bash
# tests/package_test.sh SRC_DIR [CC] -- the installed package, as a project outside the tree uses
# it. For a static and a shared build of libtonemon installed into a temporary prefix:
#  - tests/package/ (find_package(tonemon 0.1)) and a plain cc line with `pkg-config tonemon`
#    both build tests/package/consumer.c, which must find speech and an overlap in its signal;
#  - the installed CMake files name no library by absolute path (KissFFT comes from its package);
#  - the shared library exports exactly the TM_API functions of tonemon.h, nothing else.
set -euo pipefail
src=$(cd "$1" && pwd)
cc=${2:-cc}
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "package_test: $*" >&2; exit 1; }

# the names tonemon.h exports: the identifier before "(" on each TM_API line
sed -n 's/^TM_API[^(]*[ *]\([a-z_0-9]*\)(.*/\1/p' "$src/include/tonemon.h" | sort >"$T/api"
[ "$(wc -l <"$T/api")" -ge 15 ] || fail "could not read the TM_API functions of tonemon.h"

for kind in static shared; do
    shared=OFF; [ $kind = shared ] && shared=ON
    prefix=$T/prefix-$kind
    echo "== $kind: build and install into $prefix"
    cmake -S "$src" -B "$T/build-$kind" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_SHARED_LIBS=$shared -DTONEMON_BUILD_TOOLS=OFF -DBUILD_TESTING=OFF \
        -DTONEMON_WERROR=ON -DCMAKE_INSTALL_PREFIX="$prefix" >"$T/log" 2>&1 || { cat "$T/log"; fail "$kind: configure"; }
    cmake --build "$T/build-$kind" -j2 >"$T/log" 2>&1 || { cat "$T/log"; fail "$kind: build"; }
    cmake --install "$T/build-$kind" >"$T/log" 2>&1 || { cat "$T/log"; fail "$kind: install"; }

    cfgdir=$(dirname "$(find "$prefix" -name tonemonConfig.cmake)")
    [ -f "$cfgdir/tonemonConfigVersion.cmake" ] || fail "$kind: no tonemonConfigVersion.cmake installed"
    if grep -nE '(^|[ ";(:])/[^ ";>]*\.(so|a)([.][0-9]+)*([ ";)>]|$)' "$cfgdir"/*.cmake; then
        fail "$kind: the installed CMake package names a library by absolute path (above)"
    fi

    echo "== $kind: consumer with find_package(tonemon)"
    cmake -S "$here/package" -B "$T/consumer-$kind" -DCMAKE_C_COMPILER="$cc" \
        -DCMAKE_PREFIX_PATH="$prefix" >"$T/log" 2>&1 || { cat "$T/log"; fail "$kind: find_package(tonemon) failed"; }
    cmake --build "$T/consumer-$kind" >"$T/log" 2>&1 || { cat "$T/log"; fail "$kind: consumer build (CMake)"; }
    "$T/consumer-$kind/consumer" || fail "$kind: consumer (CMake) failed"

    echo "== $kind: consumer with pkg-config tonemon"
    pcdir=$(dirname "$(find "$prefix" -name tonemon.pc)")
    libdir=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=libdir tonemon)
    if [ $kind = static ]; then
        flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs --static tonemon)
    else
        flags="$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs tonemon) -Wl,-rpath,$libdir"
    fi
    # shellcheck disable=SC2086
    "$cc" -std=c11 -Wall -Wextra -Werror -o "$T/pc-$kind" "$here/package/consumer.c" $flags -lm \
        || fail "$kind: consumer build (pkg-config: $flags)"
    "$T/pc-$kind" >/dev/null || fail "$kind: consumer (pkg-config) failed"
    ldd "$T/pc-$kind" >"$T/ldd"
    if [ $kind = static ]; then
        ! grep libtonemon "$T/ldd" || fail "static: the pkg-config consumer loads a libtonemon.so"
    else
        grep -q "$libdir/libtonemon.so" "$T/ldd" || fail "shared: the consumer does not load $libdir/libtonemon.so"
    fi
done

echo "== shared: exported symbols"
so=$(find "$T/prefix-shared" -name 'libtonemon.so.*.*' | head -n1)
nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' | sort >"$T/exported"
if grep -v '^tm_' "$T/exported"; then fail "libtonemon.so exports the non-tm_ symbols above"; fi
if ! diff -u "$T/api" "$T/exported"; then fail "libtonemon.so's exports differ from tonemon.h's TM_API functions (diff above: - header only, + library only)"; fi
echo "== static: global symbols"
a=$(find "$T/prefix-static" -name 'libtonemon.a' | head -n1)
# a static archive cannot hide symbols: internal ones carry the private prefix tmi_ so that they
# never collide with a consumer's own floor_init or median_add
nm -g --defined-only "$a" | awk 'NF == 3 {print $3}' | sort -u >"$T/static-globals"
if grep -v -e '^tm_' -e '^tmi_' "$T/static-globals"; then fail "libtonemon.a defines the globals above without the tm_/tmi_ prefix"; fi
echo "package_test: ok ($(wc -l <"$T/exported") tm_ symbols exported)"
