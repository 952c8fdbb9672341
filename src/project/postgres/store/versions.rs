//! No lost update among many writers: what this workstation knows of item
//! versions, and the check that ends every write ([`check`]). The server
//! counts an item's version up once per transaction that changes it or its
//! rows (`items_stamp`, which also keeps who made the version before,
//! `prior_by`). A read of an item's rows notes its version first
//! ([`version_before`]); a write is refused when an item it touched was
//! changed by someone else since that read — or, for an undo or redo, since
//! the step's own write, with only this workstation's writes after it.

use super::conn::Conn;
use crate::model::ItemId;
use crate::project::ProjectError;
use crate::project::store::Versions;
use std::collections::HashMap;

/// A write of one item by this workstation: its version before and after.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Written {
    pub item: ItemId,
    pub before: i64,
    pub after: i64,
}

/// What this workstation knows of item versions.
#[derive(Debug, Default)]
pub(super) struct Seen {
    /// Each item's version as last read or written here.
    read: HashMap<ItemId, i64>,
    /// Per item, the span of versions this workstation's own writes made
    /// one after another, nobody else's between them: `(first, last)`.
    own: HashMap<ItemId, (i64, i64)>,
}

impl Seen {
    pub fn note_read(&mut self, item: ItemId, version: i64) {
        self.read.insert(item, version);
    }

    /// Takes in the writes of a committed transaction.
    pub fn absorb(&mut self, written: &[Written]) {
        for w in written {
            self.read.insert(w.item, w.after);
            let chain = match self.own.get(&w.item) {
                Some(&(first, last)) if last == w.before => (first, w.after),
                _ => (w.after, w.after),
            };
            self.own.insert(w.item, chain);
        }
    }

    /// Whether a write may change `item`, found at `before`: a fresh edit
    /// (no `step`) when this workstation read that version, or never read
    /// the item; an undo or redo when every version since the one its
    /// step left is this workstation's own.
    fn allows(&self, item: ItemId, before: i64, step: Option<&[(ItemId, i64)]>) -> bool {
        let left = step.and_then(|step| {
            step.binary_search_by_key(&item, |&(i, _)| i)
                .ok()
                .map(|at| step[at].1)
        });
        match left {
            Some(left) => self
                .own
                .get(&item)
                .is_some_and(|&(first, last)| last == before && first <= left),
            None => self.read.get(&item).is_none_or(|&read| read == before),
        }
    }
}

/// The version of `item` before the current transaction changed it (the
/// version as committed when no transaction is open); `None` when there is
/// no such item.
pub(super) fn version_before(c: &mut Conn, item: ItemId) -> Result<Option<i64>, ProjectError> {
    Ok(c.query_opt(
        "SELECT CASE WHEN changed_tx = pg_current_xact_id_if_assigned() THEN version - 1
                     ELSE version END
           FROM shugu.items WHERE id = $1",
        &[&item.0],
    )?
    .map(|r| r.try_get(0))
    .transpose()?)
}

/// The last step of a write that touched `touched`: refuses it with
/// [`ProjectError::Conflict`] when someone else changed one of them since
/// (see [`Seen::allows`]); otherwise adds the writes to `written` and
/// returns the versions they leave, by item.
pub(super) fn check(
    c: &mut Conn,
    seen: &Seen,
    touched: &[ItemId],
    step: Option<&[(ItemId, i64)]>,
    written: &mut Vec<Written>,
) -> Result<Versions, ProjectError> {
    if touched.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = touched.iter().map(|i| i.0).collect();
    let rows = c.query(
        "SELECT id, version, changed_tx = pg_current_xact_id(),
                CASE WHEN changed_tx = pg_current_xact_id() THEN prior_by ELSE changed_by END,
                rel_path
           FROM shugu.items WHERE id = ANY($1) ORDER BY id",
        &[&ids],
    )?;
    let mut left = Vec::with_capacity(rows.len());
    for r in &rows {
        let item = ItemId(r.try_get(0)?);
        let version: i64 = r.try_get(1)?;
        let changed_here: Option<bool> = r.try_get(2)?;
        let before = if changed_here == Some(true) {
            version - 1
        } else {
            version
        };
        if !seen.allows(item, before, step) {
            let by: Option<String> = r.try_get(3)?;
            return Err(ProjectError::Conflict {
                item,
                path: r.try_get(4)?,
                by: by.unwrap_or_else(|| "someone".into()),
                undoing: step.is_some(),
            });
        }
        written.push(Written {
            item,
            before,
            after: version,
        });
        left.push((item, version));
    }
    Ok(left)
}

#[cfg(test)]
mod tests {
    use super::*;

    const X: ItemId = ItemId(7);

    fn wrote(before: i64, after: i64) -> Written {
        Written {
            item: X,
            before,
            after,
        }
    }

    #[test]
    fn a_fresh_edit_needs_the_version_last_read_or_written_here() {
        let mut seen = Seen::default();
        assert!(seen.allows(X, 4, None), "an item never read");
        seen.note_read(X, 4);
        assert!(seen.allows(X, 4, None));
        assert!(!seen.allows(X, 5, None), "changed since the read");
        seen.absorb(&[wrote(4, 5)]);
        assert!(seen.allows(X, 5, None), "its own write");
    }

    #[test]
    fn an_undo_needs_only_own_writes_since_its_step() {
        let mut seen = Seen::default();
        // Two edits here (5, 6), then the undo of the second (7).
        seen.absorb(&[wrote(4, 5)]);
        seen.absorb(&[wrote(5, 6)]);
        assert!(seen.allows(X, 6, Some(&[(X, 6)])));
        seen.absorb(&[wrote(6, 7)]);
        assert!(seen.allows(X, 7, Some(&[(X, 5)])), "the first edit's undo");
        assert!(!seen.allows(X, 8, Some(&[(X, 5)])), "someone else made 8");
        // Someone else made 8; read again here and edited (9): the edits
        // before theirs cannot be undone, the one after can.
        seen.note_read(X, 8);
        seen.absorb(&[wrote(8, 9)]);
        assert!(seen.allows(X, 9, Some(&[(X, 9)])));
        assert!(!seen.allows(X, 9, Some(&[(X, 5)])));
    }
}
