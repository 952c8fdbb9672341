#!/usr/bin/env bash
# Runs the whole test suite. The COCO tests load our exports with pycocotools and
# the model tests run ONNX Runtime's library and the PP-OCR models from the
# onnxruntime and rapidocr-onnxruntime wheels, so this makes a Python virtualenv
# with them first (once; reused afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${SHUGU_VENV:-$PWD/.venv}"
if ! "$venv/bin/python" -c "import pycocotools, numpy, onnxruntime, rapidocr_onnxruntime" 2>/dev/null; then
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pycocotools numpy onnxruntime rapidocr-onnxruntime
fi
export SHUGU_PYTHON="$venv/bin/python"
cargo test --locked "$@"
