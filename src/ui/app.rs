//! The application: start screen or workspace, menus, settings, dialogs and
//! background jobs (export). Owns the settings and the keymap.

use super::dashboard::Dashboard;
use super::dataset_jobs::{
    DatasetFormat, DatasetJob, DatasetOutcome, ExportTarget, Pick, ReadPlan, multi_label_question,
    predictions_notice, yes_no_question,
};
use super::dialogs::Dialogs;
use super::i18n;
use super::keymap::{Action, KeyMap};
use super::packages::{PackagesDone, PackagesUi, merge_notice};
use super::settings::{Role, Settings};
use super::start_screen::{self, StartChoice};
use super::team::{self, PasswordPrompt, PromptAnswer};
use super::text_import::TextImportJob;
use super::worker::Worker;
use super::workspace::Workspace;
use super::{Startup, fonts, theme};
use crate::jobs::coco::{ExportReport, export_coco};
use crate::jobs::packages::{SplitOptions, merge_loaded};
use crate::jobs::predictions::{PredictionFormat, PredictionOptions, apply_predictions};
use crate::jobs::text::{TextExportFormat, export_text};
use crate::model::LabelSchema;
use crate::model::OffsetUnit;
use crate::project::{Access, Project};
use eframe::egui::{self, RichText};
use rust_i18n::t;
use std::path::{Path, PathBuf};

/// Where the app keeps its files; tests point these at a temporary folder.
#[derive(Clone, Debug, Default)]
pub struct AppConfig {
    pub settings_path: Option<PathBuf>,
    pub keymap_path: Option<PathBuf>,
    pub demo_projects: Vec<PathBuf>,
    /// A team project's password may come from `PGPASSWORD` and the
    /// password file (else it is asked for); off in tests, which always ask.
    pub pg_environment: bool,
}

impl AppConfig {
    pub fn from_environment() -> Self {
        Self {
            settings_path: Settings::default_path(),
            keymap_path: KeyMap::default_path(),
            demo_projects: start_screen::find_demo_projects(),
            pg_environment: true,
        }
    }
}

/// The folder that holds the project for a plain image folder opened directly.
pub const EMBEDDED_PROJECT_DIR: &str = ".shugu";

pub enum Screen {
    Start,
    Workspace(Box<Workspace>),
}

/// An export running on a worker thread; it ends with the notice to show.
struct ExportJob {
    output: PathBuf,
    worker: Worker<String>,
}

/// Predictions read on a worker thread, with the classes they name that the
/// project lacks (and how many predictions use each).
struct PendingClasses {
    read: PendingRead,
    path: PathBuf,
    unknown: Vec<(String, usize)>,
    /// The answer about `unknown`, once given.
    add_classes: Option<bool>,
    /// Images the read gives several image labels in a project that takes one.
    several_labels: usize,
}

impl PendingClasses {
    fn asks_classes(&self) -> bool {
        self.add_classes.is_none() && !self.unknown.is_empty()
    }

    fn asks_multi_label(&self) -> bool {
        !self.asks_classes() && self.several_labels > 0
    }
}

/// What waits in [`PendingClasses`]: predictions, or a dataset's plan.
enum PendingRead {
    Predictions {
        read: Box<crate::jobs::predictions::PredictionsRead>,
        source: String,
    },
    Dataset(Box<ReadPlan>),
}

pub struct ShuguApp {
    pub settings: Settings,
    pub config: AppConfig,
    pub keymap: KeyMap,
    dialogs: Box<dyn Dialogs>,
    pub screen: Screen,
    /// A plain image folder the user opened, waiting for "create a project here?".
    pub offer_create: Option<PathBuf>,
    /// The name being typed on first start.
    author_draft: String,
    show_settings: bool,
    /// The window title last set.
    pub shown_title: String,
    show_keys: bool,
    pub dashboard: Dashboard,
    export: Option<ExportJob>,
    /// A notice shown until dismissed (export results, open errors).
    pub notice: Option<String>,
    /// A text file being read into a new project.
    text_import: Option<TextImportJob>,
    /// Splitting into and merging work packages.
    packages: PackagesUi,
    /// A YOLO import being read, or a YOLO export being written.
    /// Read predictions that name classes the project lacks, waiting for the
    /// user to say whether to add them.
    pending_classes: Option<PendingClasses>,
    dataset_job: Option<DatasetJob>,
    /// A team project's password being asked for.
    pub password_prompt: Option<PasswordPrompt>,
}

