//! File → Import ▸ and Export ▸ on the app: the read or export on a worker,
//! the questions an import asks (classes the project lacks, several image
//! labels per image), and storing what was read through the edit path.

use super::*;

/// A read dataset waiting for the answers to what the import asks: the
/// classes and image labels it names that the project lacks, then whether to
/// switch the project to several image labels per image.
pub(super) struct PendingImport {
    pub(super) plan: Box<ImportPlan>,
    pub(super) entry: MenuEntry,
    pub(super) unknown: Vec<(String, usize)>,
    /// Images given several image labels in a single-label project, once
    /// what the project lacks is settled.
    pub(super) several_labels: Option<usize>,
}

impl PendingImport {
    pub(super) fn asks_classes(&self) -> bool {
        self.several_labels.is_none()
    }

    pub(super) fn asks_multi_label(&self) -> bool {
        self.several_labels.is_some_and(|n| n > 0)
    }
}

impl ShuguApp {
    /// File → Import ▸ `entry`: picks the file or folder, then reads it on
    /// a worker thread, or for a direct import lends the project to one.
    pub(super) fn start_dataset_import(&mut self, entry: MenuEntry) {
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
                let failed = crate::ui::dataset_notices::import_failed(entry.format);
                self.notice = Some(format!("{failed}: {e}"));
            }
        }
    }

    /// File → Export ▸ `entry`: picks where to, then writes on a worker
    /// thread.
    pub(super) fn start_dataset_export(&mut self, entry: MenuEntry) {
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
    pub(super) fn poll_dataset_job(&mut self, ctx: &egui::Context) {
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
    pub(super) fn take_back(&mut self, dir: &Path, project: Option<Project>) {
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
    pub(super) fn ask_or_store(&mut self, mut pending: PendingImport, add: Option<bool>) {
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
    pub(super) fn store_read(&mut self, pending: PendingImport, multi_label: bool) -> String {
        let Some(ws) = self.workspace_mut() else {
            return String::new();
        };
        let path = pending.plan.path().to_path_buf();
        let result = pending.plan.apply(&mut ws.project, multi_label);
        import_notice(pending.entry.format, &path, result)
    }

    /// Asks whether to add the classes or image labels a read names that
    /// the project lacks, then goes on either way (or stops, on cancel).
    pub(super) fn unknown_classes_window(&mut self, ctx: &egui::Context) {
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
    pub(super) fn multi_label_window(&mut self, ctx: &egui::Context) {
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
}
