#!/usr/bin/env bash
# tests/golden_test.sh TONEMON -- golden output, for regressions: every committed call
# tests/golden/NAME.wav goes through `tonemon analyze --events` and its JSON Lines must equal
# tests/golden/NAME.expect byte for byte. When the detectors change on purpose, regenerate with
#     UPDATE_GOLDEN=1 ctest -R golden        (or: UPDATE_GOLDEN=1 tests/golden_test.sh build/tonemon)
# and review `git diff tests/golden/` before committing it (tests/golden/README.md).
set -euo pipefail
tm=$1
dir=$(cd "$(dirname "$0")/golden" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0; bad=0
for wav in "$dir"/*.wav; do
    name=$(basename "$wav" .wav)
    "$tm" analyze --quiet --events "$T/$name.jsonl" "$wav"
    n=$((n + 1))
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$T/$name.jsonl" "$dir/$name.expect"
        echo "golden: wrote $dir/$name.expect ($(wc -l <"$dir/$name.expect") events)"
    elif [ ! -f "$dir/$name.expect" ]; then
        echo "golden: $name.expect is missing (create it with UPDATE_GOLDEN=1)" >&2; bad=$((bad + 1))
    elif ! diff -u --label "$name.expect (committed)" --label "$name (this build)" \
            "$dir/$name.expect" "$T/$name.jsonl"; then
        bad=$((bad + 1))
    fi
done
[ "$n" -gt 0 ] || { echo "golden: no call in $dir" >&2; exit 1; }
if [ "$bad" -gt 0 ]; then
    cat >&2 <<MSG
golden: $bad of $n calls give other events than their .expect (diff above).
If the change is deliberate (a detector or a threshold changed), regenerate and review:
    UPDATE_GOLDEN=1 ctest -R golden && git diff tests/golden/
MSG
    exit 1
fi
[ "${UPDATE_GOLDEN:-0}" = 1 ] && echo "golden: review with git diff tests/golden/ before committing"
echo "golden: $n calls as expected"
