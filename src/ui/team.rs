//! A team project in the GUI: the password asked for when neither
//! `PGPASSWORD` nor the password file has it ([`PasswordPrompt`]), other
//! workstations' changes taken in as they are heard and the leases kept
//! alive ([`TeamSession`]). Next through a lease is the workspace's
//! (`Workspace::next_by_lease`).

use crate::project::postgres::{Credentials, PgError};
use crate::project::{Access, LiveFeed, Project, ProjectError};
use eframe::egui::{self, RichText};
use rust_i18n::t;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a lease taken by Next lasts without a heartbeat.
pub const LEASE: Duration = Duration::from_secs(30 * 60);
/// How often the leases held are renewed.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(5 * 60);
/// How often the UI looks for changes heard, when nothing else repaints it:
/// others' changes show within a second.
const LOOK_EVERY: Duration = Duration::from_millis(250);

/// Opens `dir` with the credentials the app gives team projects: the
/// environment's (`PGPASSWORD`, the password file) unless `environment` is
/// off (the tests), or else `password` when one was typed — then only it,
/// as the answer to the server's asking.
pub fn open(
    dir: &Path,
    environment: bool,
    password: Option<String>,
) -> Result<Project, ProjectError> {
    let mut credentials = if environment {
        Credentials::from_env()
    } else {
        Credentials::none()
    };
    if let Some(password) = password {
        credentials.password = None;
        credentials.passfile = None;
        credentials = credentials.with_prompt(Box::new(move |_| Some(password.clone())));
    }
    Project::open_with(dir, Access::ReadWriteOrReadOnly, credentials)
}

/// The server wants a password nothing gave, or refused the one given:
/// the login it is for, to ask again.
pub fn password_wanted(error: &ProjectError) -> Option<String> {
    match error {
        ProjectError::Server(PgError::NoPassword { target }) => Some(target.clone()),
        ProjectError::Server(PgError::PasswordRefused { target, .. }) => Some(target.clone()),
        _ => None,
    }
}

/// The window asking for a team project's password. The password is kept
/// only until the project is open, never written.
pub struct PasswordPrompt {
    pub dir: PathBuf,
    /// `user@host:port/db`.
    pub target: String,
    pub password: String,
    /// Why the last try failed.
    pub error: Option<String>,
}

/// What the user did with the prompt this frame.
pub enum PromptAnswer {
    Open(String),
    Cancel,
}

impl PasswordPrompt {
    pub fn new(dir: &Path, target: String) -> Self {
        PasswordPrompt {
            dir: dir.to_path_buf(),
            target,
            password: String::new(),
            error: None,
        }
    }

    pub fn show(&mut self, ctx: &egui::Context) -> Option<PromptAnswer> {
        let mut answer = None;
        egui::Window::new(t!("team.password_title"))
            .id(egui::Id::unique("team_password"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(t!("team.password_for", target = self.target));
                let field = ui.add(
                    egui::TextEdit::singleline(&mut self.password)
                        .password(true)
                        .hint_text(t!("team.password_hint")),
                );
                field.request_focus();
                if let Some(error) = &self.error {
                    ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
                }
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    if ui.button(t!("team.connect")).clicked() || enter {
                        answer = Some(PromptAnswer::Open(std::mem::take(&mut self.password)));
                    }
                    if ui.button(t!("project.cancel")).clicked() {
                        answer = Some(PromptAnswer::Cancel);
                    }
                });
            });
        answer
    }
}

/// A team project's live side in the workspace.
pub struct TeamSession {
    feed: Option<LiveFeed>,
    last_heartbeat: Instant,
    /// Live changes stopped, with why, until they come back.
    pub lost: Option<String>,
}

impl TeamSession {
    /// Starts hearing other workstations' changes; `None` for a project of
    /// its own folder. A failure to listen is said, and the project works
    /// on without live changes.
    pub fn start(project: &Project) -> Option<Self> {
        if !project.assigns_work() {
            return None;
        }
        let (feed, lost) = match project.live_feed() {
            Ok(feed) => (feed, None),
            Err(e) => (None, Some(e.to_string())),
        };
        Some(TeamSession {
            feed,
            last_heartbeat: Instant::now(),
            lost,
        })
    }

    /// Once a frame: takes in the changes heard and renews the leases when
    /// it is time; returns an error to show.
    pub fn tick(&mut self, project: &mut Project, ctx: &egui::Context) -> Option<ProjectError> {
        ctx.request_repaint_after(LOOK_EVERY);
        let mut failed = None;
        if let Some(feed) = &self.feed {
            let heard = feed.drain();
            if !heard.is_empty() {
                match project.take_changes(&heard) {
                    Ok(taken) => {
                        if taken.lost.is_some() || taken.resumed {
                            self.lost = taken.lost;
                        }
                    }
                    Err(e) => failed = Some(e),
                }
            }
        }
        if self.last_heartbeat.elapsed() >= HEARTBEAT_EVERY && !project.is_read_only() {
            self.last_heartbeat = Instant::now();
            if let Err(e) = project.heartbeat(LEASE) {
                failed = Some(e);
            }
        }
        failed
    }
}