impl ShuguApp {
    pub fn new(
        ctx: &egui::Context,
        config: AppConfig,
        dialogs: Box<dyn Dialogs>,
        startup: Startup,
    ) -> Self {
        fonts::install(ctx);
        theme::apply(ctx);
        let mut warnings = Vec::new();
        let settings = match &config.settings_path {
            Some(p) => {
                let (s, warning) = Settings::load(p);
                warnings.extend(warning);
                s
            }
            None => Settings::default(),
        };
        i18n::set_language(settings.effective_language());
        let keymap = match &config.keymap_path {
            Some(p) => {
                if let Err(e) = KeyMap::write_default_if_missing(p) {
                    warnings.push(e);
                }
                let (k, warning) = KeyMap::load_or_default(p);
                warnings.extend(warning);
                k
            }
            None => KeyMap::default(),
        };
        let mut app = Self {
            author_draft: String::new(),
            settings,
            config,
            keymap,
            dialogs,
            screen: Screen::Start,
            offer_create: None,
            show_settings: false,
            shown_title: String::new(),
            show_keys: false,
            dashboard: Dashboard::default(),
            export: None,
            notice: (!warnings.is_empty()).then(|| warnings.join("\n")),
            text_import: None,
            packages: PackagesUi::default(),
            pending_classes: None,
            dataset_job: None,
            password_prompt: None,
        };
        if let Startup::Open(dir) = startup {
            app.open_folder(ctx, &dir);
        }
        app
    }

    pub fn workspace(&self) -> Option<&Workspace> {
        match &self.screen {
            Screen::Workspace(ws) => Some(ws),
            Screen::Start => None,
        }
    }

    pub fn workspace_mut(&mut self) -> Option<&mut Workspace> {
        match &mut self.screen {
            Screen::Workspace(ws) => Some(ws),
            Screen::Start => None,
        }
    }

    fn save_settings(&mut self) {
        if let Some(p) = &self.config.settings_path
            && let Err(e) = self.settings.save(p)
        {
            self.notice = Some(e);
        }
    }

    fn author(&self) -> String {
        self.settings
            .author
            .clone()
            .unwrap_or_else(|| "annotator".into())
    }

    /// Opens a project folder, the project inside an image folder, or offers to
    /// create one for a plain image folder.
    pub fn open_folder(&mut self, ctx: &egui::Context, dir: &Path) {
        let embedded = dir.join(EMBEDDED_PROJECT_DIR);
        if Project::is_project_dir(dir) {
            self.open_project(ctx, dir);
        } else if Project::is_project_dir(&embedded) {
            self.open_project(ctx, &embedded);
        } else if dir.is_dir() {
            self.offer_create = Some(dir.to_path_buf());
        } else {
            self.notice = Some(format!("{}: {}", dir.display(), t!("error.open_project")));
        }
    }

    fn open_project(&mut self, ctx: &egui::Context, dir: &Path) {
        self.open_with_password(ctx, dir, None);
    }

    /// Opens a project; a team project whose server wants a password that
    /// nothing gave (or refused the one typed) asks for it.
    fn open_with_password(&mut self, ctx: &egui::Context, dir: &Path, password: Option<String>) {
        match team::open(dir, self.config.pg_environment, password) {
            Ok(project) => {
                self.password_prompt = None;
                self.enter(ctx, project, false);
            }
            Err(e) => match team::password_wanted(&e) {
                Some(target) => {
                    let typed = self.password_prompt.is_some();
                    let prompt = self
                        .password_prompt
                        .get_or_insert_with(|| PasswordPrompt::new(dir, target));
                    prompt.error = typed.then(|| e.to_string());
                }
                None => {
                    self.password_prompt = None;
                    self.notice = Some(e.to_string());
                }
            },
        }
    }

    /// Creates a project inside an image folder and starts scanning it.
    pub fn create_project_for(&mut self, ctx: &egui::Context, images: &Path) {
        let name = images
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project".into());
        let dir = images.join(EMBEDDED_PROJECT_DIR);
        match Project::create(&dir, &name, images, LabelSchema::default()) {
            Ok(project) => self.enter(ctx, project, true),
            Err(e) => self.notice = Some(e.to_string()),
        }
    }

    fn enter(&mut self, ctx: &egui::Context, mut project: Project, scan: bool) {
        project.set_author(&self.author());
        self.settings.add_recent(project.dir());
        self.save_settings();
        let budget = self.settings.texture_budget_mb.max(64) * 1024 * 1024;
        let mut ws = Workspace::new(project, ctx, budget);
        ws.text.reading_size = self.settings.reading_size;
        ws.recent = self.settings.recent_picks(ws.project.dir());
        if scan {
            ws.start_scan();
        } else {
            ws.start_rescan(ctx, false);
        }
        if self.settings.role == Role::Reviewer {
            ws.open_review_queue();
        }
        self.screen = Screen::Workspace(Box::new(ws));
    }

