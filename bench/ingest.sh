#!/usr/bin/env bash
# Ingest rates beside `vanban extract` to a file, on a generated backlog, and
# peak memory: the figures issue 9 asks for.
#
# The backlog is FILES distinct reports (the corpus texts, each copy made
# different by a closing line). Each of the three jobs runs RUNS times on a
# fresh output (file, SQLite database, PostgreSQL database) at all cores; the
# median wall time is reported, with the ratio to extract and the largest
# peak resident memory seen. PostgreSQL is a throwaway local cluster with
# fsync on (scripts/with-postgres). A last line times a re-run over the
# stored backlog (everything unchanged).
#
# Usage: bench/ingest.sh [FILES=10000] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${VANBAN_TEST_POSTGRES:-}" ]; then
    PG_FSYNC=on exec scripts/with-postgres "$0" "$@"
fi
files=${1:-10000}
runs=${2:-3}
cargo build --release --quiet
bin=$PWD/target/release/vanban
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/backlog"
python3 - "$work/backlog" "$files" corpus/*.txt <<'PY'
import os, sys
out, n, srcs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
texts = [open(p, encoding="utf-8").read() for p in sorted(srcs)]
for i in range(n):
    d = os.path.join(out, str(2015 + i % 10))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"bao-cao-{i:06d}.txt"), "w", encoding="utf-8") as f:
        f.write(texts[i % len(texts)] + f"\n\nBản lưu trữ {i}.\n")
PY
mib=$(du -sm "$work/backlog" | cut -f1)
cores=$(nproc)
pg_admin=$VANBAN_TEST_POSTGRES
pg_url() { echo "$pg_admin" | sed "s#/postgres?#/$1?#"; }
psql_admin() { psql -q "$pg_admin" -c "$1" >/dev/null; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Runs a command under GNU time; appends "seconds maxrss_kib" to $work/$1.times.
timed() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || {
        local rc=$?
        # exit 1 = some files failed: still a complete run; anything else is not.
        [ "$rc" -eq 1 ] || { cat "$work/err" >&2; exit "$rc"; }
    }
    tail -n1 "$work/t" >>"$work/$name.times"
}

for r in $(seq 1 "$runs"); do
    rm -f "$work/out.jsonl" "$work/v.db"*
    timed extract "$bin" extract -q "$work/backlog" -o "$work/out.jsonl"
    timed sqlite "$bin" ingest -q "$work/backlog" --db "sqlite:$work/v.db"
    psql_admin "DROP DATABASE IF EXISTS bench_$r"
    psql_admin "CREATE DATABASE bench_$r"
    timed postgres "$bin" ingest -q "$work/backlog" --db "$(pg_url "bench_$r")"
done
timed rerun "$bin" ingest -q "$work/backlog" --db "sqlite:$work/v.db"

echo "vanban ingest: $files files, $mib MiB, $cores cores, median of $runs runs"
ext=$(cut -d' ' -f1 "$work/extract.times" | median)
for name in extract sqlite postgres rerun; do
    s=$(cut -d' ' -f1 "$work/$name.times" | median)
    rss=$(cut -d' ' -f2 "$work/$name.times" | sort -n | tail -n1)
    label=$name
    case $name in
        extract) label="extract to a file" ;;
        sqlite) label="ingest, SQLite" ;;
        postgres) label="ingest, PostgreSQL" ;;
        rerun) label="re-run, all unchanged" ;;
    esac
    printf '  %-22s %8.1f files/s  %5.2fx extract  peak RSS %4d MiB  (%.2f s)\n' \
        "$label" "$(echo "$files/$s" | bc -l)" "$(echo "$ext/$s" | bc -l)" "$((rss / 1024))" "$s"
done
