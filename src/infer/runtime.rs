//! ONNX Runtime, loaded at run time (`ort`'s `load-dynamic`): the library is the
//! one the `onnxruntime` Python wheel ships, found through `ORT_DYLIB_PATH`, a
//! path in Settings, or beside the binary. Nothing is downloaded.
//!
//! `ort` allows one environment per process and panics when its API is used
//! before a library is loaded, so every session is made through [`Runtime`],
//! which loads the library once and keeps the first success (or failure).

use super::InferError;
use ort::ep::ExecutionProvider;
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::TensorRef;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Where the library may be and how sessions run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuntimeOptions {
    /// The library file, or a folder holding it (Settings). `ORT_DYLIB_PATH`
    /// wins over it.
    pub library: Option<PathBuf>,
    /// Run on CUDA (needs the `onnxruntime-gpu` wheel's library).
    pub cuda: bool,
    /// Threads for one model's operators; `None` lets ONNX Runtime choose (one
    /// per physical core).
    pub threads: Option<usize>,
}

/// The file names a wheel's library goes by, best first.
fn library_names() -> &'static [&'static str] {
    if cfg!(windows) {
        &["onnxruntime.dll"]
    } else if cfg!(target_os = "macos") {
        &["libonnxruntime.dylib"]
    } else {
        &["libonnxruntime.so"]
    }
}

/// The library in `dir`: its plain name, else a versioned one
/// (`libonnxruntime.so.1.22.0`, as the wheel ships it), the newest first.
fn library_in(dir: &Path) -> Option<PathBuf> {
    for name in library_names() {
        let plain = dir.join(name);
        if plain.is_file() {
            return Some(plain);
        }
    }
    let stem = if cfg!(target_os = "macos") {
        "libonnxruntime."
    } else {
        "libonnxruntime.so."
    };
    let mut versioned: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.starts_with(stem)
                        && n.ends_with(|c: char| c.is_ascii_digit() || n.ends_with(".dylib"))
                })
        })
        .collect();
    versioned.sort();
    versioned.pop()
}

/// A path given by the user: the library itself, or a folder with it in (the
/// wheel's `capi` folder, the `onnxruntime` package, or a site-packages).
fn library_at(path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    [
        path.to_path_buf(),
        path.join("capi"),
        path.join("onnxruntime").join("capi"),
    ]
    .iter()
    .find_map(|dir| library_in(dir))
}

/// Finds the library: `ORT_DYLIB_PATH`, then `options.library`, then beside the
/// running binary (and its `lib/`). The error lists where it looked.
pub fn locate_library(options: &RuntimeOptions) -> Result<PathBuf, InferError> {
    let env = std::env::var_os("ORT_DYLIB_PATH")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf));
    find_library(env, options.library.clone(), exe_dir)
}

/// [`locate_library`] with its three places given.
pub fn find_library(
    env: Option<PathBuf>,
    settings: Option<PathBuf>,
    exe_dir: Option<PathBuf>,
) -> Result<PathBuf, InferError> {
    let beside = exe_dir.into_iter().flat_map(|dir| [dir.join("lib"), dir]);
    let candidates: Vec<PathBuf> = env.into_iter().chain(settings).chain(beside).collect();
    candidates
        .iter()
        .find_map(|p| library_at(p))
        .ok_or(InferError::RuntimeMissing {
            searched: candidates,
        })
}

/// The loaded library and its environment (one per process).
pub struct Runtime {
    env: ort::environment::Environment,
    library: PathBuf,
    version: String,
    cuda_available: bool,
}

static RUNTIME: OnceLock<Runtime> = OnceLock::new();
static INIT: Mutex<()> = Mutex::new(());

