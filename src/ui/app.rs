//! The application: start screen or workspace, menus, settings, dialogs and
//! background jobs (export). Owns the settings and the keymap.

use super::ai_assist::{AiAssist, AiRequest, ai_menu, library_setting};
use super::dashboard::Dashboard;
use super::dataset_jobs::{
    DatasetJob, DatasetOutcome, Snapshot, multi_label_question, yes_no_question,
};
use super::dataset_notices::import_notice;
use super::dialogs::Dialogs;
use super::format_menu::{MenuEntry, Pick, menu_entries};
use super::i18n;
use super::image_folder::{ImagesAction, UnreachableImages};
use super::keymap::{Action, KeyMap};
use super::packages::{PackagesDone, PackagesUi, merge_notice};
use super::settings::{Role, Settings};
use super::start_screen::{self, StartChoice};
use super::team::{self, PasswordPrompt, PromptAnswer};
use super::text_import::TextImportJob;
use super::workspace::Workspace;
use super::{Startup, fonts, theme};
use crate::jobs::packages::{SplitOptions, merge_loaded};
use crate::jobs::registry::{Direction, ImportPlan, Importer};
use crate::model::LabelSchema;
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

/// A read dataset waiting for the answers to what the import asks: the
/// classes and image labels it names that the project lacks, then whether to
/// switch the project to several image labels per image.
struct PendingImport {
    plan: Box<ImportPlan>,
    entry: MenuEntry,
    unknown: Vec<(String, usize)>,
    /// Images given several image labels in a single-label project, once
    /// what the project lacks is settled.
    several_labels: Option<usize>,
}

impl PendingImport {
    fn asks_classes(&self) -> bool {
        self.several_labels.is_none()
    }

