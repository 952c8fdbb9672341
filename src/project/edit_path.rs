//! The one edit path: an edit is validated, run by the engine as one
//! transaction of the store, and its inverse goes on the undo stack; undo
//! and redo apply inverses the same way. Groups of edits
//! ([`Project::apply_together`]) and annotations streamed in chunks
//! ([`Project::add_annotations_streamed`]) are one transaction and one step.

use super::engine::validate::{Checker, check_new_annotation};
use super::engine::{self, EditContext, StoredEdit};
use super::history::{History, Step};
use super::project::save_manifest;
use super::{Applied, Project, ProjectError, now_ms};
use crate::model::{Edit, ImageLabelMode, ItemId, NewAnnotation};

/// Puts a step on one of the history's stacks.
type PushStep = fn(&mut History, Step);

#[derive(Clone, Copy)]
enum Replay {
    Undo,
    Redo,
}

impl Project {
    /// Checks an edit against the schema, the items and the annotations,
    /// and returns it normalised (see [`Checker`]).
    pub(super) fn validated(
        &self,
        edit: Edit,
        mode: &mut ImageLabelMode,
    ) -> Result<Edit, ProjectError> {
        let checker = Checker {
            schema: self.schema(),
            items: &self.items,
            store: self.store.as_ref(),
        };
        checker.edit(edit, mode)
    }

    /// Applies an edit: validated, durable on return, recorded for undo and in the
    /// audit trail with the current author and time.
    pub fn apply(&mut self, edit: Edit) -> Result<Applied, ProjectError> {
        self.check_writable()?;
        let edit = self.validated(edit, &mut self.schema().image_label_mode.clone())?;
        if edit.is_empty() {
            return Ok(Applied::nothing());
        }
        let mut stored = self.store_edit(&edit, "edit", None)?;
        self.history.record(stored.take_step());
        Ok(stored.into())
    }

    /// Runs `work` on this project as one transaction and one step of undo:
    /// the edits it applies and the log entries it adopts are stored all
    /// together when it returns `Ok`, and none of them when it returns `Err`
    /// (or the process dies first); the manifest, the item list and the undo
    /// history are then put back as they were. `work` applies edits; it does
    /// not undo or redo.
    pub fn apply_together<T, E: From<ProjectError>>(
        &mut self,
        work: impl FnOnce(&mut Project) -> Result<T, E>,
    ) -> Result<T, E> {
        self.check_writable()?;
        let checkpoint = self.history.checkpoint();
        let manifest = self.manifest.clone();
        self.store.begin_group()?;
        let outcome = match work(self) {
            Ok(value) => self.store.end_group(true).map(|()| value).map_err(E::from),
            // The work's own error says more than a failed rollback would.
            Err(e) => {
                let _ = self.store.end_group(false);
                Err(e)
            }
        };
        match outcome {
            Ok(value) => {
                self.history.squash_since(&checkpoint);
                Ok(value)
            }
            Err(e) => {
                self.history.restore(checkpoint);
                if self.manifest != manifest {
                    self.manifest = manifest;
                    save_manifest(&self.manifest, &self.dir, &mut self.schema_home)?;
                }
                self.reload_items()?;
                self.revision += 1;
                Err(e)
            }
        }
    }

    /// Adds annotations that arrive in chunks (an import that is still being
    /// read) as one edit: each is checked and clamped as in
    /// [`Edit::AddAnnotations`], all of them go into one transaction, and they
    /// are one step of undo. An `Err`
    /// from `chunks` abandons the edit, nothing is stored, and that error is
    /// returned.
    pub fn add_annotations_streamed<E: From<ProjectError>>(
        &mut self,
        chunks: impl IntoIterator<Item = Result<Vec<NewAnnotation>, E>>,
    ) -> Result<Applied, E> {
        self.check_writable()?;
        let mut chunks = chunks.into_iter();
        let mut abandoned: Option<E> = None;
        let Project {
            store,
            manifest,
            items,
            author,
            ..
        } = self;
        let mut next_chunk = || -> Result<Option<Vec<NewAnnotation>>, ProjectError> {
            let mut chunk = match chunks.next() {
                None => return Ok(None),
                Some(Ok(chunk)) => chunk,
                Some(Err(err)) => {
                    abandoned = Some(err);
                    return Err(ProjectError::InvalidEdit("the edit was abandoned".into()));
                }
            };
            for a in &mut chunk {
                check_new_annotation(&manifest.schema, items, a)?;
            }
            Ok(Some(chunk))
        };
        let ctx = EditContext {
            author,
            time_ms: now_ms(),
            origin: "edit",
            step: None,
        };
        let stored = match engine::add_annotations_streamed(store.as_mut(), &mut next_chunk, &ctx) {
            Ok(stored) => stored,
            Err(err) => return Err(abandoned.unwrap_or_else(|| err.into())),
        };
        if stored.created.is_empty() {
            return Ok(Applied::nothing());
        }
        self.refresh_statuses(&stored.touched)?;
        self.revision += 1;
        let mut stored = stored;
        self.history.record(stored.take_step());
        Ok(stored.into())
    }

