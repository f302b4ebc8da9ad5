#!/usr/bin/env bash
# tests/slurm/slurm_test.sh TONEMON -- the cluster path on a real (single-node) Slurm: 40 short calls
# in a manifest, analysed by scripts/slurm/submit.sh as a 4-task array plus the dependent index job.
# One task is stopped midway (its 6th call is a FIFO nobody writes, so it blocks there, like a file
# on a stalled mount) and cancelled; its rerun with --resume must do only the 5 missing calls. The
# merged index.csv and moments.csv must equal a one-machine run of the same manifest (the report
# links aside, which point into the shard folders). Exit 77 (skipped) when Slurm or munge is not
# installed; a cluster that is installed but does not start is a failure.
set -euo pipefail
TM=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d /tmp/tm-slurm.XXXXXX)
# shellcheck source=cluster.sh
source "$HERE/cluster.sh"
trap 'slurm_down; rm -rf "$T"' EXIT
fails=0
check() { local what=$1; shift; if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi; }

if ! slurm_up; then
  case "$SLURM_SKIP_REASON" in
    *"not installed"*|*"must run as root"*) echo "SKIP: $SLURM_SKIP_REASON"; exit 77 ;;
  esac
  echo "FAIL: Slurm is installed but the test cluster did not start: $SLURM_SKIP_REASON" >&2
  for f in munged slurmctld slurmd; do echo "--- $f log:" >&2; tail -n 20 "$T/$f.log" >&2 2>/dev/null || true; done
  exit 1
fi
echo "cluster up: $(sinfo -h -o '%P %a %D %T')"

mkdir -p "$T/calls"
{
  echo "path,call_id,agent,team,date,queue"
  for i in $(seq 1 40); do
    printf 'calls/c%02d.wav,C%02d,agent%d,team%d,2026-11-%02d,"q, %d"\n' "$i" "$i" $((i % 5)) $((i % 2)) $((1 + i % 7)) $((i % 3))
  done
} > "$T/calls.csv"
for i in $(seq 1 40); do "$TM" synth --seed "$i" --duration 20 "$(printf '%s/calls/c%02d.wav' "$T" "$i")" >/dev/null; done

# the reference: one machine, one run
"$TM" analyze --quiet -j 2 --manifest "$T/calls.csv" --out-dir "$T/one"

# task 2 of 4 takes rows 2, 6, 10, ... (item i when i mod 4 = 1): its 6th call is row 22 (C22)
mv "$T/calls/c22.wav" "$T/c22.wav"
mkfifo "$T/calls/c22.wav"
export TONEMON="$TM"
read -r array index < <(SBATCH_ARGS="--chdir=$T" "$ROOT/scripts/slurm/submit.sh" 4 "$T/calls.csv" "$T/out")
echo "array job $array, index job $index"

state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
wait_done() {  # job id, seconds
  local s
  for _ in $(seq $(($2 * 5))); do
    s=$(state "$1")
    case "$s" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) echo "$s"; return 0 ;; esac
    sleep 0.2
  done
  echo "TIMEOUT-WAITING($(state "$1"))"
}
records() { find "$T/out/shard-$1" -name '*.index.json' 2>/dev/null | wc -l; }

# wait until task 2 has done its 5 calls and sits on the FIFO, then cancel it
for _ in $(seq 300); do [ "$(records 2)" -ge 5 ] && break; sleep 0.2; done
sleep 1
check "task 2 stopped at its 6th call (5 records)" test "$(records 2)" -eq 5
check "task 2 is still running" test "$(state "${array}_2")" = RUNNING
scancel "${array}_2"
for k in 1 3 4; do check "task $k completed" test "$(wait_done "${array}_$k" 120)" = COMPLETED; done
check "task 2 cancelled" test "$(wait_done "${array}_2" 60)" = CANCELLED
check "index job ran after the tasks" test "$(wait_done "$index" 120)" = COMPLETED
check "first merge lists the 35 finished calls" test "$(python3 -c 'import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1])))))' "$T/out/index.csv")" -eq 35

# the rerun of task 2 with the file back: only the 5 missing calls are analysed
rm "$T/calls/c22.wav"
mv "$T/c22.wav" "$T/calls/c22.wav"
before=$(cd "$T/out/shard-2" && stat -c '%n %y' ./*.index.json | sort)
rerun=$(sbatch --parsable --chdir="$T" --array=2 --output="$T/out/logs/rerun-%A_%a.log" \
        "$ROOT/scripts/slurm/analyze.sbatch" 4 "$T/calls.csv" "$T/out")
rerun=${rerun%%;*}
merge=$(sbatch --parsable --chdir="$T" --dependency="afterok:$rerun" --output="$T/out/logs/merge-%j.log" \
        "$ROOT/scripts/slurm/index.sbatch" "$T/out")
merge=${merge%%;*}
check "rerun of task 2 completed" test "$(wait_done "${rerun}_2" 120)" = COMPLETED
check "second merge completed" test "$(wait_done "$merge" 120)" = COMPLETED
check "rerun says 5 done, 5 to analyse" grep -q -- "--resume: 5 of 10 calls already complete" "$T"/out/logs/rerun-*.log
after=$(cd "$T/out/shard-2" && stat -c '%n %y' ./*.index.json | sort)
check "the 5 finished calls were not redone" test "$(comm -12 <(echo "$before") <(echo "$after") | wc -l)" -eq 5
check "shard 2 now has its 10 calls" test "$(records 2)" -eq 10

# merged = one machine (report links aside), and every link of the merge opens an existing report
check "merged index.csv and moments.csv equal the one-machine run" python3 - "$T/one" "$T/out" <<'PY'
import csv, os, re, sys, urllib.parse
one, out = sys.argv[1], sys.argv[2]
def rows(d, name, link):
    r = list(csv.reader(open(os.path.join(d, name), newline='')))
    i = r[0].index(link)
    for row in r[1:]:
        row[i] = re.sub(r'^\./shard-\d+/', './', row[i])
    return r
ok = True
for name, link in (('index.csv', 'report'), ('moments.csv', 'link')):
    a, b = rows(one, name, link), rows(out, name, link)
    if a != b:
        ok = False
        print(f'{name}: {len(a)} vs {len(b)} rows; first difference:',
              next(((x, y) for x, y in zip(a, b) if x != y), None))
r = list(csv.DictReader(open(os.path.join(out, 'index.csv'), newline='')))
ok &= len(r) == 40 and all(x['status'] == 'ok' for x in r)
for x in r:
    p = os.path.join(out, urllib.parse.unquote(x['report']))
    if not os.path.isfile(p):
        ok = False
        print('missing report', p)
sys.exit(0 if ok else 1)
PY

echo "slurm: $fails failed"
[ "$fails" -eq 0 ]
