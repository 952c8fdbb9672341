use crate::model::Edit;

/// A point of the history (see [`History::checkpoint`]).
pub struct Checkpoint {
    depth: usize,
    redo: Vec<Edit>,
}

/// The session's undo and redo stacks. Each entry is the edit that reverses one
/// step, so memory grows with the size of the edits, not of the project; there is
/// no step limit.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
}

impl History {
    /// Records a fresh edit's inverse; a new edit ends any redo chain.
    pub fn record(&mut self, inverse: Edit) {
        self.undo.push(inverse);
        self.redo.clear();
    }

    pub fn take_undo(&mut self) -> Option<Edit> {
        self.undo.pop()
    }

    pub fn take_redo(&mut self) -> Option<Edit> {
        self.redo.pop()
    }

    /// After undoing: the edit that redoes it.
    pub fn push_redo(&mut self, edit: Edit) {
        self.redo.push(edit);
    }

    /// After redoing (or when an undo failed and is put back): the edit that undoes it.
    pub fn push_undo(&mut self, edit: Edit) {
        self.undo.push(edit);
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

    /// Makes the steps recorded since `checkpoint` one step.
    pub fn squash_since(&mut self, checkpoint: &Checkpoint) {
        if self.undo.len() <= checkpoint.depth + 1 {
            return;
        }
        let mut steps = self.undo.split_off(checkpoint.depth);
        // The last step is undone first.
        steps.reverse();
        self.undo.push(Edit::Batch(steps));
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}
