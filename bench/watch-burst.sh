#!/usr/bin/env bash
# A burst of FILES reports (default 10,000) moved at once into a watched
# folder: how long until all are stored, and the daemon's peak memory.
# The latency of single drops is printed by the tests:
#   cargo test --release --test watch -- --nocapture
#
# Usage: bench/watch-burst.sh [FILES=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-10000}
cargo build --release --quiet
bin=$PWD/target/release/vanban
w=$(mktemp -d)
trap 'kill -TERM "${pid:-0}" 2>/dev/null || true; rm -rf "$w"' EXIT
mkdir -p "$w/in" "$w/stage"
python3 - "$w/stage" "$files" corpus/*.txt <<'PY'
import os, sys
out, n, srcs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
texts = [open(p, encoding="utf-8").read() for p in sorted(srcs)]
for i in range(n):
    d = os.path.join(out, str(i // 500))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"r{i:06d}.txt"), "w", encoding="utf-8") as f:
        f.write(texts[i % len(texts)] + f"\n\nBản lưu trữ {i}.\n")
PY
"$bin" watch "$w/in" --db "sqlite:$w/v.db" --settle 2 2>"$w/log" &
pid=$!
sleep 2
t0=$(date +%s.%N)
mv "$w/stage"/* "$w/in/" # folders of 500 files appear at once
count() { sqlite3 "$w/v.db" 'SELECT COUNT(*) FROM documents' 2>/dev/null || echo 0; }
while [ "$(count)" -lt "$files" ]; do sleep 0.5; done
t1=$(date +%s.%N)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
echo "watch burst: $files files stored in $(echo "$t1 - $t0" | bc) s, settle 2 s, $(nproc) cores; daemon peak RSS $((hwm / 1024)) MiB"
