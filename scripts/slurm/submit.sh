#!/usr/bin/env bash
# scripts/slurm/submit.sh N MANIFEST OUT [analyze options...] -- submits the analysis of an archive
# as an N-task Slurm array (analyze.sbatch) and the index job that runs when every task has ended
# (afterany: a task that failed still leaves its finished calls, and the index lists its failures;
# rerun it with `sbatch --array=K analyze.sbatch N MANIFEST OUT` and submit index.sbatch again).
# Prints the two job ids. Extra sbatch options go in SBATCH_ARGS (e.g. "--partition=batch
# --cpus-per-task=8"); TONEMON (the program's path) is passed on to the jobs.
set -euo pipefail
if [ $# -lt 3 ]; then echo "usage: submit.sh N MANIFEST OUT [analyze options...]" >&2; exit 2; fi
HERE=$(cd "$(dirname "$0")" && pwd)
N=$1 MANIFEST=$(realpath "$2") OUT=$(realpath -m "$3")
shift 3
mkdir -p "$OUT/logs"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_ARGS:-} --array="1-$N" --output="$OUT/logs/analyze-%A_%a.log" \
        --export=ALL "$HERE/analyze.sbatch" "$N" "$MANIFEST" "$OUT" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
index=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency="afterany:$array" --output="$OUT/logs/index-%j.log" \
        --export=ALL "$HERE/index.sbatch" "$OUT")
echo "$array ${index%%;*}"
