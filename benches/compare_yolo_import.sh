#!/usr/bin/env bash
# Shugu's YOLO import at scale, side by side with datumaro's YOLO importer.
#
# Usage: benches/compare_yolo_import.sh
#
# 1. `cargo bench --bench yolo_io`: criterion times `import_yolo` (walk, read and
#    parse 100k label files, match them to items, one SQLite transaction) on
#    target/bench-data/yolo-100k-1M/ (Darknet layout, 1M boxes; the bench
#    generates it with benches/gen_synthetic_yolo.py on first use).
# 2. benches/yolo_vs_datumaro.py times `Dataset.import_from(root, "yolo")` plus a
#    pass over every item's annotations on the same folder, with $SHUGU_DATUMARO_PYTHON
#    or /tmp/yolo-venv/bin/python (python3 -m venv /tmp/yolo-venv &&
#    /tmp/yolo-venv/bin/pip install datumaro).
# 3. Prints both figures and the ratio; the target is: faster than datumaro.
#
# Exit status: 0 when the target is met, 3 when missed, 2 when something could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

data=target/bench-data/yolo-100k-1M
criterion="${CARGO_TARGET_DIR:-target}/criterion"
import_est="$criterion/yolo import 100k images 1M boxes/shugu import_yolo/new/estimates.json"

python="${SHUGU_DATUMARO_PYTHON:-/tmp/yolo-venv/bin/python}"
if ! "$python" -c "import datumaro" 2>/dev/null; then
  echo "compare_yolo_import: no Python with datumaro at '$python'." >&2
  echo "  Set SHUGU_DATUMARO_PYTHON, or: python3 -m venv /tmp/yolo-venv && /tmp/yolo-venv/bin/pip install datumaro" >&2
  exit 2
fi

rm -f "$import_est"
echo "== cargo bench --bench yolo_io" >&2
cargo bench --bench yolo_io >&2
[ -f "$import_est" ] || { echo "compare_yolo_import: criterion wrote no $import_est" >&2; exit 2; }

echo "== datumaro Dataset.import_from($data, 'yolo')" >&2
dm_json="$("$python" benches/yolo_vs_datumaro.py "$data" --runs 1)"

python3 - "$dm_json" "$import_est" "$data" <<'PY'
import json, sys

dm = json.loads(sys.argv[1])
est = json.load(open(sys.argv[2]))
mean = est["mean"]["point_estimate"] / 1e9
median = est["median"]["point_estimate"] / 1e9
lo = est["mean"]["confidence_interval"]["lower_bound"] / 1e9
hi = est["mean"]["confidence_interval"]["upper_bound"] / 1e9
ratio = dm["datumaro_import_s"] / mean
print(f"YOLO dataset: {sys.argv[3]} ({dm['images']} images, {dm['boxes']} boxes as datumaro counts them)")
print()
print(f"{'':38}{'seconds':>10}   notes")
print(f"{'datumaro import_from + iterate':38}{dm['datumaro_import_s']:>10.3f}   runs: {dm['runs_s']}")
print(f"{'shugu import_yolo (to SQLite)':38}{mean:>10.3f}   criterion mean, 95% CI [{lo:.3f}, {hi:.3f}], median {median:.3f}")
print()
print(f"import: shugu is {ratio:.2f}x faster than datumaro (target > 1x): {'MET' if ratio > 1 else 'MISSED'}")
sys.exit(0 if ratio > 1 else 3)
PY
