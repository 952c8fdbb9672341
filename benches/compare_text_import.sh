#!/usr/bin/env bash
# Shugu's labelled text import and export at scale, side by side with a plain
# Python json.loads loop over the same 1M-line file.
#
# Usage: benches/compare_text_import.sh
#
# 1. `cargo bench --bench text_io`: criterion times `import_labelled` into an
#    empty text project and `export_text` to JSONL, on
#    target/bench-data/synthetic-text-1M.jsonl (generated on first use by
#    benches/gen_synthetic_text.py).
# 2. benches/text_vs_python.py times `for line in f: json.loads(line)` on the
#    same file (best of 3) with python3.
# 3. Prints the figures and the targets: import under 5 s and at least 2x faster
#    than the Python loop, export under 3 s.
#
# Exit status: 0 when all targets are met, 3 when one is missed, 2 when
# something could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

data=target/bench-data/synthetic-text-1M.jsonl
criterion="${CARGO_TARGET_DIR:-target}/criterion"
import_est="$criterion/text import 1M lines/shugu import_labelled/new/estimates.json"
export_est="$criterion/text export 1M lines/shugu export_text jsonl/new/estimates.json"

rm -f "$import_est" "$export_est"
echo "== cargo bench --bench text_io" >&2
cargo bench --bench text_io >&2
for f in "$import_est" "$export_est"; do
  [ -f "$f" ] || { echo "compare_text_import: criterion wrote no $f" >&2; exit 2; }
done
echo "== python json.loads loop over $data" >&2
py_json="$(python3 benches/text_vs_python.py "$data" --runs 3)"

python3 - "$py_json" "$import_est" "$export_est" "$data" <<'PY'
import json, os, sys
py = json.loads(sys.argv[1])
imp = json.load(open(sys.argv[2]))
exp = json.load(open(sys.argv[3]))
secs = lambda est: est["mean"]["point_estimate"] / 1e9
py_s, imp_s, exp_s = py["python_json_loads_s"], secs(imp), secs(exp)
ratio = py_s / imp_s
print(f"file: {sys.argv[4]} ({os.path.getsize(sys.argv[4]) / 1e6:.0f} MB, {py['lines']} lines)")
print(f"python json.loads loop        {py_s:8.3f} s   best of {len(py['runs_s'])}: {py['runs_s']}")
print(f"shugu import_labelled         {imp_s:8.3f} s   criterion mean")
print(f"shugu export_text (jsonl)     {exp_s:8.3f} s   criterion mean")
ok_import = imp_s < 5.0 and ratio >= 2.0
ok_export = exp_s < 3.0
print(f"import: {imp_s:.2f} s, {ratio:.2f}x the Python loop (target < 5 s and >= 2x): {'MET' if ok_import else 'MISSED'}")
print(f"export: {exp_s:.2f} s (target < 3 s): {'MET' if ok_export else 'MISSED'}")
sys.exit(0 if ok_import and ok_export else 3)
PY
