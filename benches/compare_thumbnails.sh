#!/usr/bin/env bash
# `shugu thumbnails` side by side with Pillow (draft + Lanczos, 2 processes) on
# COUNT distinct camera-like 1920×1080 JPEGs, first run and second (cached) run.
#
# Usage: benches/compare_thumbnails.sh [COUNT=1000]
#
# 1. benches/gen_camera_jpegs.py writes the photos into target/bench-data/camera-COUNT/
#    (kept between runs), and `shugu new` makes a project over them.
# 2. The release `shugu thumbnails --threads 2` and benches/thumbnails_pillow.py
#    --processes 2 each run twice from an empty cache, alternating, the page cache
#    warmed by a read of every file first: same thumbnail size (256), same filter
#    family (Lanczos-3), same output (quality-85 JPEGs in a cache folder).
# 3. One table; the targets: shugu at least 1.5x faster than Pillow on the first
#    run, and its second run under a tenth of its first.
#
# Python: $SHUGU_BENCH_PYTHON, else $SHUGU_VENV/bin/python if it has Pillow and
# numpy, else a bench venv made at target/bench-venv from PyPI (never the test venv).
# Exit status: 0 when both targets are met, 3 when one is missed, 2 when something
# could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000}"
target="${CARGO_TARGET_DIR:-target}"
data="target/bench-data/camera-$count"
project="target/bench-data/camera-$count-project"

python="${SHUGU_BENCH_PYTHON:-}"
if [ -z "$python" ]; then
  if [ -n "${SHUGU_VENV:-}" ] && "$SHUGU_VENV/bin/python" -c "import PIL, numpy" 2>/dev/null; then
    python="$SHUGU_VENV/bin/python"
  else
    python="target/bench-venv/bin/python"
    if ! "$python" -c "import PIL, numpy" 2>/dev/null; then
      echo "== making the bench venv target/bench-venv (pillow, numpy)" >&2
      python3 -m venv target/bench-venv && "$python" -m pip install -q pillow numpy >&2 || exit 2
    fi
  fi
fi

echo "== $count camera-like photos in $data" >&2
"$python" benches/gen_camera_jpegs.py "$data" "$count" >&2
echo "== cargo build --release" >&2
cargo build --release --bin shugu >&2
shugu="$target/release/shugu"
if [ ! -d "$project" ]; then
  "$shugu" new "$project" --images "$data" >&2
fi
cat "$data"/*.jpg > /dev/null

run_shugu() {
  local out
  out="$("$shugu" thumbnails "$project" --threads 2 2>/dev/null)" || exit 2
  python3 -c 'import re,sys; print(re.search(r"in ([0-9.]+) s", sys.argv[1]).group(1))' "$out"
}
run_pillow() {
  "$python" benches/thumbnails_pillow.py "$data" "$pillow_cache" --processes 2 |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])'
}
now() { python3 -c 'import time; print(time.perf_counter())'; }
wall() { python3 -c "print(round($2 - $1, 4))"; }

pillow_cache="target/bench-data/camera-$count-pillow-cache"
rm -rf "$project/cache/thumbnails" "$pillow_cache"
echo "== shugu thumbnails (first run)" >&2
t0=$(now); run_shugu >/dev/null; t1=$(now); shugu_first=$(wall "$t0" "$t1")
echo "== Pillow (first run)" >&2
t0=$(now); run_pillow >/dev/null; t1=$(now); pillow_first=$(wall "$t0" "$t1")
echo "== second runs" >&2
t0=$(now); run_shugu >/dev/null; t1=$(now); shugu_second=$(wall "$t0" "$t1")
t0=$(now); run_pillow >/dev/null; t1=$(now); pillow_second=$(wall "$t0" "$t1")
shugu_bytes=$(du -sb "$project/cache/thumbnails" | cut -f1)
pillow_bytes=$(du -sb "$pillow_cache" | cut -f1)

python3 - "$count" "$shugu_first" "$shugu_second" "$pillow_first" "$pillow_second" "$shugu_bytes" "$pillow_bytes" <<'PY'
import sys
count = int(sys.argv[1])
sf, ss, pf, ps = map(float, sys.argv[2:6])
sb, pb = map(int, sys.argv[6:8])
print(f"{count} camera-like 1920x1080 JPEGs -> 256 px thumbnails, 2 workers each (wall clock, process start included)")
print()
print(f"{'':34}{'first run s':>12}{'second run s':>14}{'per image ms':>14}{'cache MB':>10}")
print(f"{'Pillow draft, 2 processes':34}{pf:>12.3f}{ps:>14.3f}{pf / count * 1000:>14.2f}{pb / 1e6:>10.1f}")
print(f"{'shugu thumbnails --threads 2':34}{sf:>12.3f}{ss:>14.3f}{sf / count * 1000:>14.2f}{sb / 1e6:>10.1f}")
print()
speed = pf / sf
second = ss / sf
ok = speed >= 1.5 and second < 0.1
print(f"first run: shugu is {speed:.2f}x faster than Pillow (target >= 1.5x): {'MET' if speed >= 1.5 else 'MISSED'}")
print(f"second run: {second * 100:.1f}% of the first (target < 10%): {'MET' if second < 0.1 else 'MISSED'}")
sys.exit(0 if ok else 3)
PY
