#!/usr/bin/env bash
# Runs the whole test suite, then the import fuzzer. The COCO tests load our
# exports with pycocotools, so this makes a Python virtualenv with it first (once;
# reused afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${SHUGU_VENV:-$PWD/.venv}"
if ! "$venv/bin/python" -c "import pycocotools, numpy" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pycocotools numpy
fi
export SHUGU_PYTHON="$venv/bin/python"
cargo test --locked "$@"
# The import fuzzer for about a minute across all importers (only for the whole
# suite): the test profile runs the example `cargo test` has just built.
if [ $# -eq 0 ]; then
  cargo run --locked --profile test --example fuzz_imports -- --total-seconds 60
fi
