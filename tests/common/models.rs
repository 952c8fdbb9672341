//! Where the model tests find ONNX Runtime and the PP-OCR models: the test
//! virtualenv (`tests/run-all.sh` installs `onnxruntime` and
//! `rapidocr-onnxruntime` into it; `SHUGU_PYTHON` names its Python).

use std::path::PathBuf;
use std::process::Command;

/// A path the test Python prints.
fn python_path(code: &str) -> PathBuf {
    let python = super::cli::python();
    let out = Command::new(&python)
        .args(["-c", code])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {python:?} ({e}); run tests/run-all.sh or set SHUGU_PYTHON")
        });
    assert!(
        out.status.success(),
        "{python:?} lacks a package the model tests need (tests/run-all.sh installs \
         onnxruntime and rapidocr-onnxruntime):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// The `onnxruntime` wheel's `capi` folder, where its library is.
pub fn onnxruntime_capi() -> PathBuf {
    python_path(
        "import onnxruntime, os; print(os.path.join(os.path.dirname(onnxruntime.__file__), 'capi'))",
    )
}

/// The models folder of the `rapidocr-onnxruntime` wheel (found without importing
/// it: `run-all.sh` installs it without its dependencies).
pub fn rapidocr_models() -> PathBuf {
    python_path(
        "import importlib.util as u, os; spec = u.find_spec('rapidocr_onnxruntime'); \
         print(os.path.join(spec.submodule_search_locations[0], 'models'))",
    )
}
