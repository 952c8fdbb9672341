//! Work assignment on a project with many writers (a team project): an
//! annotator's Next, or `shugu claim`, leases the next items — their own
//! rejected ones first, then new and in-progress ones — and a reviewer's
//! the next submitted ones; each lease lasts a time-to-live that a
//! heartbeat renews, ends when the item is submitted or decided, and is
//! taken over by the next claim once it expired. Where the leases live (a
//! team project's server) is the [`WorkQueue`]'s business; a project of its
//! own folder has one annotator and no leases.

pub use super::postgres::Queue;
use super::{Project, ProjectError};
use crate::model::ItemId;
use std::time::Duration;

/// Where a project's leases are kept (a team project's server), each the
/// login's, one login per item at a time.
pub trait WorkQueue: Send {
    /// Leases up to `count` items of `queue` for `ttl`; returns them in the
    /// order to work on them (none when the queue is empty).
    fn claim(
        &mut self,
        queue: Queue,
        count: u32,
        ttl: Duration,
    ) -> Result<Vec<ItemId>, ProjectError>;
    /// Renews every lease the login holds for `ttl` from now; returns the
    /// items still held, ascending.
    fn heartbeat(&mut self, ttl: Duration) -> Result<Vec<ItemId>, ProjectError>;
    /// Gives up the login's leases on `items`, or on all its items when
    /// `None`; returns the items released, ascending.
    fn release(&mut self, items: Option<&[ItemId]>) -> Result<Vec<ItemId>, ProjectError>;
}

fn no_leases() -> ProjectError {
    ProjectError::InvalidEdit(
        "items are leased only on a team project (on a PostgreSQL server); a project of its own folder has one annotator".into(),
    )
}

impl Project {
    /// True when items are assigned by leases (a team project).
    pub fn assigns_work(&self) -> bool {
        self.work_queue.is_some()
    }

    fn work_queue(&mut self) -> Result<&mut (dyn WorkQueue + 'static), ProjectError> {
        self.check_writable()?;
        self.work_queue.as_deref_mut().ok_or_else(no_leases)
    }

    /// Leases up to `count` items of `queue` to this workstation's login for
    /// `ttl` (see [`WorkQueue::claim`]); the items are read again, and the
    /// item list too when one of them is new to it.
    pub fn claim(
        &mut self,
        queue: Queue,
        count: u32,
        ttl: Duration,
    ) -> Result<Vec<ItemId>, ProjectError> {
        let claimed = self.work_queue()?.claim(queue, count, ttl)?;
        if claimed.iter().any(|&id| self.position(id).is_none()) {
            // Items added on another workstation since this one read the list.
            self.reload_items()?;
        } else {
            self.refresh_statuses(&claimed)?;
        }
        self.revision += 1;
        Ok(claimed)
    }

    /// Next through a lease: leases the next item of `queue`, then gives
    /// up this login's other leases — the items left without submitting
    /// them (one works on one item at a time) — so the claim does not hand
    /// the item left back. `None` when the queue is empty; the leases held
    /// are then kept.
    pub fn claim_next(
        &mut self,
        queue: Queue,
        ttl: Duration,
    ) -> Result<Option<ItemId>, ProjectError> {
        let Some(next) = self.claim(queue, 1, ttl)?.pop() else {
            return Ok(None);
        };
        let queue = self.work_queue()?;
        let left: Vec<ItemId> = queue
            .heartbeat(ttl)?
            .into_iter()
            .filter(|&i| i != next)
            .collect();
        if !left.is_empty() {
            queue.release(Some(&left))?;
        }
        Ok(Some(next))
    }

    /// Renews this login's leases for `ttl` from now; returns the items it
    /// still holds.
    pub fn heartbeat(&mut self, ttl: Duration) -> Result<Vec<ItemId>, ProjectError> {
        self.work_queue()?.heartbeat(ttl)
    }

    /// Gives up this login's leases on `items`, or all of them.
    pub fn release(&mut self, items: Option<&[ItemId]>) -> Result<Vec<ItemId>, ProjectError> {
        self.work_queue()?.release(items)
    }
}