    fn asks_multi_label(&self) -> bool {
        self.several_labels.is_some_and(|n| n > 0)
    }
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
    /// A notice shown until dismissed (export results, open errors).
    pub notice: Option<String>,
    /// A text file being read into a new project.
    text_import: Option<TextImportJob>,
    /// Splitting into and merging work packages.
    packages: PackagesUi,
    /// A read dataset waiting for the answers to its questions.
    pending_import: Option<PendingImport>,
    /// An import being read or stored, or an export being written.
    dataset_job: Option<DatasetJob>,
    /// A team project's password being asked for.
    pub password_prompt: Option<PasswordPrompt>,
    /// The open project's image folder, which this workstation cannot reach.
    pub unreachable_images: Option<UnreachableImages>,
    /// The AI menu: the model list and a model run in progress.
    pub ai: AiAssist,
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
        let (ai, warning) = AiAssist::load(config.settings_path.as_deref());
        warnings.extend(warning);
        let mut app = Self {
            ai,
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
            notice: (!warnings.is_empty()).then(|| warnings.join("\n")),
            text_import: None,
            packages: PackagesUi::default(),
            pending_import: None,
            dataset_job: None,
            password_prompt: None,
            unreachable_images: None,
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

    /// Does what the AI menu or its keys asked.
    pub fn ai_request(&mut self, request: AiRequest) {
        let before = (self.settings.ai_model.clone(), self.ai.models.models.len());
        let ws = match &mut self.screen {
            Screen::Workspace(ws) => Some(ws.as_mut()),
            Screen::Start => None,
        };
        if let Some(notice) = self
            .ai
            .handle(request, self.dialogs.as_mut(), &mut self.settings, ws)
        {
            self.notice = Some(notice);
        }
        if before != (self.settings.ai_model.clone(), self.ai.models.models.len()) {
            self.save_settings();
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
        project.set_image_map(self.settings.image_map());
        self.settings.add_recent(project.dir());
        self.save_settings();
        let budget = self.settings.texture_budget_mb.max(64) * 1024 * 1024;
        let mut ws = Workspace::new(project, ctx, budget);
        ws.text.reading_size = self.settings.reading_size;
        ws.recent = self.settings.recent_picks(ws.project.dir());
        let reachable = ws.project.images_reachable();
        self.unreachable_images = (!reachable).then(|| UnreachableImages {
            stored: ws.project.stored_image_root(),
        });
        if !reachable {
            // Nothing to scan until the folder is found.
        } else if scan {
            ws.start_scan();
        } else {
            ws.start_rescan(ctx, false);
        }
        if self.settings.role == Role::Reviewer {
            ws.open_review_queue();
        }
        self.screen = Screen::Workspace(Box::new(ws));
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

    /// File → Import ▸ `entry`: picks the file or folder, then reads it on
    /// a worker thread, or for a direct import lends the project to one.
    fn start_dataset_import(&mut self, entry: MenuEntry) {
        let title = entry.title();
        let picked = match entry.pick {
            Pick::File(file) => self.dialogs.pick_file(&title, file.filter, file.extensions),
            Pick::Folder => self.dialogs.pick_folder(&title),
        };
        let Some(path) = picked else { return };
        let images = self.settings.image_map();
        let Some(ws) = self.workspace_mut() else {
            return;
        };
        let direct = matches!(
            entry.format.import.as_ref().map(|i| i.run),
            Some(Importer::Direct(_))
        );
        if !direct {
            let snapshot = Snapshot::of(&ws.project);
            self.dataset_job = Some(DatasetJob::read(entry, path, snapshot));
            return;
        }
        // The import holds the project on its thread; the workspace shows a
        // read-only view of it until the project comes back.
        match Project::open(ws.project.dir(), Access::ReadOnly) {
            Ok(mut view) => {
                view.set_image_map(images);
                let project = std::mem::replace(&mut ws.project, view);
                self.dataset_job = Some(DatasetJob::store(entry.format, title, path, project));
            }
            Err(e) => {
                let failed = super::dataset_notices::import_failed(entry.format);
                self.notice = Some(format!("{failed}: {e}"));
            }
        }
    }

    /// File → Export ▸ `entry`: picks where to, then writes on a worker
    /// thread.
    fn start_dataset_export(&mut self, entry: MenuEntry) {
        let Some(ws) = self.workspace() else { return };
        let dir = ws.project.dir().to_path_buf();
        let title = entry.title();
        let picked = match entry.pick {
            Pick::File(file) => {
                let name = file.default_name_for(ws.project.name());
                self.dialogs
                    .save_file(&title, &name, file.filter, file.extensions)
            }
            Pick::Folder => self.dialogs.pick_folder(&title),
        };
        if let Some(out) = picked {
            self.dataset_job = Some(DatasetJob::export(
                entry.format,
                title,
                dir,
                out,
                self.settings.image_map(),
            ));
        }
    }

    /// Runs `job` as if picked from File → Import or Export: its progress
    /// window shows and those menus wait until it ends.
    pub fn run_dataset_job(&mut self, job: DatasetJob) {
        self.dataset_job = Some(job);
    }

    /// A finished read is settled and stored here, on the UI thread,
    /// through the edit path; a direct import's project comes back.
    fn poll_dataset_job(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.dataset_job else {
            return;
        };
        let Some(outcome) = job.poll() else {
            job.show(ctx);
            return;
        };
        let lent = job.lent().map(Path::to_path_buf);
        self.dataset_job = None;
        match outcome {
            DatasetOutcome::Notice(text) => {
                self.notice = Some(text);
                if let Some(dir) = lent {
                    self.take_back(&dir, None);
                }
            }
            DatasetOutcome::Stored { project, notice } => {
                self.notice = Some(notice);
                if let Some(dir) = lent {
                    self.take_back(&dir, Some(*project));
                }
            }
            DatasetOutcome::Read { plan, entry } => {
                let Some(ws) = self.workspace() else { return };
                let pending = PendingImport {
                    unknown: plan.unknown(ws.project.schema()),
                    plan,
                    entry,
                    several_labels: None,
                };
                self.ask_or_store(pending, None);
            }
        }
    }

    /// Puts the project a direct import held back into the workspace open
    /// on `dir`, or, when the import's thread lost it, opens it again.
    fn take_back(&mut self, dir: &Path, project: Option<Project>) {
        let author = self.author();
        let map = self.settings.image_map();
        let Some(ws) = self.workspace_mut().filter(|ws| ws.project.dir() == dir) else {
            return;
        };
        let project = match project {
            Some(project) => Ok(project),
            None => Project::open(dir, Access::ReadWriteOrReadOnly).map(|mut p| {
                p.set_author(&author);
                p.set_image_map(map);
                p
            }),
        };
        match project {
            Ok(project) => ws.project = project,
            Err(e) => ws.message = Some(e.to_string()),
        }
    }

    /// Asks the next question of a read, or stores it when none is left:
    /// `add` is the answer about what the project lacks, once given.
    fn ask_or_store(&mut self, mut pending: PendingImport, add: Option<bool>) {
        let Some(ws) = self.workspace_mut() else {
            return;
        };
        if pending.several_labels.is_none() {
            let add = match add {
                Some(add) => add,
                None if pending.unknown.is_empty() => false,
                None => {
                    self.pending_import = Some(pending);
                    return;
                }
            };
            let schema = ws.project.schema();
            pending.plan.settle_unknown(schema, add);
            pending.several_labels = Some(pending.plan.images_with_several_labels(schema));
        }
        if pending.asks_multi_label() {
            self.pending_import = Some(pending);
        } else {
            self.notice = Some(self.store_read(pending, false));
        }
    }

    /// Whether a read waits for the user to say whether to add the classes
    /// or image labels it names that the project lacks.
    pub fn asks_about_unknown_classes(&self) -> bool {
        self.pending_import
            .as_ref()
            .is_some_and(PendingImport::asks_classes)
    }

    /// Whether a read dataset waits for the user to say whether to switch
    /// the project to several image labels per image.
    pub fn asks_about_multi_label(&self) -> bool {
        self.pending_import
            .as_ref()
            .is_some_and(PendingImport::asks_multi_label)
    }

    /// Stores a settled read, switching the project to multi-label if
    /// `multi_label`; returns the notice.
    fn store_read(&mut self, pending: PendingImport, multi_label: bool) -> String {
        let Some(ws) = self.workspace_mut() else {
            return String::new();
        };
        let path = pending.plan.path().to_path_buf();
        let result = pending.plan.apply(&mut ws.project, multi_label);
        import_notice(pending.entry.format, &path, result)
    }

    /// Asks whether to add the classes or image labels a read names that
    /// the project lacks, then goes on either way (or stops, on cancel).
    fn unknown_classes_window(&mut self, ctx: &egui::Context) {
        let Some(pending) = self.pending_import.as_ref().filter(|p| p.asks_classes()) else {
            return;
        };
        let names: Vec<String> = pending
            .unknown
            .iter()
            .map(|(name, n)| format!("{name} ({n})"))
            .collect();
        let names = names.join(", ");
        let question = if pending.plan.is_predictions() {
            t!("predictions.unknown_classes", names = names)
        } else {
            t!("dataset.unknown_classes", names = names)
        };
        let choice = yes_no_question(
            ctx,
            ("unknown_prediction_classes", &pending.entry.title()),
            &question,
            &t!("predictions.add_classes"),
            &t!("predictions.without_classes"),
        );
        let Some(choice) = choice else { return };
        if let Some(pending) = self.pending_import.take()
            && let Some(add) = choice
        {
            self.ask_or_store(pending, Some(add));
        }
    }

    /// Asks whether to switch the project to multi-label because a read
    /// dataset gives images several image labels, then stores it either way
    /// (or not at all, on cancel).
    fn multi_label_window(&mut self, ctx: &egui::Context) {
        let Some(pending) = self
            .pending_import
            .as_ref()
            .filter(|p| p.asks_multi_label())
        else {
            return;
        };
        let several = pending.several_labels.unwrap_or_default();
        let Some(choice) = multi_label_question(ctx, &pending.entry.title(), several) else {
            return;
        };
        if let Some(pending) = self.pending_import.take()
            && let Some(switch) = choice
        {
            self.notice = Some(self.store_read(pending, switch));
        }
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
                let idle = self.dataset_job.is_none() && self.pending_import.is_none();
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
                let kind = self.workspace().map(|w| w.project.kind());
                ui.add_enabled_ui(open, |ui| {
                    for (direction, label) in [
                        (Direction::Import, t!("menu.import")),
                        (Direction::Export, t!("menu.export")),
                    ] {
                        ui.menu_button(label, |ui| {
                            let entries =
                                kind.map_or_else(Vec::new, |k| menu_entries(k, direction));
                            let mut predictions = false;
                            for entry in entries {
                                if entry.is_predictions() && !predictions {
                                    predictions = true;
                                    ui.separator();
                                }
                                let enabled = match direction {
                                    Direction::Export => idle,
                                    // A direct import takes the project from
                                    // the workspace, scan and all.
                                    Direction::Import => idle && free && !scanning,
                                };
                                if ui
                                    .add_enabled(enabled, egui::Button::new(entry.label()))
                                    .clicked()
                                {
                                    match direction {
                                        Direction::Import => self.start_dataset_import(entry),
                                        Direction::Export => self.start_dataset_export(entry),
                                    }
                                }
                            }
                        });
                    }
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
                let grid = self.workspace().map(|ws| (ws.gallery_open(), ws.is_text()));
                let mut checked = grid.is_some_and(|(open, _)| open);
                let enabled = grid.is_some_and(|(_, text)| !text);
                if ui
                    .add_enabled(
                        enabled,
                        egui::Checkbox::new(&mut checked, t!("menu.gallery")),
                    )
                    .clicked()
                    && let Some(ws) = self.workspace_mut()
                {
                    ws.toggle_gallery();
                }
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
            let can_run = self
                .workspace()
                .is_some_and(|w| !w.is_text() && !w.project.is_read_only());
            if let Some(request) = ai_menu(ui, &self.ai, &self.settings, &self.keymap, can_run) {
                self.ai_request(request);
            }
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
        self.unreachable_images_window(ctx);
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

    /// The message about an image folder this workstation cannot reach; a
    /// folder picked there becomes the settings' mapping of the project's
    /// stored image root.
    fn unreachable_images_window(&mut self, ctx: &egui::Context) {
        if self.workspace().is_none() {
            self.unreachable_images = None;
        }
        let Some(prompt) = &self.unreachable_images else {
            return;
        };
        match prompt.show(ctx) {
            ImagesAction::Nothing => {}
            ImagesAction::Dismiss => self.unreachable_images = None,
            ImagesAction::PickFolder => {
                let stored = prompt.stored.to_string_lossy().into_owned();
                let Some(local) = self.dialogs.pick_folder(&t!("images.choose_local")) else {
                    return;
                };
                self.settings.map_image_root(&stored, &local);
                self.save_settings();
                self.apply_image_map(ctx);
            }
        }
    }

    /// Finds the open project's images through the settings' mappings,
    /// and reads them again once they are reachable.
    fn apply_image_map(&mut self, ctx: &egui::Context) {
        let map = self.settings.image_map();
        let Some(ws) = self.workspace_mut() else {
            return;
        };
        ws.project.set_image_map(map);
        let reachable = ws.project.images_reachable();
        let stored = ws.project.stored_image_root();
        if reachable {
            ws.start_rescan(ctx, false);
        }
        self.unreachable_images = (!reachable).then_some(UnreachableImages { stored });
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
        if super::image_folder::mappings_ui(ui, &mut self.settings) {
            changed = true;
            self.apply_image_map(&ui.ctx().clone());
        }
        changed |= library_setting(ui, &mut self.settings);
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
        self.poll_packages();
        self.poll_text_import(&ctx);
        self.poll_dataset_job(&ctx);
        let ws = match &mut self.screen {
            Screen::Workspace(ws) => Some(ws.as_mut()),
            Screen::Start => None,
        };
        if let Some(notice) = self.ai.poll(&ctx, ws) {
            self.notice = Some(notice);
        }
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
        let mut ai_request = None;
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
                    if actions.contains(&Action::RunModel) && !ws.is_text() {
                        ai_request = Some(AiRequest::RunCurrent);
                    }
                    if actions.contains(&Action::RunModelBatch) && !ws.is_text() {
                        ai_request = Some(AiRequest::RunBatch(Default::default()));
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
        if let Some(request) = ai_request {
            self.ai_request(request);
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
        if self.dataset_job.is_some() || self.packages.busy() {
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
