//! The AI menu (智能标注): the model list (`models.ron` beside the settings),
//! adding a model file or an X-AnyLabeling YAML, running the chosen model on
//! the current image (a key) or over the item list's current filter (all,
//! new, unlabelled) with progress, ETA and cancel.
//!
//! The model runs on worker threads ([`PredictRun`]); each finished image's
//! proposals are stored here on the UI thread through the edit path, a few
//! per frame, so the window stays responsive and a cancel keeps what finished.

mod menu;
mod progress;

pub use menu::{AiRequest, ai_menu};

use super::dialogs::Dialogs;
use super::settings::Settings;
use super::workspace::Workspace;
use crate::infer::catalog::{ModelEntry, ModelKind, ModelList, import_xanylabeling_yaml};
use crate::infer::open_predictor;
use crate::infer::runtime::RuntimeOptions;
use crate::jobs::predict::{
    ItemFilter, PredictReport, PredictRun, PredictTask, select_tasks, store_result,
};
use eframe::egui;
use rust_i18n::t;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a frame may spend storing finished images.
const STORE_BUDGET: Duration = Duration::from_millis(6);

/// The model list's file name, in the settings folder.
pub const MODEL_LIST_FILE: &str = "models.ron";

/// A run in progress.
struct AiRun {
    run: PredictRun,
    report: PredictReport,
    /// The project it stores into: another project open means it stops.
    project_dir: PathBuf,
    /// A batch shows its window; a run on the current image only a spinner.
    batch: bool,
}

#[derive(Default)]
pub struct AiAssist {
    list_path: Option<PathBuf>,
    pub models: ModelList,
    run: Option<AiRun>,
}

impl AiAssist {
    /// The model list beside `settings_path`; a list that cannot be read is
    /// empty, and the warning says why.
    pub fn load(settings_path: Option<&Path>) -> (AiAssist, Option<String>) {
        let list_path = settings_path.map(|p| p.with_file_name(MODEL_LIST_FILE));
        let (models, warning) = match &list_path {
            Some(p) => match ModelList::load(p) {
                Ok(list) => (list, None),
                Err(e) => (ModelList::default(), Some(e.to_string())),
            },
            None => (ModelList::default(), None),
        };
        let ai = AiAssist {
            list_path,
            models,
            run: None,
        };
        (ai, warning)
    }

    pub fn is_running(&self) -> bool {
        self.run.is_some()
    }

    /// Images done and in all, while a run goes on.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.run.as_ref().map(|r| (r.run.done(), r.run.total()))
    }

    /// The chosen model: the one the settings name, else the first.
    pub fn chosen<'a>(&'a self, settings: &Settings) -> Option<&'a ModelEntry> {
        settings
            .ai_model
            .as_deref()
            .and_then(|name| self.models.find(name))
            .or_else(|| self.models.models.first())
    }

    /// Does what the menu or a key asked; returns a notice to show.
    pub fn handle(
        &mut self,
        request: AiRequest,
        dialogs: &mut dyn Dialogs,
        settings: &mut Settings,
        workspace: Option<&mut Workspace>,
    ) -> Option<String> {
        match request {
            AiRequest::Choose(name) => {
                settings.ai_model = Some(name);
                None
            }
            AiRequest::AddModelFile => {
                let path = dialogs.pick_file(&t!("ai.add_model"), "ONNX", &["onnx"])?;
                self.add(model_file_entry(path), settings)
            }
            AiRequest::ImportYaml => {
                let path = dialogs.pick_file(&t!("ai.import_yaml"), "YAML", &["yaml", "yml"])?;
                match import_xanylabeling_yaml(&path) {
                    Ok(entry) => self.add(entry, settings),
                    Err(e) => Some(e.to_string()),
                }
            }
            AiRequest::Cancel => {
                if let Some(r) = &self.run {
                    r.run.cancel();
                }
                None
            }
            AiRequest::RunCurrent => {
                let ws = workspace?;
                let item = ws.current.and_then(|i| ws.project.items().get(i))?;
                let task = PredictTask {
                    item: item.id,
                    path: ws.project.item_path(item),
                    key: item.rel_path.clone(),
                };
                self.start(vec![task], false, settings, ws)
            }
            AiRequest::RunBatch(filter) => {
                let ws = workspace?;
                self.start_batch(filter, settings, ws)
            }
        }
    }

    fn start_batch(
        &mut self,
        filter: ItemFilter,
        settings: &Settings,
        ws: &mut Workspace,
    ) -> Option<String> {
        let within = ws.items.visible(&ws.project).to_vec();
        match select_tasks(&ws.project, filter, Some(&within)) {
            Ok(tasks) if tasks.is_empty() => Some(t!("ai.nothing_to_run").into_owned()),
            Ok(tasks) => self.start(tasks, true, settings, ws),
            Err(e) => Some(e.to_string()),
        }
    }

    fn start(
        &mut self,
        tasks: Vec<PredictTask>,
        batch: bool,
        settings: &Settings,
        ws: &Workspace,
    ) -> Option<String> {
        if self.run.is_some() {
            return Some(t!("ai.busy").into_owned());
        }
        if ws.project.is_read_only() {
            return Some(t!("ai.read_only").into_owned());
        }
        let Some(entry) = self.chosen(settings).cloned() else {
            return Some(t!("ai.no_model").into_owned());
        };
        let runtime = RuntimeOptions {
            library: settings.onnxruntime_library.clone(),
            ..RuntimeOptions::default()
        };
        let source = entry.source_name();
        let decoders = crate::jobs::predict::default_decoders();
        let run = PredictRun::open_and_start(
            source,
            Box::new(move || open_predictor(&entry, &runtime)),
            tasks,
            decoders,
        );
        self.run = Some(AiRun {
            report: PredictReport::new(&run),
            run,
            project_dir: ws.project.dir().to_path_buf(),
            batch,
        });
        None
    }

    fn add(&mut self, entry: ModelEntry, settings: &mut Settings) -> Option<String> {
        let name = unique_name(&self.models, &entry.name);
        self.models.models.push(ModelEntry {
            name: name.clone(),
            ..entry
        });
        settings.ai_model = Some(name);
        match &self.list_path {
            Some(p) => self.models.save(p).err().map(|e| e.to_string()),
            None => None,
        }
    }

    /// Stores what finished since the last frame (within a time budget) and
    /// shows the batch window; returns the notice a finished run leaves.
    pub fn poll(
        &mut self,
        ctx: &egui::Context,
        workspace: Option<&mut Workspace>,
    ) -> Option<String> {
        let ai = self.run.as_mut()?;
        let Some(ws) = workspace.filter(|ws| ws.project.dir() == ai.project_dir) else {
            // The project was closed or lent to an import: stop; what was
            // stored stays.
            ai.run.cancel();
            let notice = progress::finished_notice(&ai.report);
            self.run = None;
            return Some(notice);
        };
        let started = Instant::now();
        let source = ai.run.source().to_owned();
        while started.elapsed() < STORE_BUDGET {
            let Some(result) = ai.run.try_next() else {
                break;
            };
            match store_result(&mut ws.project, result, &source) {
                Ok(stored) => ai.report.add(stored),
                Err(e) => {
                    ai.run.cancel();
                    ws.message = Some(e.to_string());
                }
            }
        }
        if ai.batch && progress::window(ctx, &ai.run, &source) {
            ai.run.cancel();
        }
        ctx.request_repaint_after(Duration::from_millis(50));
        if !ai.run.is_finished() {
            return None;
        }
        ai.report.finish(&ai.run);
        let notice = progress::finished_notice(&ai.report);
        self.run = None;
        Some(notice)
    }
}

