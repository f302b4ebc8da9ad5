#!/usr/bin/env bash
# tests/layers_test.sh SRC_DIR -- the layers depend one way: tools/cli -> tools/lab -> tools/io ->
# the library (include/, src/). Fails if a file includes a header of a higher layer, if a header
# name lives in two layers, or if a library test (tm_lib_test in tests/CMakeLists.txt) includes
# anything but the library and the test signals. Then it plants a violation in a copy of the tree
# and must catch it (a check that cannot fail checks nothing).
set -uo pipefail
src=$(cd "$1" && pwd)
layers=(include src tools/io tools/lab tools/cli)
declare -A rank=([include]=0 [src]=0 [tools/io]=1 [tools/lab]=2 [tools/cli]=3)

check_tree() {
    local root=$1 bad=0 d f h n hd
    declare -A home=()
    for d in "${layers[@]}"; do
        for f in "$root/$d"/*.h; do
            [ -e "$f" ] || continue
            n=$(basename "$f")
            if [ -n "${home[$n]:-}" ]; then echo "layers: $n is in both ${home[$n]} and $d"; bad=1; fi
            home[$n]=$d
        done
    done
    for d in "${layers[@]}"; do
        for f in "$root/$d"/*.[ch]; do
            [ -e "$f" ] || continue
            for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
                hd=${home[$(basename "$h")]:-}
                [ -n "$hd" ] || continue              # a dependency's header (cJSON.h)
                if [ "${rank[$hd]}" -gt "${rank[$d]}" ]; then
                    echo "layers: $d/$(basename "$f") includes $h of the higher layer $hd"
                    bad=1
                fi
            done
        done
    done
    for n in $(sed -n 's/^[[:space:]]*tm_lib_test(\([a-z_0-9]*\).*/\1/p' "$root/tests/CMakeLists.txt"); do
        for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$root/tests/$n.c"); do
            hd=${home[$(basename "$h")]:-}
            # signal.h and twice.h: test helpers built on the public API alone
            if [ "$h" != signal.h ] && [ "$h" != twice.h ] && [ "$hd" != include ] && [ "$hd" != src ]; then
                echo "layers: library test tests/$n.c includes $h (${hd:-outside the library})"
                bad=1
            fi
        done
    done
    return $bad
}

check_tree "$src" || { echo "layers_test: FAILED (above)"; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/tests"
cp -r "$src/include" "$src/src" "$src/tools" "$T/"
cp "$src/tests/CMakeLists.txt" "$src/tests/"*.c "$src/tests/"*.h "$T/tests/"
sed -i '0,/#include "/s//#include "score.h"\n#include "/' "$T/tools/io/writers.c"
if check_tree "$T" >"$T/out"; then echo "layers_test: a planted io -> lab include went unnoticed"; exit 1; fi
grep -q 'tools/io/writers.c includes score.h' "$T/out" || { cat "$T/out"; echo "layers_test: planted violation not named"; exit 1; }
echo "layers_test: ok (${#layers[@]} layers, one way)"