impl Runtime {
    /// Loads the library once per process; later calls return the same runtime
    /// whatever their options say about the library (a process cannot swap it).
    /// A failure is not kept: the next call looks again (after Settings changed).
    pub fn get(options: &RuntimeOptions) -> Result<&'static Runtime, InferError> {
        let _guard = INIT.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(done) = RUNTIME.get() {
            return Ok(done);
        }
        let runtime = Self::load(locate_library(options)?)?;
        Ok(RUNTIME.get_or_init(|| runtime))
    }

    fn load(library: PathBuf) -> Result<Runtime, InferError> {
        let load_err = |detail: String| InferError::RuntimeLoad {
            path: library.clone(),
            detail,
        };
        let builder = ort::init_from(&library).map_err(|e| load_err(e.to_string()))?;
        let env = builder
            .with_name("shugu")
            .build()
            .map_err(|e| load_err(e.to_string()))?;
        let version = ort::info().to_owned();
        let cuda_available = ort::ep::CUDA::is_available().unwrap_or(false);
        Ok(Runtime {
            env,
            library,
            version,
            cuda_available,
        })
    }

    pub fn library(&self) -> &Path {
        &self.library
    }

    /// ONNX Runtime's build line (version, commit).
    pub fn build_info(&self) -> &str {
        &self.version
    }

    /// Whether the loaded library has the CUDA provider (`onnxruntime-gpu`).
    pub fn cuda_available(&self) -> bool {
        self.cuda_available
    }

    /// Opens a model file.
    pub fn open(&self, path: &Path, options: &RuntimeOptions) -> Result<OnnxModel, InferError> {
        if !path.is_file() {
            return Err(InferError::ModelMissing {
                path: path.to_path_buf(),
            });
        }
        let load_err = |detail: String| InferError::ModelLoad {
            path: path.to_path_buf(),
            detail,
        };
        if options.cuda && !self.cuda_available {
            return Err(load_err(format!(
                "CUDA was asked for, but {} has no CUDA provider: install the \
                 `onnxruntime-gpu` wheel (matching your CUDA and cuDNN) and point Shugu at \
                 its library, or run on the CPU",
                self.library.display()
            )));
        }
        let mut builder = Session::builder(&self.env)
            .and_then(|b| {
                b.with_optimization_level(GraphOptimizationLevel::All)
                    .map_err(Into::into)
            })
            .map_err(|e| load_err(e.to_string()))?;
        if let Some(n) = options.threads {
            builder = builder
                .with_intra_threads(n.max(1))
                .map_err(|e| load_err(e.to_string()))?;
        }
        if options.cuda {
            ort::ep::CUDA::default()
                .register(&mut builder)
                .map_err(|e| load_err(format!("the CUDA provider did not start: {e}")))?;
        }
        let session = builder
            .commit_from_file(path)
            .map_err(|e| load_err(e.to_string()))?;
        OnnxModel::new(path, session)
    }
}

/// One input or output: its name and shape (`None` for a dynamic dimension).
#[derive(Clone, Debug, PartialEq)]
pub struct TensorInfo {
    pub name: String,
    pub shape: Vec<Option<i64>>,
}

/// A tensor a model gave back.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

/// A model's session with what kind detection reads: inputs, outputs, metadata.
pub struct OnnxModel {
    path: PathBuf,
    session: Session,
    pub inputs: Vec<TensorInfo>,
    pub outputs: Vec<TensorInfo>,
    pub metadata: BTreeMap<String, String>,
}

impl OnnxModel {
    fn new(path: &Path, session: Session) -> Result<Self, InferError> {
        let info = |outlets: &[ort::value::Outlet]| -> Vec<TensorInfo> {
            outlets
                .iter()
                .map(|o| TensorInfo {
                    name: o.name().to_owned(),
                    shape: o
                        .dtype()
                        .tensor_shape()
                        .map(|s| s.iter().map(|&d| (d >= 0).then_some(d)).collect())
                        .unwrap_or_default(),
                })
                .collect()
        };
        let inputs = info(session.inputs());
        let outputs = info(session.outputs());
        let mut metadata = BTreeMap::new();
        if let Ok(meta) = session.metadata() {
            for key in meta.custom_keys().unwrap_or_default() {
                if let Some(value) = meta.custom(&key) {
                    metadata.insert(key, value);
                }
            }
        }
        Ok(OnnxModel {
            path: path.to_path_buf(),
            session,
            inputs,
            outputs,
            metadata,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs the model on one `f32` input of `shape`; returns every output as `f32`.
    pub fn run(&mut self, shape: [usize; 4], data: &[f32]) -> Result<Vec<Output>, InferError> {
        let path = self.path.clone();
        let err = |e: ort::Error| InferError::run(&path, e);
        let input = TensorRef::from_array_view((shape, data)).map_err(err)?;
        let outputs = self.session.run(ort::inputs![input]).map_err(err)?;
        let mut result = Vec::with_capacity(outputs.len());
        for (_, value) in outputs.iter() {
            let (shape, data) = value.try_extract_tensor::<f32>().map_err(err)?;
            result.push(Output {
                shape: shape.iter().map(|&d| d.max(0) as usize).collect(),
                data: data.to_vec(),
            });
        }
        Ok(result)
    }
}
