//! Live changes on a project with many writers (a team project): what
//! other workstations commit is heard ([`LiveFeed`], on its own thread and
//! connection) and taken in ([`Project::take_changes`]): the items' statuses
//! and the item list read again, the label schema too, and the revision
//! counted up, so every view of the project reads what changed.

use super::postgres::{Change, Listener};
use super::{Project, ProjectError};
use std::sync::mpsc::{Receiver, TryRecvError};

/// The changes other writers commit, as they are heard; stops listening
/// when dropped.
pub struct LiveFeed {
    _listener: Listener,
    changes: Receiver<Change>,
}

impl LiveFeed {
    pub(super) fn new(listener: Listener, changes: Receiver<Change>) -> Self {
        LiveFeed {
            _listener: listener,
            changes,
        }
    }

    /// The changes heard since the last call, without waiting.
    pub fn drain(&self) -> Vec<Change> {
        let mut heard = Vec::new();
        loop {
            match self.changes.try_recv() {
                Ok(change) => heard.push(change),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return heard,
            }
        }
    }
}

/// What taking changes in did, for the views to say.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TakenChanges {
    /// Anything of the project changed: views read it again.
    pub changed: bool,
    /// Live changes stopped (the connection was lost), with why; they come
    /// back by themselves.
    pub lost: Option<String>,
    /// They came back after a loss.
    pub resumed: bool,
}

impl Project {
    /// Starts hearing what other workstations commit (a team project);
    /// `None` for a project of its own folder, which has no other writers.
    pub fn live_feed(&self) -> Result<Option<LiveFeed>, ProjectError> {
        self.store.live_feed()
    }

    /// Takes in changes other workstations made: the items they touched are
    /// read again (the whole list when one is new to it, or when changes
    /// may have been missed), and the label schema when it changed.
    pub fn take_changes(&mut self, changes: &[Change]) -> Result<TakenChanges, ProjectError> {
        let mut taken = TakenChanges::default();
        let mut items = Vec::new();
        let mut everything = false;
        let mut schema = false;
        for change in changes {
            match change {
                Change::Items(ids) => items.extend_from_slice(ids),
                Change::AllItems => everything = true,
                Change::Resumed => {
                    everything = true;
                    schema = true;
                    taken.resumed = true;
                    taken.lost = None;
                }
                Change::Lost(why) => taken.lost = Some(why.clone()),
                Change::Schema => schema = true,
                Change::Leases(_) | Change::AllLeases | Change::Project => {}
            }
        }
        items.sort_unstable();
        items.dedup();
        everything |= items.iter().any(|&id| self.position(id).is_none());
        if everything {
            self.reload_items()?;
        } else {
            self.refresh_statuses(&items)?;
        }
        if schema
            && let Some(home) = &mut self.schema_home
            && let Some(fresh) = home.reload()?
        {
            self.manifest.schema = fresh;
        }
        taken.changed = everything || schema || !items.is_empty();
        if taken.changed {
            self.revision += 1;
        }
        Ok(taken)
    }
}
