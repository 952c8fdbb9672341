#!/usr/bin/env bash
# PP-OCRv4 det + rec over the same 200 images: Shugu (`cargo bench --bench
# ocr_predict`, release build) side by side with the rapidocr_onnxruntime Python
# package, both on the onnxruntime wheel's library with its default threads.
#
#   benches/compare_ocr.sh            # the generated 200 pages
#   SHUGU_OCR_IMAGES=DIR benches/compare_ocr.sh
#
# Needs a virtualenv with rapidocr-onnxruntime and its dependencies (OpenCV…):
# BENCH_VENV (default target/bench-venv) is made once.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${BENCH_VENV:-${CARGO_TARGET_DIR:-$PWD/target}/bench-venv}"
if ! "$venv/bin/python" -c "import rapidocr_onnxruntime" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check onnxruntime rapidocr-onnxruntime
fi
export SHUGU_PYTHON="$venv/bin/python"
out="$(cargo bench --bench ocr_predict)"
echo "$out"
images="$(sed -n 's/^images: //p' <<<"$out")"
"$venv/bin/python" benches/rapidocr_folder.py "$images"
"$venv/bin/python" benches/rapidocr_folder.py "$images" --cls