    fn start_export(&mut self) {
        let Some(ws) = self.workspace() else { return };
        let dir = ws.project.dir().to_path_buf();
        let text = ws.is_text();
        let (default, filter, extension) = if text {
            (
                format!("{}.jsonl", ws.project.name()),
                "JSON Lines",
                "jsonl",
            )
        } else {
            (
                format!("{}.coco.json", ws.project.name()),
                "COCO JSON",
                "json",
            )
        };
        let Some(output) =
            self.dialogs
                .save_file(&t!("export.title"), &default, filter, &[extension])
        else {
            return;
        };
        let out = output.clone();
        // The export reads its own read-only connection: every edit is already
        // committed, and the UI stays responsive while it runs.
        let worker = Worker::spawn("export", move |_| {
            match Project::open(&dir, Access::ReadOnly) {
                Err(e) => export_failed(&e),
                Ok(p) if text => {
                    match export_text(&p, &out, TextExportFormat::Jsonl, OffsetUnit::CodePoint) {
                        Ok(r) => t!(
                            "export.done_text",
                            path = out.display(),
                            texts = r.items,
                            spans = r.spans
                        )
                        .into_owned(),
                        Err(e) => export_failed(&e),
                    }
                }
                Ok(p) => match export_coco(&p, &out) {
                    Ok(r) => coco_notice(&out, &r),
                    Err(e) => export_failed(&e),
                },
            }
        });
        self.export = Some(ExportJob { output, worker });
    }

    fn poll_text_import(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.text_import else {
            return;
        };
        let Some(result) = job.poll() else {
            job.show(ctx);
            return;
        };
        self.text_import = None;
        match result {
            Ok((dir, notice)) => {
                self.open_folder(ctx, &dir);
                if notice.is_some() {
                    self.notice = notice;
                }
            }
            Err(e) => self.notice = Some(e),
        }
    }

    /// Asks where the packages go, gives the project its identity, and
    /// starts the split.
    fn start_split(&mut self, annotators: Vec<String>, overlap_percent: f64) {
        let Some(out_dir) = self.dialogs.pick_folder(&t!("packages.choose_output")) else {
            return;
        };
        let Some(ws) = self.workspace_mut() else {
            return;
        };
        if let Err(e) = ws.project.identity() {
            self.notice = Some(format!("{}: {e}", t!("packages.failed")));
            return;
        }
        let dir = ws.project.dir().to_path_buf();
        let options = SplitOptions {
            annotators,
            overlap_percent,
            out_dir,
        };
        self.packages.start_split(dir, options);
    }

    fn poll_packages(&mut self) {
        let Some(done) = self.packages.poll() else {
            return;
        };
        let notice = match done {
            PackagesDone::Notice(notice) => notice,
            PackagesDone::Loaded(Err(e)) => format!("{}: {e}", t!("packages.failed")),
            PackagesDone::Loaded(Ok(packages)) => match self.workspace_mut() {
                None => return,
                Some(ws) => match merge_loaded(&mut ws.project, &packages) {
                    Ok(merged) => merge_notice(&merged),
                    Err(e) => format!("{}: {e}", t!("packages.failed")),
                },
            },
        };
        self.notice = Some(notice);
    }

    fn start_dataset_import(&mut self, format: DatasetFormat, title: &str, pick: Pick) {
        let Some(ws) = self.workspace() else { return };
        let items = ws.project.items().to_vec();
        let image_root = ws.project.image_root();
        let schema = ws.project.schema().clone();
        let picked = match pick {
            Pick::File(filter, ext) => self.dialogs.pick_file(title, filter, &[ext]),
            Pick::Folder => self.dialogs.pick_folder(title),
        };
        if let Some(root) = picked {
            self.dataset_job = Some(DatasetJob::read(format, root, items, image_root, schema));
        }
    }

    /// File → Import predictions…: a COCO results file or a YOLO folder,
    /// read on a worker thread and stored as proposals.
    fn start_predictions_import(&mut self, format: PredictionFormat) {
        let Some(ws) = self.workspace() else { return };
        let items = ws.project.items().to_vec();
        let image_root = ws.project.image_root();
        let schema = ws.project.schema().clone();
        let title = t!("predictions.title");
        let picked = match format {
            PredictionFormat::CocoResults => self.dialogs.pick_file(&title, "JSON", &["json"]),
            PredictionFormat::Yolo => self.dialogs.pick_folder(&title),
        };
        if let Some(path) = picked {
            self.dataset_job = Some(DatasetJob::read_predictions(
                path, format, items, image_root, schema,
            ));
        }
    }