/// Settings → ONNX Runtime library: the file or the folder holding it;
/// returns whether it changed.
pub fn library_setting(ui: &mut egui::Ui, settings: &mut Settings) -> bool {
    ui.horizontal(|ui| {
        let caption = ui.label(t!("settings.onnxruntime"));
        let mut path = settings
            .onnxruntime_library
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let field = ui
            .add(egui::TextEdit::singleline(&mut path).hint_text(t!("settings.onnxruntime_hint")))
            .labelled_by(caption.id);
        if field.changed() {
            let path = path.trim();
            settings.onnxruntime_library = (!path.is_empty()).then(|| PathBuf::from(path));
        }
        field.changed()
    })
    .inner
}

/// An entry for a model file the user picked. A PP-OCR detection model
/// (`*_det_*.onnx`) with its recognition model beside it (`*_rec_*`, as the
/// rapidocr wheel ships them) becomes OCR with both.
fn model_file_entry(path: PathBuf) -> ModelEntry {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let rec = name
        .contains("_det")
        .then(|| path.with_file_name(name.replacen("_det", "_rec", 1)))
        .filter(|rec| rec.is_file());
    ModelEntry::for_file(path, rec, ModelKind::Auto)
}

/// `name`, or `name (2)`, `name (3)`… when the list has it already.
fn unique_name(list: &ModelList, name: &str) -> String {
    let base = if name.trim().is_empty() {
        "model"
    } else {
        name
    };
    if list.find(base).is_none() {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base} ({n})"))
        .find(|n| list.find(n).is_none())
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_det_model_beside_its_rec_model_is_ocr_with_both() {
        let dir = tempfile::tempdir().unwrap();
        let det = dir.path().join("ch_PP-OCRv4_det_infer.onnx");
        let rec = dir.path().join("ch_PP-OCRv4_rec_infer.onnx");
        std::fs::write(&det, b"x").unwrap();
        assert_eq!(model_file_entry(det.clone()).files.rec, None);
        std::fs::write(&rec, b"x").unwrap();
        let entry = model_file_entry(det);
        assert_eq!(entry.kind, ModelKind::Ocr);
        assert_eq!(entry.files.rec, Some(rec));
        assert_eq!(entry.name, "ch_PP-OCRv4_det_infer");
    }

    #[test]
    fn names_stay_unique() {
        let mut list = ModelList::default();
        assert_eq!(unique_name(&list, "ocr"), "ocr");
        list.models.push(ModelEntry {
            name: "ocr".into(),
            ..ModelEntry::default()
        });
        assert_eq!(unique_name(&list, "ocr"), "ocr (2)");
    }
}
