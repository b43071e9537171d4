#!/usr/bin/env bash
# Throughput of `vanban extract` in files/s, at 1 job and at all cores.
#
# The corpus is only five files, too few to time, so it is copied out to
# COPIES files per document in a scratch folder. Each setting runs RUNS times
# and the median is reported, because shared machines are noisy; compare
# ratios between runs, not absolute numbers across machines.
#
# Usage: bench/throughput.sh [COPIES=200] [RUNS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-200}
runs=${2:-5}
cargo build --release --quiet
bin=target/release/vanban
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in corpus/*.txt; do
  for i in $(seq 1 "$copies"); do cp "$f" "$work/$(basename "$f" .txt)_$i.txt"; done
done
files=$(find "$work" -name '*.txt' | wc -l)
bytes=$(cat "$work"/*.txt | wc -c)
cores=$(nproc)

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() { # $1 = jobs; prints the median seconds
  for _ in $(seq 1 "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$bin" extract -q -j "$1" "$work" -o "$work/out.jsonl"
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
  done | median
}

echo "vanban throughput: $files files, $((bytes / 1024)) KiB, median of $runs runs, $cores cores"
s1=$(measure 1)
sn=$(measure "$cores")
printf '  -j 1       : %8.1f files/s  %6.2f MiB/s  (%.3f s)\n' "$(echo "$files/$s1" | bc -l)" "$(echo "$bytes/$s1/1048576" | bc -l)" "$s1"
printf '  -j %-7s : %8.1f files/s  %6.2f MiB/s  (%.3f s)\n' "$cores" "$(echo "$files/$sn" | bc -l)" "$(echo "$bytes/$sn/1048576" | bc -l)" "$sn"
printf '  speed-up   : %.2fx on %s cores (%.1f files/s per core at all jobs)\n' "$(echo "$s1/$sn" | bc -l)" "$cores" "$(echo "$files/$sn/$cores" | bc -l)"
