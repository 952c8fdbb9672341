#!/usr/bin/env bash
# Shugu's import of a dataset folder at scale, side by side with datumaro's
# importer of the same format. Called by compare_yolo_import.sh,
# compare_voc_import.sh and compare_cvat_import.sh.
#
# Usage: benches/compare_folder_import.sh BENCH DATA_DIR GROUP FUNCTION DM_FORMAT
#
# 1. `cargo bench --bench BENCH`: criterion times FUNCTION of GROUP on
#    target/bench-data/DATA_DIR/ (the bench generates it on first use).
# 2. benches/import_vs_datumaro.py times `Dataset.import_from(root, DM_FORMAT)`
#    plus a pass over every item's annotations on the same folder, with
#    $SHUGU_DATUMARO_PYTHON or /tmp/yolo-venv/bin/python (python3 -m venv
#    /tmp/yolo-venv && /tmp/yolo-venv/bin/pip install datumaro).
# 3. Prints both figures and the ratio; the target is: faster than datumaro.
#
# Exit status: 0 when the target is met, 3 when missed, 2 when something could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 5 ] || { echo "usage: $0 BENCH DATA_DIR GROUP FUNCTION DM_FORMAT" >&2; exit 2; }
bench="$1" data="target/bench-data/$2" group="$3" function="$4" dm_format="$5"
criterion="${CARGO_TARGET_DIR:-target}/criterion"
import_est="$criterion/$group/$function/new/estimates.json"

python="${SHUGU_DATUMARO_PYTHON:-/tmp/yolo-venv/bin/python}"
if ! "$python" -c "import datumaro" 2>/dev/null; then
  echo "compare: no Python with datumaro at '$python'." >&2
  echo "  Set SHUGU_DATUMARO_PYTHON, or: python3 -m venv /tmp/yolo-venv && /tmp/yolo-venv/bin/pip install datumaro" >&2
  exit 2
fi

rm -f "$import_est"
echo "== cargo bench --bench $bench" >&2
cargo bench --bench "$bench" >&2
[ -f "$import_est" ] || { echo "compare: criterion wrote no $import_est" >&2; exit 2; }

echo "== datumaro Dataset.import_from($data, '$dm_format')" >&2
dm_json="$("$python" benches/import_vs_datumaro.py "$data" --runs 1 --format "$dm_format")"

python3 - "$dm_json" "$import_est" "$data" "$function" "$dm_format" <<'PY'
import json, sys

dm = json.loads(sys.argv[1])
est = json.load(open(sys.argv[2]))
data, function, dm_format = sys.argv[3:6]
mean = est["mean"]["point_estimate"] / 1e9
median = est["median"]["point_estimate"] / 1e9
lo = est["mean"]["confidence_interval"]["lower_bound"] / 1e9
hi = est["mean"]["confidence_interval"]["upper_bound"] / 1e9
ratio = dm["datumaro_import_s"] / mean
print(f"{dm_format} dataset: {data} ({dm['images']} images, {dm['boxes']} boxes as datumaro counts them)")
print()
print(f"{'':38}{'seconds':>10}   notes")
print(f"{'datumaro import_from + iterate':38}{dm['datumaro_import_s']:>10.3f}   runs: {dm['runs_s']}")
print(f"{function + ' (to SQLite)':38}{mean:>10.3f}   criterion mean, 95% CI [{lo:.3f}, {hi:.3f}], median {median:.3f}")
print()
print(f"import: shugu is {ratio:.2f}x faster than datumaro (target > 1x): {'MET' if ratio > 1 else 'MISSED'}")
sys.exit(0 if ratio > 1 else 3)
PY
