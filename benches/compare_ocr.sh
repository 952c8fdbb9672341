#!/usr/bin/env bash
# PP-OCRv4 det + rec over the same 200 images, side by side in one run:
#   1. `shugu predict` (release build) into a fresh project: decoding, both
#      models, and storing every line as a proposal with its text;
#   2. the same models in-process without the project (`cargo bench --bench
#      ocr_predict`): the predictor alone;
#   3. the rapidocr_onnxruntime Python package (classifier off, as Shugu has
#      none; then on).
# All on the same onnxruntime wheel's library with its default threads. Then
# the GUI's frame time while a batch runs (`cargo bench --bench ai_batch_frames`).
#
#   benches/compare_ocr.sh            # the generated 200 pages
#   SHUGU_OCR_IMAGES=DIR benches/compare_ocr.sh
#
# rapidocr's Python pipeline needs OpenCV, pyclipper, shapely…: they go into a
# separate bench virtualenv, BENCH_VENV (default target/bench-venv), made once
# from PyPI; the test virtualenv is not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
venv="${BENCH_VENV:-$target/bench-venv}"
if ! "$venv/bin/python" -c "import rapidocr_onnxruntime, cv2" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check onnxruntime rapidocr-onnxruntime
fi
export SHUGU_PYTHON="$venv/bin/python"
capi="$("$venv/bin/python" -c "import onnxruntime, os; print(os.path.join(os.path.dirname(onnxruntime.__file__), 'capi'))")"
models="$("$venv/bin/python" -c "import importlib.util as u, os; print(os.path.join(u.find_spec('rapidocr_onnxruntime').submodule_search_locations[0], 'models'))")"

cargo build --release --quiet --bin shugu
out="$(cargo bench --quiet --bench ocr_predict)"
images="$(sed -n 's/^images: //p' <<<"$out")"
count="$(find "$images" -maxdepth 1 -name '*.jpg' | wc -l)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$target/release/shugu" new "$work/project" --images "$images" >/dev/null
start=$(date +%s.%N)
"$target/release/shugu" predict "$work/project" \
  --model "$models/ch_PP-OCRv4_det_infer.onnx" --rec "$models/ch_PP-OCRv4_rec_infer.onnx" \
  --onnxruntime "$capi" --source PP-OCRv4 >"$work/predict.txt"
end=$(date +%s.%N)
python3 - "$start" "$end" "$count" "$(cat "$work/predict.txt")" <<'PY'
import sys
start, end, count, said = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
took = end - start
print(f"shugu predict {count} images: {took:.2f} s ({count / took:.2f} images/s, models opened and proposals stored included): {said.strip()}")
PY
grep '^shugu ocr' <<<"$out"
"$venv/bin/python" benches/rapidocr_folder.py "$images"
"$venv/bin/python" benches/rapidocr_folder.py "$images" --cls
cargo bench --quiet --bench ai_batch_frames