    fn start_dataset_export(&mut self, target: ExportTarget) {
        let Some(ws) = self.workspace() else { return };
        let dir = ws.project.dir().to_path_buf();
        let title = target.title();
        let picked = match target.file() {
            Some((filter, ext, name)) => self.dialogs.save_file(&title, name, filter, &[ext]),
            None => self.dialogs.pick_folder(&title),
        };
        if let Some(out) = picked {
            self.dataset_job = Some(DatasetJob::export(target, dir, out));
        }
    }

    /// Runs `job` as if picked from File → Import or Export: its progress
    /// window shows and those menus wait until it ends.
    pub fn run_dataset_job(&mut self, job: DatasetJob) {
        self.dataset_job = Some(job);
    }

    /// A finished read is stored here, on the UI thread, through the edit path.
    fn poll_dataset_job(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.dataset_job else {
            return;
        };
        let Some(outcome) = job.poll() else {
            job.show(ctx);
            return;
        };
        let folder = job.folder().to_path_buf();
        self.dataset_job = None;
        let Some(ws) = self.workspace() else { return };
        let schema = ws.project.schema();
        let pending = match outcome {
            DatasetOutcome::Notice(text) => {
                self.notice = Some(text);
                return;
            }
            DatasetOutcome::Read(plan) => PendingClasses {
                unknown: plan.unknown_classes(schema),
                several_labels: plan.images_with_several_labels(schema),
                read: PendingRead::Dataset(plan),
                path: folder,
                add_classes: None,
            },
            DatasetOutcome::Predictions { read, source } => PendingClasses {
                unknown: read.unknown_classes(schema),
                read: PendingRead::Predictions { read, source },
                path: folder,
                add_classes: None,
                several_labels: 0,
            },
        };
        self.ask_or_store(pending);
    }

    /// Keeps a read for the next question, or stores it when none is left.
    fn ask_or_store(&mut self, pending: PendingClasses) {
        if pending.asks_classes() || pending.asks_multi_label() {
            self.pending_classes = Some(pending);
        } else {
            self.notice = Some(self.store_read(pending, false));
        }
    }

    /// Whether read predictions wait for the user to say whether to add the
    /// classes they name that the project lacks.
    pub fn asks_about_unknown_classes(&self) -> bool {
        self.pending_classes
            .as_ref()
            .is_some_and(PendingClasses::asks_classes)
    }

    /// Whether a read dataset waits for the user to say whether to switch
    /// the project to several image labels per image.
    pub fn asks_about_multi_label(&self) -> bool {
        self.pending_classes
            .as_ref()
            .is_some_and(PendingClasses::asks_multi_label)
    }

    /// Stores read predictions as proposals, or a read dataset, adding the
    /// classes the project lacks or leaving their boxes out, and switching
    /// the project to multi-label if `multi_label`; returns the notice.
    fn store_read(&mut self, pending: PendingClasses, multi_label: bool) -> String {
        let add_classes = pending.add_classes.unwrap_or(false);
        let Some(ws) = self.workspace_mut() else {
            return String::new();
        };
        match pending.read {
            PendingRead::Predictions { read, source } => {
                let options = PredictionOptions {
                    add_unknown_classes: add_classes,
                    ..PredictionOptions::default()
                };
                match apply_predictions(&mut ws.project, *read, &source, options) {
                    Ok(report) => predictions_notice(&pending.path, &report),
                    Err(e) => format!("{}: {e}", t!("predictions.failed")),
                }
            }
            PendingRead::Dataset(plan) => plan.apply(
                &mut ws.project,
                &pending.path,
                &pending.unknown,
                add_classes,
                multi_label,
            ),
        }
    }

    /// Asks whether to add the classes read predictions name and the project
    /// lacks, then stores them either way (or not at all, on cancel).
    fn unknown_classes_window(&mut self, ctx: &egui::Context) {
        let Some(pending) = self.pending_classes.as_ref().filter(|p| p.asks_classes()) else {
            return;
        };
        let names: Vec<String> = pending
            .unknown
            .iter()
            .map(|(name, n)| format!("{name} ({n})"))
            .collect();
        let (title, question) = match &pending.read {
            PendingRead::Predictions { .. } => (
                t!("predictions.title").into_owned(),
                t!("predictions.unknown_classes", names = names.join(", ")),
            ),
            PendingRead::Dataset(plan) => (
                plan.format().import_title(),
                t!("dataset.unknown_classes", names = names.join(", ")),
            ),
        };
        let choice = yes_no_question(
            ctx,
            ("unknown_prediction_classes", &title),
            &question,
            &t!("predictions.add_classes"),
            &t!("predictions.without_classes"),
        );
        let Some(choice) = choice else { return };
        if let Some(mut pending) = self.pending_classes.take()
            && let Some(add) = choice
        {
            pending.add_classes = Some(add);
            self.ask_or_store(pending);
        }
    }

