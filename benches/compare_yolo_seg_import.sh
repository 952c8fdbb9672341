#!/usr/bin/env bash
# Shugu's YOLO segmentation import at scale (`cargo bench --bench yolo_seg_io`:
# 100k label files, 1M polygons of 6 to 12 vertices, Darknet layout), side by
# side with datumaro's "yolo" importer on the same folder.
#
# Usage: benches/compare_yolo_seg_import.sh [DATA_DIR]
#
# 1. benches/gen_synthetic_yolo_seg.py writes DATA_DIR (default
#    /tmp/shugu-bench/yolo-seg-100k-1M): seg/ and its detection twin det/.
# 2. `cargo bench --bench yolo_seg_io` times Shugu's import of DATA_DIR/seg.
# 3. benches/yolo_seg_vs_datumaro.py runs datumaro's "yolo" importer on seg/
#    (it refuses polygon rows; what it says is printed) and times it on det/,
#    the same objects as boxes, with $SHUGU_DATUMARO_PYTHON or
#    /tmp/yolo-venv/bin/python (python3 -m venv /tmp/yolo-venv &&
#    /tmp/yolo-venv/bin/pip install datumaro).
# 4. Prints both figures; the target: Shugu on the polygons is faster than
#    datumaro on their boxes. DATA_DIR is deleted afterwards unless
#    KEEP_DATA=1.
#
# Exit status: 0 when the target is met, 3 when missed, 2 when something could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-/tmp/shugu-bench/yolo-seg-100k-1M}"
criterion="${CARGO_TARGET_DIR:-target}/criterion"
est="$criterion/yolo-seg import 100k images 1M polygons/shugu import_yolo/new/estimates.json"
python="${SHUGU_DATUMARO_PYTHON:-/tmp/yolo-venv/bin/python}"
if ! "$python" -c "import datumaro" 2>/dev/null; then
  echo "compare: no Python with datumaro at '$python'." >&2
  echo "  Set SHUGU_DATUMARO_PYTHON, or: python3 -m venv /tmp/yolo-venv && /tmp/yolo-venv/bin/pip install datumaro" >&2
  exit 2
fi
if [ ! -f "$data/sizes.tsv" ]; then
  echo "== generating $data" >&2
  rm -rf "$data.partial"
  python3 benches/gen_synthetic_yolo_seg.py "$data.partial"
  mv "$data.partial" "$data"
fi
[ "${KEEP_DATA:-0}" = 1 ] || trap 'rm -rf "$data"' EXIT

rm -f "$est"
echo "== cargo bench --bench yolo_seg_io" >&2
SHUGU_YOLO_SEG_DATA="$data" cargo bench --bench yolo_seg_io >&2
[ -f "$est" ] || { echo "compare: criterion wrote no $est" >&2; exit 2; }

echo "== datumaro Dataset.import_from(…, 'yolo')" >&2
dm_json="$("$python" benches/yolo_seg_vs_datumaro.py "$data")"

python3 - "$dm_json" "$est" "$data" <<'PY'
import json, sys

dm = json.loads(sys.argv[1])
est = json.load(open(sys.argv[2]))
data = sys.argv[3]
mean = est["mean"]["point_estimate"] / 1e9
lo = est["mean"]["confidence_interval"]["lower_bound"] / 1e9
hi = est["mean"]["confidence_interval"]["upper_bound"] / 1e9
seg = dm["seg"]
print(f"dataset: {data} (100k label files; seg/ 1M polygons, det/ their {dm['det_boxes']} boxes)")
print()
print(f"{'':44}{'seconds':>10}   notes")
said = "read it" if seg["read"] else f"stopped: {seg['error']}"
print(f"{'datumaro yolo on seg/ (polygons)':44}{seg['seconds']:>10.3f}   {said}")
print(f"{'datumaro yolo on det/ (the same as boxes)':44}{dm['det_s']:>10.3f}   import_from + iterate")
print(f"{'shugu import_yolo on seg/ (to SQLite)':44}{mean:>10.3f}   criterion mean, 95% CI [{lo:.3f}, {hi:.3f}]")
print()
ratio = dm["det_s"] / mean
print(f"shugu on the polygons is {ratio:.2f}x faster than datumaro on their boxes (target > 1x): "
      f"{'MET' if ratio > 1 else 'MISSED'}")
sys.exit(0 if ratio > 1 else 3)
PY
