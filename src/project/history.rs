use super::store::Versions;
use crate::model::Edit;
use std::collections::BTreeMap;

/// One step of the history: the edit that reverses it, and the item versions
/// the step's own write left (empty for a store with one writer), which its
/// undo checks nobody else changed since.
#[derive(Clone, Debug)]
pub struct Step {
    pub edit: Edit,
    pub versions: Versions,
}

/// A point of the history (see [`History::checkpoint`]).
pub struct Checkpoint {
    depth: usize,
    redo: Vec<Step>,
}

/// The session's undo and redo stacks. Each entry is the edit that reverses one
/// step, so memory grows with the size of the edits, not of the project; there is
/// no step limit.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
}

impl History {
    /// Records a fresh edit's inverse; a new edit ends any redo chain.
    pub fn record(&mut self, step: Step) {
        self.undo.push(step);
        self.redo.clear();
    }

    pub fn take_undo(&mut self) -> Option<Step> {
        self.undo.pop()
    }

    pub fn take_redo(&mut self) -> Option<Step> {
        self.redo.pop()
    }

    /// After undoing: the edit that redoes it.
    pub fn push_redo(&mut self, step: Step) {
        self.redo.push(step);
    }

    /// After redoing (or when an undo failed and is put back): the edit that undoes it.
    pub fn push_undo(&mut self, step: Step) {
        self.undo.push(step);
    }

    /// Where the history stands, to go back to with [`History::restore`]:
    /// the steps recorded after it are dropped and the redo chain they ended
    /// comes back.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            depth: self.undo.len(),
            redo: self.redo.clone(),
        }
    }

    pub fn restore(&mut self, checkpoint: Checkpoint) {
        self.undo.truncate(checkpoint.depth);
        self.redo = checkpoint.redo;
    }

    /// Makes the steps recorded since `checkpoint` one step; it left each
    /// item at the version the last of them did.
    pub fn squash_since(&mut self, checkpoint: &Checkpoint) {
        if self.undo.len() <= checkpoint.depth + 1 {
            return;
        }
        let mut steps = self.undo.split_off(checkpoint.depth);
        let mut versions = BTreeMap::new();
        for step in &mut steps {
            versions.extend(step.versions.drain(..));
        }
        // The last step is undone first.
        let edits = steps.into_iter().rev().map(|s| s.edit).collect();
        self.undo.push(Step {
            edit: Edit::Batch(edits),
            versions: versions.into_iter().collect(),
        });
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}
