#!/usr/bin/env bash
# Runs the whole test suite, then the import fuzzer. The COCO tests load our
# exports with pycocotools and the model tests run ONNX Runtime's library and the
# PP-OCR models from the onnxruntime and rapidocr-onnxruntime wheels, so this makes
# a Python virtualenv with them first (once; reused afterwards). rapidocr-onnxruntime
# is installed without its dependencies (OpenCV and more): the tests only read its
# model files.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${SHUGU_VENV:-$PWD/.venv}"
has_packages='import importlib.util as u, sys
sys.exit(not all(u.find_spec(m) for m in ["pycocotools", "numpy", "onnxruntime", "rapidocr_onnxruntime"]))'
if ! "$venv/bin/python" -c "$has_packages" 2>/dev/null; then
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  pip=("$venv/bin/pip" install --quiet --disable-pip-version-check)
  "${pip[@]}" pycocotools numpy onnxruntime
  "${pip[@]}" --no-deps rapidocr-onnxruntime
fi
export SHUGU_PYTHON="$venv/bin/python"
cargo test --locked "$@"
# The import fuzzer for about a minute across all importers (only for the whole
# suite): the test profile runs the example `cargo test` has just built.
if [ $# -eq 0 ]; then
  cargo run --locked --profile test --example fuzz_imports -- --total-seconds 60
fi
