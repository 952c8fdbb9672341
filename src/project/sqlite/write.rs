//! How the SQLite store writes: each write is one `IMMEDIATE` transaction,
//! or a savepoint of a group's ([`Store::begin_group`](super::Store::begin_group)),
//! whose row operations are those of [`SqliteTx`]. A write of many rows
//! commits without the automatic WAL checkpoint and leaves it to a
//! background connection; a bulk write into a store without items builds a
//! new database file instead ([`fresh`]).

use super::fresh::{self, FreshDatabase};
use super::tx::SqliteTx;
use super::{DB_VERSION, SqliteStore, create_tables};
use crate::project::ProjectError;
use crate::project::store::StoreTx;
use rusqlite::{Connection, Transaction};
use std::path::PathBuf;

/// Writes that touch more rows than this commit without the automatic WAL
/// checkpoint; a background connection copies the WAL into the database
/// instead, so a bulk import returns as soon as it is durable (in the WAL).
const BACKGROUND_CHECKPOINT_ROWS: usize = 20_000;
/// SQLite's default automatic checkpoint threshold, in pages.
const AUTO_CHECKPOINT_PAGES: i64 = 1000;

/// Copies the WAL into the database file on a thread of its own. A passive
/// checkpoint never blocks writers, and is safe to interrupt.
fn checkpoint_in_background(path: PathBuf) {
    let _ = std::thread::Builder::new()
        .name("shugu-checkpoint".into())
        .spawn(move || {
            if let Ok(conn) = Connection::open(&path) {
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        });
}

/// A write transaction of its own, or, inside a group of edits, a savepoint
/// of the group's transaction, which commits nothing until the group does.
enum WriteTx<'c> {
    Own(Transaction<'c>),
    InGroup(rusqlite::Savepoint<'c>),
}

impl<'c> WriteTx<'c> {
    fn begin(conn: &'c mut Connection) -> rusqlite::Result<Self> {
        if conn.is_autocommit() {
            let behavior = rusqlite::TransactionBehavior::Immediate;
            Ok(Self::Own(conn.transaction_with_behavior(behavior)?))
        } else {
            Ok(Self::InGroup(conn.savepoint()?))
        }
    }

    fn commit(self) -> rusqlite::Result<()> {
        match self {
            Self::Own(tx) => tx.commit(),
            Self::InGroup(savepoint) => savepoint.commit(),
        }
    }
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Self::Own(tx) => tx,
            Self::InGroup(savepoint) => savepoint,
        }
    }
}

impl SqliteStore {
    /// Runs `work` on the rows in one transaction (see [`WriteTx`]).
    pub(super) fn in_transaction<T>(
        &mut self,
        work: impl FnOnce(&Connection) -> Result<T, ProjectError>,
    ) -> Result<T, ProjectError> {
        let tx = WriteTx::begin(&mut self.conn)?;
        let value = work(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// [`Store::write`](super::Store::write): an error from `work` drops
    /// the transaction, which rolls it back.
    pub(super) fn write_rows(
        &mut self,
        work: &mut dyn FnMut(&mut dyn StoreTx) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        let tx = WriteTx::begin(&mut self.conn)?;
        let mut rows = SqliteTx::new(&tx);
        work(&mut rows)?;
        let bulk = rows.rows > BACKGROUND_CHECKPOINT_ROWS;
        if bulk {
            tx.pragma_update(None, "wal_autocheckpoint", 0)?;
        }
        let committed = tx.commit();
        if bulk {
            // Back on, whatever the commit did; the WAL is copied apart.
            self.conn
                .pragma_update(None, "wal_autocheckpoint", AUTO_CHECKPOINT_PAGES)?;
            if committed.is_ok() {
                checkpoint_in_background(self.path.clone());
            }
        }
        Ok(committed?)
    }

    /// [`Store::write_bulk`](super::Store::write_bulk) into a store without
    /// items: the rows go into a new database file that then replaces this
    /// one (see [`fresh`]). The store is reopened on the file in
    /// place afterwards, new or old.
    pub(super) fn write_fresh(
        &mut self,
        work: &mut dyn FnMut(&mut dyn StoreTx) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        // The keys of a text import arrive in order, so the unique index on
        // them is appended to, row by row; sorting them into an index built
        // afterwards measured slower.
        let mut fresh = FreshDatabase::start(&self.path, |conn| {
            create_tables(conn)?;
            conn.pragma_update(None, "user_version", DB_VERSION)?;
            Ok(())
        })?;
        let filled = (|| {
            let tx = fresh.conn.transaction()?;
            work(&mut SqliteTx::new(&tx))?;
            tx.commit()?;
            Ok::<_, ProjectError>(())
        })();
        if let Err(e) = filled {
            drop(fresh);
            let _ = fresh::remove_unfinished(&self.path);
            return Err(e);
        }
        let path = self.path.clone();
        let live = &mut self.conn;
        let replaced = fresh.replace(&path, || {
            let closing = std::mem::replace(live, Connection::open_in_memory()?);
            closing.close().map_err(|(_, e)| e.into())
        });
        if replaced.is_err() {
            let _ = fresh::remove_unfinished(&path);
        }
        // Whatever happened, the store goes on with the file now in place.
        *self = SqliteStore::open(&path, false)?;
        replaced
    }

    pub(super) fn begin_group_tx(&mut self) -> Result<(), ProjectError> {
        if !self.conn.is_autocommit() {
            return Err(ProjectError::InvalidEdit(
                "a group of edits is already open".into(),
            ));
        }
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    pub(super) fn end_group_tx(&mut self, commit: bool) -> Result<(), ProjectError> {
        if self.conn.is_autocommit() {
            return Err(ProjectError::InvalidEdit(
                "no group of edits is open".into(),
            ));
        }
        if commit && self.conn.execute_batch("COMMIT").is_ok() {
            return Ok(());
        }
        self.conn.execute_batch("ROLLBACK")?;
        if commit {
            return Err(ProjectError::InvalidEdit(
                "the edits could not be committed; none of them was kept".into(),
            ));
        }
        Ok(())
    }
}