    /// Stores an edit, an undo or a redo (`origin`; for the last two `step`,
    /// the versions the step's own write left).
    fn store_edit(
        &mut self,
        edit: &Edit,
        origin: &str,
        step: Option<&[(ItemId, i64)]>,
    ) -> Result<StoredEdit, ProjectError> {
        // The schema lives in the manifest, outside the transaction: a switch
        // to several labels per item is saved before the edit, a switch back
        // after it (the store refuses it while an item has several), so the
        // saved mode always admits what the database holds.
        let mode = edit
            .image_label_mode()
            .filter(|m| *m != self.schema().image_label_mode);
        let widen = mode == Some(ImageLabelMode::Multi);
        if widen {
            self.update_schema(|s| s.image_label_mode = ImageLabelMode::Multi)?;
        }
        let ctx = EditContext {
            author: &self.author,
            time_ms: now_ms(),
            origin,
            step,
        };
        let stored = match engine::apply(self.store.as_mut(), edit, &ctx) {
            Ok(stored) => stored,
            Err(e) => {
                if widen {
                    self.update_schema(|s| s.image_label_mode = ImageLabelMode::Single)?;
                }
                if let ProjectError::Conflict { item, .. } = &e {
                    // Another writer's change: the item is read again.
                    self.refresh_statuses(&[*item])?;
                    self.revision += 1;
                }
                return Err(e);
            }
        };
        if mode == Some(ImageLabelMode::Single) {
            self.update_schema(|s| s.image_label_mode = ImageLabelMode::Single)?;
        }
        self.refresh_statuses(&stored.touched)?;
        self.revision += 1;
        Ok(stored)
    }

    pub(super) fn refresh_statuses(&mut self, touched: &[ItemId]) -> Result<(), ProjectError> {
        if touched.len() > 1_000 {
            for (id, status) in self.store.statuses()? {
                if let Some(i) = self.position(id) {
                    self.items[i].status = status;
                }
            }
            return Ok(());
        }
        for &id in touched {
            if let (Some(i), Some(status)) = (self.position(id), self.store.item_status(id)?) {
                self.items[i].status = status;
            }
        }
        Ok(())
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Undoes the last step; returns what it touched, or `None` with nothing to undo.
    pub fn undo(&mut self) -> Result<Option<Applied>, ProjectError> {
        self.replay(Replay::Undo)
    }

    /// Redoes the last undone step.
    pub fn redo(&mut self) -> Result<Option<Applied>, ProjectError> {
        self.replay(Replay::Redo)
    }

    /// Applies the top of the undo or redo stack and moves its inverse to the other
    /// stack; on failure the step stays where it was.
    fn replay(&mut self, replay: Replay) -> Result<Option<Applied>, ProjectError> {
        self.check_writable()?;
        let (taken, origin) = match replay {
            Replay::Undo => (self.history.take_undo(), "undo"),
            Replay::Redo => (self.history.take_redo(), "redo"),
        };
        let Some(step) = taken else {
            return Ok(None);
        };
        let result = self.store_edit(&step.edit, origin, Some(&step.versions));
        let (done, failed): (PushStep, PushStep) = match replay {
            Replay::Undo => (History::push_redo, History::push_undo),
            Replay::Redo => (History::push_undo, History::push_redo),
        };
        match result {
            Ok(mut stored) => {
                done(&mut self.history, stored.take_step());
                Ok(Some(stored.into()))
            }
            // Someone else changed an item since the step: it can never be
            // replayed without overwriting their change, so it goes.
            Err(e @ ProjectError::Conflict { .. }) => Err(e),
            Err(e) => {
                failed(&mut self.history, step);
                Err(e)
            }
        }
    }
}
