#!/usr/bin/env bash
# Throughput of `vanban extract` in files/s, at 1 job and at all cores, for
# the TXT reports and for their DOCX twins (corpus/docx/) in the same run.
#
# The corpus is only five files per format, too few to time, so each is
# copied out to COPIES files in a scratch folder. Each setting runs RUNS
# times and the median is reported, because shared machines are noisy;
# compare ratios between runs (DOCX/TXT is printed), not absolute numbers
# across machines.
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
mkdir -p "$work/txt" "$work/docx"
for ext in txt docx; do
  src=corpus; [ "$ext" = docx ] && src=corpus/docx
  for f in "$src"/*."$ext"; do
    for i in $(seq 1 "$copies"); do cp "$f" "$work/$ext/$(basename "$f" ."$ext")_$i.$ext"; done
  done
done
cores=$(nproc)

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() { # $1 = folder, $2 = jobs; prints the median seconds
  for _ in $(seq 1 "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$bin" extract -q -j "$2" "$1" -o "$work/out.jsonl"
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
  done | median
}

declare -A rate
for ext in txt docx; do
  files=$(find "$work/$ext" -name "*.$ext" | wc -l)
  bytes=$(cat "$work/$ext"/*."$ext" | wc -c)
  echo "vanban throughput, $ext: $files files, $((bytes / 1024)) KiB, median of $runs runs, $cores cores"
  s1=$(measure "$work/$ext" 1)
  sn=$(measure "$work/$ext" "$cores")
  rate[$ext,1]=$(echo "$files/$s1" | bc -l)
  rate[$ext,n]=$(echo "$files/$sn" | bc -l)
  printf '  -j 1       : %8.1f files/s  %6.2f MiB/s  (%.3f s)\n' "${rate[$ext,1]}" "$(echo "$bytes/$s1/1048576" | bc -l)" "$s1"
  printf '  -j %-7s : %8.1f files/s  %6.2f MiB/s  (%.3f s)\n' "$cores" "${rate[$ext,n]}" "$(echo "$bytes/$sn/1048576" | bc -l)" "$sn"
  printf '  speed-up   : %.2fx on %s cores (%.1f files/s per core at all jobs)\n' "$(echo "$s1/$sn" | bc -l)" "$cores" "$(echo "$files/$sn/$cores" | bc -l)"
done
printf 'DOCX/TXT files/s: %.2f at -j 1, %.2f at -j %s\n' "$(echo "${rate[docx,1]}/${rate[txt,1]}" | bc -l)" "$(echo "${rate[docx,n]}/${rate[txt,n]}" | bc -l)" "$cores"