    /// Asks whether to switch the project to multi-label because a read
    /// dataset gives images several image labels, then stores it either way
    /// (or not at all, on cancel).
    fn multi_label_window(&mut self, ctx: &egui::Context) {
        let Some(pending) = self
            .pending_classes
            .as_ref()
            .filter(|p| p.asks_multi_label())
        else {
            return;
        };
        let title = match &pending.read {
            PendingRead::Dataset(plan) => plan.format().import_title(),
            PendingRead::Predictions { .. } => t!("predictions.title").into_owned(),
        };
        let Some(choice) = multi_label_question(ctx, &title, pending.several_labels) else {
            return;
        };
        if let Some(pending) = self.pending_classes.take()
            && let Some(switch) = choice
        {
            self.notice = Some(self.store_read(pending, switch));
        }
    }

    fn poll_export(&mut self) {
        let Some(end) = self.export.as_mut().and_then(|job| job.worker.poll()) else {
            return;
        };
        self.notice = Some(end.unwrap_or_else(|e| export_failed(&e)));
        self.export = None;
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(t!("menu.file"), |ui| {
                if ui.button(t!("menu.new_project")).clicked() {
                    self.start_choice(&ctx, StartChoice::NewFromFolder);
                }
                if ui.button(t!("start.new_from_text")).clicked() {
                    self.start_choice(&ctx, StartChoice::NewFromTextFile);
                }
                if ui.button(t!("menu.open_project")).clicked() {
                    self.start_choice(&ctx, StartChoice::OpenFolder);
                }
                let open = self.workspace().is_some();
                let writable = self.workspace().is_some_and(|w| !w.project.is_read_only());
                let free = writable && !self.packages.busy();
                let images = self.workspace().is_some_and(|w| !w.is_text());
                let idle = self.dataset_job.is_none() && self.export.is_none();
                let scanning = self.workspace().is_some_and(|w| w.scan.is_some());
                if ui
                    .add_enabled(
                        images && writable && !scanning,
                        egui::Button::new(t!("menu.rescan")),
                    )
                    .clicked()
                    && let Some(ws) = self.workspace_mut()
                {
                    ws.start_rescan(&ctx, true);
                }
                let formats = [
                    (DatasetFormat::Yolo, t!("menu.export_yolo")),
                    (DatasetFormat::Voc, t!("menu.export_voc")),
                    (DatasetFormat::Cvat, t!("menu.export_cvat")),
                    (DatasetFormat::Labelme, t!("menu.export_labelme")),
                    (DatasetFormat::LabelStudio, t!("menu.export_label_studio")),
                ];
                ui.add_enabled_ui(open, |ui| {
                    ui.menu_button(t!("menu.import"), |ui| {
                        for (format, _) in &formats {
                            for (label, title, pick) in format.import_entries() {
                                if ui
                                    .add_enabled(images && idle, egui::Button::new(label))
                                    .clicked()
                                {
                                    self.start_dataset_import(*format, &title, pick);
                                }
                            }
                        }
                        ui.separator();
                        for (format, label) in [
                            (
                                PredictionFormat::CocoResults,
                                t!("menu.import_coco_results"),
                            ),
                            (PredictionFormat::Yolo, t!("menu.import_yolo_predictions")),
                        ] {
                            if ui
                                .add_enabled(images && idle && free, egui::Button::new(label))
                                .clicked()
                            {
                                self.start_predictions_import(format);
                            }
                        }
                    });
                    ui.menu_button(t!("menu.export"), |ui| {
                        if ui
                            .add_enabled(
                                self.export.is_none(),
                                egui::Button::new(
                                    if self.workspace().is_some_and(|w| w.is_text()) {
                                        t!("menu.export_jsonl")
                                    } else {
                                        t!("menu.export_coco")
                                    },
                                ),
                            )
                            .clicked()
                        {
                            self.start_export();
                        }
                        for (format, export) in &formats {
                            if ui
                                .add_enabled(images && idle, egui::Button::new(export.as_ref()))
                                .clicked()
                            {
                                self.start_dataset_export(ExportTarget::Dataset(*format));
                            }
                        }
                        if ui
                            .add_enabled(
                                images && idle,
                                egui::Button::new(t!("menu.export_yolo_cls")),
                            )
                            .clicked()
                        {
                            self.start_dataset_export(ExportTarget::YoloClassify);
                        }
                    });
                });
                ui.separator();
                if ui
                    .add_enabled(free, egui::Button::new(t!("menu.split_packages")))
                    .clicked()
                {
                    self.packages.open_split_form();
                }
                if ui
                    .add_enabled(free, egui::Button::new(t!("menu.merge_packages")))
                    .clicked()
                    && let Some(picked) = self.dialogs.pick_folder(&t!("packages.choose_merge"))
                {
                    self.packages.start_loading(picked);
                }
                ui.separator();
                if ui
                    .add_enabled(open, egui::Button::new(t!("menu.close_project")))
                    .clicked()
                {
                    self.screen = Screen::Start;
                }
                if ui.button(t!("menu.quit")).clicked() {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button(t!("menu.edit"), |ui| {
                let keys = &self.keymap;
                let undo_text = format!(
                    "{}    {}",
                    t!("menu.undo"),
                    keys.shortcut_text(Action::Undo)
                );
                let redo_text = format!(
                    "{}    {}",
                    t!("menu.redo"),
                    keys.shortcut_text(Action::Redo)
                );
                if let Screen::Workspace(ws) = &mut self.screen {
                    if ui
                        .add_enabled(ws.project.can_undo(), egui::Button::new(undo_text))
                        .clicked()
                    {
                        ws.undo();
                    }
                    if ui
                        .add_enabled(ws.project.can_redo(), egui::Button::new(redo_text))
                        .clicked()
                    {
                        ws.redo();
                    }
                }
            });
            ui.menu_button(t!("menu.view"), |ui| {
                if ui.button(t!("menu.fit")).clicked()
                    && let Some(ws) = self.workspace_mut()
                {
                    ws.canvas.fit_pending = true;
                }
                let open = self.workspace().is_some();
                if ui
                    .add_enabled(open, egui::Button::new(t!("menu.dashboard")))
                    .clicked()
                {
                    self.dashboard.open = true;
                }
            });
            if ui.button(t!("menu.settings")).clicked() {
                self.show_settings = true;
            }
            ui.menu_button(t!("menu.help"), |ui| {
                if ui.button(t!("menu.keys")).clicked() {
                    self.show_keys = true;
                }
            });
            if self.packages.busy() {
                ui.separator();
                ui.add(egui::Spinner::new());
                ui.label(t!("packages.working"));
            }
            if let Some(job) = &self.export {
                ui.separator();
                ui.add(egui::Spinner::new());
                ui.label(format!("{} {}", t!("export.title"), job.output.display()));
            }
        });
    }

    fn start_choice(&mut self, ctx: &egui::Context, choice: StartChoice) {
        match choice {
            StartChoice::Open(dir) => self.open_folder(ctx, &dir),
            StartChoice::NewFromFolder => {
                if let Some(dir) = self.dialogs.pick_folder(&t!("start.new_from_folder")) {
                    self.create_or_open(ctx, &dir);
                }
            }
            StartChoice::NewFromTextFile => {
                let extensions = ["jsonl", "ndjson", "csv", "tsv", "txt"];
                if self.text_import.is_none()
                    && let Some(file) =
                        self.dialogs
                            .pick_file(&t!("start.new_from_text"), "Texts", &extensions)
                {
                    self.text_import = Some(TextImportJob::start(file));
                }
            }
            StartChoice::OpenFolder => {
                if let Some(dir) = self.dialogs.pick_folder(&t!("start.open_project")) {
                    self.open_folder(ctx, &dir);
                }
            }
        }
    }

    fn create_or_open(&mut self, ctx: &egui::Context, images: &Path) {
        if Project::is_project_dir(&images.join(EMBEDDED_PROJECT_DIR))
            || Project::is_project_dir(images)
        {
            self.open_folder(ctx, images);
        } else {
            self.create_project_for(ctx, images);
        }
    }

    fn modals(&mut self, ctx: &egui::Context) {
        if self.settings.author.is_none() {
            egui::Window::new(t!("app.title"))
                .id(egui::Id::unique("author_prompt"))
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
                .show(ctx, |ui| {
                    let prompt = ui.label(t!("start.author_prompt"));
                    let edit = ui
                        .add(
                            egui::TextEdit::singleline(&mut self.author_draft)
                                .hint_text(t!("start.author_placeholder")),
                        )
                        .labelled_by(prompt.id);
                    let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if (ui.button(t!("start.continue")).clicked() || enter)
                        && !self.author_draft.trim().is_empty()
                    {
                        self.settings.author = Some(self.author_draft.trim().to_string());
                        self.save_settings();
                        let author = self.author();
                        if let Some(ws) = self.workspace_mut() {
                            ws.project.set_author(&author);
                        }
                    }
                });
        }
        if let Some(prompt) = &mut self.password_prompt {
            match prompt.show(ctx) {
                Some(PromptAnswer::Open(password)) => {
                    let dir = prompt.dir.clone();
                    self.open_with_password(ctx, &dir, Some(password));
                }
                Some(PromptAnswer::Cancel) => self.password_prompt = None,
                None => {}
            }
        }
        if let Some(dir) = self.offer_create.clone() {
            egui::Window::new(t!("app.title"))
                .id(egui::Id::unique("offer_create"))
                .collapsible(false)
                .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
                .show(ctx, |ui| {
                    ui.label(t!("project.offer_create"));
                    ui.label(RichText::new(dir.display().to_string()).monospace());
                    ui.horizontal(|ui| {
                        if ui.button(t!("project.create")).clicked() {
                            self.offer_create = None;
                            self.create_project_for(ctx, &dir);
                        }
                        if ui.button(t!("project.cancel")).clicked() {
                            self.offer_create = None;
                        }
                    });
                });
        }
        if self.show_settings {
            let mut open = true;
            egui::Window::new(t!("settings.title"))
                .open(&mut open)
                .show(ctx, |ui| {
                    self.settings_ui(ui);
                });
            self.show_settings = open;
        }
        if self.show_keys {
            let mut open = true;
            egui::Window::new(t!("keys.title"))
                .open(&mut open)
                .show(ctx, |ui| {
                    egui::Grid::new("keys").striped(true).show(ui, |ui| {
                        for action in Action::ALL {
                            ui.label(t!(action.label_key()));
                            ui.label(RichText::new(self.keymap.shortcut_text(action)).monospace());
                            ui.end_row();
                        }
                    });
                    if let Some(p) = &self.config.keymap_path {
                        ui.label(
                            RichText::new(format!(
                                "{}: {}",
                                t!("settings.keymap_file"),
                                p.display()
                            ))
                            .weak(),
                        );
                    }
                });
            self.show_keys = open;
        }
        self.unknown_classes_window(ctx);
        self.multi_label_window(ctx);
        if let Some(notice) = self.notice.clone() {
            egui::Window::new(t!("app.title"))
                .id(egui::Id::unique("notice"))
                .collapsible(false)
                .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -40.0])
                .show(ctx, |ui| {
                    ui.label(notice);
                    if ui.button("OK").clicked() {
                        self.notice = None;
                    }
                });
        }
    }

    fn settings_ui(&mut self, ui: &mut egui::Ui) {
        let mut changed = false;
        ui.horizontal(|ui| {
            let mut lang = self.settings.effective_language();
            egui::ComboBox::from_label(t!("settings.language"))
                .selected_text(lang.native_name())
                .show_ui(ui, |ui| {
                    for l in i18n::Language::ALL {
                        changed |= ui.selectable_value(&mut lang, l, l.native_name()).changed();
                    }
                });
            if changed {
                self.settings.language = Some(lang);
                i18n::set_language(lang);
            }
        });
        ui.horizontal(|ui| {
            ui.label(t!("settings.role"));
            changed |= ui
                .radio_value(
                    &mut self.settings.role,
                    Role::Annotator,
                    t!("role.annotator"),
                )
                .changed();
            changed |= ui
                .radio_value(&mut self.settings.role, Role::Reviewer, t!("role.reviewer"))
                .changed();
        });
        ui.horizontal(|ui| {
            let caption = ui.label(t!("settings.reading_size"));
            let mut size = self.settings.reading_size;
            let slider =
                egui::Slider::new(&mut size, theme::READING_SIZE_MIN..=theme::READING_SIZE_MAX)
                    .step_by(0.5);
            if ui.add(slider).labelled_by(caption.id).changed() {
                let size = theme::reading_size(size);
                self.settings.reading_size = size;
                if let Some(ws) = self.workspace_mut() {
                    ws.text.reading_size = size;
                }
                changed = true;
            }
        });
        ui.horizontal(|ui| {
            let caption = ui.label(t!("settings.author"));
            let mut author = self.settings.author.clone().unwrap_or_default();
            let field = ui.text_edit_singleline(&mut author).labelled_by(caption.id);
            if field.changed() && !author.trim().is_empty() {
                self.settings.author = Some(author.trim().to_string());
                changed = true;
            }
        });
        if changed {
            self.save_settings();
            let author = self.author();
            if let Some(ws) = self.workspace_mut() {
                ws.project.set_author(&author);
            }
        }
    }

    /// The window title: the project, whether it is read-only, and the role,
    /// so a reviewer always knows they are reviewing.
    fn window_title(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(ws) = self.workspace() {
            parts.push(ws.project.name().to_string());
            if ws.project.is_read_only() {
                parts.push(t!("status.read_only").into_owned());
            }
        }
        if self.settings.role == Role::Reviewer {
            parts.push(t!("role.reviewer_mode").into_owned());
        }
        parts.push("Shugu 数谷标注".to_string());
        parts.join(" — ")
    }

    /// One frame of the whole UI; also what the tests drive.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_export();
        self.poll_packages();
        self.poll_text_import(&ctx);
        self.poll_dataset_job(&ctx);
        let title = self.window_title();
        // Only on change: a viewport command asks for another frame.
        if self.shown_title != title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.shown_title = title;
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        // What the document's size became this frame (keys, Ctrl+wheel).
        let mut reading_size = self.settings.reading_size;
        // The classes the picker should put first, when they changed.
        let mut recent_picks = None;
        let modal_open = self.settings.author.is_none()
            || self.offer_create.is_some()
            || self.password_prompt.is_some();
        match &mut self.screen {
            Screen::Start => {
                let recent = self.settings.recent_projects.clone();
                let demos = self.config.demo_projects.clone();
                let choice = egui::CentralPanel::default()
                    .show(ui, |ui| start_screen::show(ui, &recent, &demos))
                    .inner;
                if let Some(choice) = choice {
                    self.start_choice(&ctx, choice);
                }
            }
            Screen::Workspace(ws) => {
                ws.reviewer = self.settings.role == Role::Reviewer;
                if !modal_open {
                    let actions = ws.handle_keys(&ctx, &self.keymap);
                    if actions.contains(&Action::ToggleHelp) {
                        self.show_keys = !self.show_keys;
                    }
                    if actions.contains(&Action::ToggleDashboard) {
                        self.dashboard.open = !self.dashboard.open;
                    }
                    for &action in &actions {
                        if ws.is_text() {
                            ws.text.reading_key(action);
                        } else {
                            zoom_window(&ctx, action);
                        }
                    }
                }
                ws.ui(ui);
                self.dashboard.show(&ctx, &ws.project);
                reading_size = ws.text.reading_size;
                if std::mem::take(&mut ws.recent_changed) {
                    recent_picks = Some((ws.project.dir().to_path_buf(), ws.recent.clone()));
                }
            }
        }
        if reading_size != self.settings.reading_size {
            self.settings.reading_size = reading_size;
            self.save_settings();
        }
        if let Some((dir, picks)) = recent_picks {
            self.settings.set_recent_picks(&dir, picks);
            self.save_settings();
        }
        self.modals(&ctx);
        if let Some((names, overlap)) = self.packages.form_ui(&ctx) {
            self.start_split(names, overlap);
        }
        if self.export.is_some() || self.packages.busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }
}

