//! The application: start screen or workspace, menus, settings, dialogs and
//! background jobs (export). Owns the settings and the keymap. The menu bar
//! and Settings window are in `menus`, File → Import/Export in `dataset_flow`.

mod dataset_flow;
mod menus;

use dataset_flow::PendingImport;

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
