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
#    same file with python3: once before criterion and twice after, so a
#    machine whose speed drifts during the run is sampled at both ends; the
#    best of the three counts.
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
# Builds the benchmark and, on first use, the data file, before any timing.
cargo bench --bench text_io --no-run >&2
if [ ! -f "$data" ]; then
  mkdir -p "$(dirname "$data")"
  python3 benches/gen_synthetic_text.py "$data.partial" --lines 1000000 >&2
  mv "$data.partial" "$data"
fi
echo "== python json.loads loop over $data (1 of 3)" >&2
py_before="$(python3 benches/text_vs_python.py "$data" --runs 1)"
echo "== cargo bench --bench text_io" >&2
cargo bench --bench text_io >&2
for f in "$import_est" "$export_est"; do
  [ -f "$f" ] || { echo "compare_text_import: criterion wrote no $f" >&2; exit 2; }
done
echo "== python json.loads loop over $data (2 and 3 of 3)" >&2
py_after="$(python3 benches/text_vs_python.py "$data" --runs 2)"

python3 - "$py_before" "$py_after" "$import_est" "$export_est" "$data" <<'PY'
import json, os, sys
before, after, import_path, export_path, data = sys.argv[1:6]
before, after = json.loads(before), json.loads(after)
runs = before["runs_s"] + after["runs_s"]
py = {"python_json_loads_s": min(runs), "runs_s": runs, "lines": after["lines"]}
imp = json.load(open(import_path))
exp = json.load(open(export_path))
secs = lambda est: est["mean"]["point_estimate"] / 1e9
py_s, imp_s, exp_s = py["python_json_loads_s"], secs(imp), secs(exp)
ratio = py_s / imp_s
print(f"file: {data} ({os.path.getsize(data) / 1e6:.0f} MB, {py['lines']} lines)")
print(f"python json.loads loop        {py_s:8.3f} s   best of {len(py['runs_s'])} (one before criterion, two after): {py['runs_s']}")
print(f"shugu import_labelled         {imp_s:8.3f} s   criterion mean")
print(f"shugu export_text (jsonl)     {exp_s:8.3f} s   criterion mean")
ok_import = imp_s < 5.0 and ratio >= 2.0
ok_export = exp_s < 3.0
print(f"import: {imp_s:.2f} s, {ratio:.2f}x the Python loop (target < 5 s and >= 2x): {'MET' if ok_import else 'MISSED'}")
print(f"export: {exp_s:.2f} s (target < 3 s): {'MET' if ok_export else 'MISSED'}")
sys.exit(0 if ok_import and ok_export else 3)
PY
