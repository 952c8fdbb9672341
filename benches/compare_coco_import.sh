#!/usr/bin/env bash
# Shugu's COCO import and export at scale, side by side with pycocotools.
#
# Usage: benches/compare_coco_import.sh [boxes|shapes]
#
# boxes (the default):
# 1. `cargo bench --bench coco_io`: criterion times `import_coco` (read, parse,
#    plan, one SQLite transaction) and `export_coco` on the synthetic file
#    target/bench-data/synthetic-coco-100k-1M.json (100k images, 1M boxes; the
#    bench generates it with benches/gen_synthetic_coco.py on first use).
# shapes:
# 1. `cargo bench --bench coco_shapes`: criterion times reading, parsing and
#    planning (every annotation checked into shapes: what the import's parsing
#    thread does) and writing those shapes back as COCO, on
#    target/bench-data/synthetic-coco-shapes-100k-1M.json (100k images, 1M
#    annotations shaped like COCO 2017 instances: polygons of 10-60 vertices,
#    1% crowd RLE; made by benches/gen_synthetic_coco_shapes.py on first use).
# Then, for either:
# 2. benches/coco_vs_pycocotools.py times `pycocotools.coco.COCO(path)` on the
#    same file (best of 3), with $SHUGU_PYTHON or .venv/bin/python (make it with
#    tests/run-all.sh, or: python3 -m venv .venv && .venv/bin/pip install pycocotools numpy).
# 3. Prints both figures, the ratio, and the targets: import at least 3x faster
#    than pycocotools, export under 3 s.
#
# Exit status: 0 when both targets are met, 3 when one is missed, 2 when
# something could not run. Takes about 3 minutes (boxes) or 5 (shapes) on a
# 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."

criterion="${CARGO_TARGET_DIR:-target}/criterion"
case "${1:-boxes}" in
  boxes)
    bench=coco_io
    data=target/bench-data/synthetic-coco-100k-1M.json
    import_est="$criterion/coco import 100k images 1M boxes/shugu import_coco/new/estimates.json"
    import_label="shugu import_coco (to SQLite)"
    export_est="$criterion/coco export 100k images 1M boxes/shugu export_coco/new/estimates.json"
    export_label="shugu export_coco (to JSON file)"
    ;;
  shapes)
    bench=coco_shapes
    data=target/bench-data/synthetic-coco-shapes-100k-1M.json
    import_est="$criterion/coco shapes parse 100k images 1M annotations/shugu read, parse and plan/new/estimates.json"
    import_label="shugu read, parse, plan (no store)"
    export_est="$criterion/coco shapes export 100k images 1M annotations/shugu geometry and write/new/estimates.json"
    export_label="shugu geometry + write (no read)"
    ;;
  *)
    echo "usage: $0 [boxes|shapes]" >&2
    exit 2
    ;;
esac

python="${SHUGU_PYTHON:-.venv/bin/python}"
if ! "$python" -c "import pycocotools, numpy" 2>/dev/null; then
  echo "compare_coco_import: no Python with pycocotools at '$python'." >&2
  echo "  Set SHUGU_PYTHON, or make the venv: tests/run-all.sh (or python3 -m venv .venv && .venv/bin/pip install pycocotools numpy)" >&2
  exit 2
fi

# Stale estimates must not be reported as this run's.
rm -f "$import_est" "$export_est"
echo "== cargo bench --bench $bench" >&2
cargo bench --bench "$bench" >&2
for f in "$import_est" "$export_est"; do
  [ -f "$f" ] || { echo "compare_coco_import: criterion wrote no $f" >&2; exit 2; }
done

echo "== pycocotools COCO($data)" >&2
py_json="$("$python" benches/coco_vs_pycocotools.py "$data" --runs 3)"

python3 - "$py_json" "$import_est" "$export_est" "$data" "$import_label" "$export_label" <<'EOF'
import json, os, sys

py = json.loads(sys.argv[1])
imp = json.load(open(sys.argv[2]))
exp = json.load(open(sys.argv[3]))
data = sys.argv[4]
import_label, export_label = sys.argv[5], sys.argv[6]

def secs(est, key):
    return est[key]["point_estimate"] / 1e9

def ci(est, key):
    c = est[key]["confidence_interval"]
    return c["lower_bound"] / 1e9, c["upper_bound"] / 1e9

py_s = py["pycocotools_load_s"]
imp_mean, imp_med = secs(imp, "mean"), secs(imp, "median")
exp_mean, exp_med = secs(exp, "mean"), secs(exp, "median")
ratio = py_s / imp_mean
import_ok = ratio >= 3.0
export_ok = exp_mean < 3.0
mb = os.path.getsize(data) / 1e6

print(f"COCO file: {data} ({mb:.0f} MB, {py['images']} images, {py['annotations']} annotations)")
print()
print(f"{'':34}{'seconds':>10}   notes")
print(f"{'pycocotools COCO(path)':34}{py_s:>10.3f}   best of {len(py['runs_s'])}: {py['runs_s']}")
lo, hi = ci(imp, "mean")
print(f"{import_label:34}{imp_mean:>10.3f}   criterion mean, 95% CI [{lo:.3f}, {hi:.3f}], median {imp_med:.3f}")
lo, hi = ci(exp, "mean")
print(f"{export_label:34}{exp_mean:>10.3f}   criterion mean, 95% CI [{lo:.3f}, {hi:.3f}], median {exp_med:.3f}")
print()
what = import_label.split(" (")[0].removeprefix("shugu ")
print(f"{what}: shugu is {ratio:.2f}x faster than pycocotools (target >= 3x): {'MET' if import_ok else 'MISSED'}")
print(f"{export_label.removeprefix('shugu ')}: {exp_mean:.3f} s (target < 3 s): {'MET' if export_ok else 'MISSED'}")
sys.exit(0 if import_ok and export_ok else 3)
EOF