impl eframe::App for ShuguApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }
}

/// The reading-size keys in an image project: they zoom the whole window,
/// as egui's own Ctrl+plus/minus/0 would.
fn zoom_window(ctx: &egui::Context, action: Action) {
    match action {
        Action::ReadingLarger => egui::gui_zoom::zoom_in(ctx),
        Action::ReadingSmaller => egui::gui_zoom::zoom_out(ctx),
        Action::ReadingReset => ctx.set_zoom_factor(1.0),
        _ => {}
    }
}

fn export_failed(e: &dyn std::fmt::Display) -> String {
    format!("{}: {e}", t!("export.failed"))
}

/// What a COCO export wrote and left out, for the notice.
fn coco_notice(out: &std::path::Path, r: &ExportReport) -> String {
    let mut text = t!(
        "export.done",
        path = out.display(),
        images = r.images,
        annotations = r.annotations
    )
    .into_owned();
    if let Some(kept) = &r.labels_file_kept {
        text.push('\n');
        text.push_str(&t!("export.labels_kept", path = kept.display()));
    }
    let annotation_notes = |notes: &[crate::jobs::coco::ExportNote]| -> Vec<(String, String)> {
        notes
            .iter()
            .map(|n| (format!("annotation {}", n.annotation), n.reason.clone()))
            .collect()
    };
    super::dataset_jobs::push_notes(&mut text, "export.left_out", &r.left_out);
    super::dataset_jobs::push_notes(
        &mut text,
        "export.left_out_annotations",
        &annotation_notes(&r.left_out_annotations),
    );
    super::dataset_jobs::push_notes(
        &mut text,
        "export.converted",
        &annotation_notes(&r.converted),
    );
    text
}
