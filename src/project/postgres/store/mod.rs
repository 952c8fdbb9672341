//! The PostgreSQL implementation of [`Store`]: a team project's rows on its
//! server, in the schema of `sql/`. The store holds one connection (opened
//! again when the network dropped it), reads and writes through it, and
//! keeps the statements it prepared. Each [`Store::write`] is one
//! transaction, or a savepoint of a group's ([`Store::begin_group`]); new
//! rows take their ids from the server's sequences, and many rows go in by
//! binary `COPY`. There is no project-wide lock: the server's row locks,
//! triggers and grants keep many writers apart (each item's version goes up
//! with every transaction that touches it), and the edit log's author is
//! the login, whatever the client says. A module per table group, as in
//! `sqlite`; the transaction's row operations in [`tx`].

mod activity;
mod annotations;
mod conn;
mod items;
mod labels;
mod project_row;
mod proposals;
mod review;
mod text;
mod tx;
mod versions;
mod work_queue;

pub use project_row::{ProjectRow, SchemaOnServer};
pub use work_queue::LeasesOnServer;

use super::credentials::Connector;
use super::error::PgError;
use super::migrate::check_schema;
use crate::model::{
    Annotation, AnnotationId, AnnotationOrigin, ClassId, Comment, Item, ItemId, ItemStatus,
    ItemVersion, LabelId, LabelSchema, PackageInfo, Proposal, ProposalId, SpanAnnotation, SpanRef,
    TextDoc,
};
use crate::project::ProjectError;
use crate::project::store::{
    Census, LogEntry, NewItem, PackageItem, SpanExtent, Store, StoreTx, TextRow,
};
use conn::Conn;
use std::cell::RefCell;
use tx::PgTx;
use versions::{Seen, Written};

/// A team project's rows on a PostgreSQL server.
pub struct PgStore {
    connector: Connector,
    /// `None` once the connection was found closed, until it is opened again.
    conn: RefCell<Option<Conn>>,
    /// The login, as the server names it (`session_user`).
    login: String,
    /// A group of writes is open ([`Store::begin_group`]).
    in_group: bool,
    /// What this workstation knows of item versions.
    seen: RefCell<Seen>,
    /// The writes of the open group, taken into `seen` when it commits.
    group_written: Vec<Written>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("target", &self.connector.target())
            .finish()
    }
}

/// A connection prepared for the store: the schema checked, the login read.
fn prepare_conn(mut client: postgres::Client) -> Result<(Conn, String), ProjectError> {
    check_schema(&mut client)?;
    client.batch_execute("SET application_name = 'shugu'")?;
    let login: String = client.query_one("SELECT session_user::text", &[])?.get(0);
    Ok((Conn::new(client), login))
}

fn busy() -> ProjectError {
    ProjectError::InvalidEdit(
        "the project's database connection is busy with another operation".into(),
    )
}

/// Names the savepoint a write takes inside a group.
const SAVEPOINT: &str = "shugu_write";

/// A transaction open on the store's connection, or a savepoint of the
/// group's; rolled back when dropped before [`Open::commit`] (an error, a
/// panic).
struct Open<'c> {
    conn: &'c mut Conn,
    in_group: bool,
    done: bool,
}

impl<'c> Open<'c> {
    fn begin(conn: &'c mut Conn, in_group: bool) -> Result<Self, ProjectError> {
        let sql = if in_group {
            format!("SAVEPOINT {SAVEPOINT}")
        } else {
            "BEGIN".to_string()
        };
        conn.client.batch_execute(&sql)?;
        Ok(Open {
            conn,
            in_group,
            done: false,
        })
    }

    fn commit(mut self) -> Result<(), ProjectError> {
        let sql = if self.in_group {
            format!("RELEASE SAVEPOINT {SAVEPOINT}")
        } else {
            "COMMIT".to_string()
        };
        self.conn.client.batch_execute(&sql)?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let sql = if self.in_group {
            format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}")
        } else {
            "ROLLBACK".to_string()
        };
        // A connection that cannot roll back is gone, and its transaction with it.
        let _ = self.conn.client.batch_execute(&sql);
    }
}

impl PgStore {
    /// Connects a store to the project database `connector` reaches, whose
    /// schema must be the one this program knows.
    pub fn open(connector: Connector) -> Result<Self, ProjectError> {
        let client = connector.open()?;
        Self::with_client(connector, client)
    }

    /// [`PgStore::open`] on a connection `connector` just made.
    pub fn with_client(
        connector: Connector,
        client: postgres::Client,
    ) -> Result<Self, ProjectError> {
        let (conn, login) = prepare_conn(client)?;
        Ok(PgStore {
            connector,
            conn: RefCell::new(Some(conn)),
            login,
            in_group: false,
            seen: RefCell::default(),
            group_written: Vec::new(),
        })
    }

    /// The login the server knows this store by: the author of its edits.
    pub fn login(&self) -> &str {
        &self.login
    }

    pub fn connector(&self) -> &Connector {
        &self.connector
    }

    /// The connection, opened again when it was closed (never inside a
    /// group, whose transaction went with it).
    fn live<'s>(&self, slot: &'s mut Option<Conn>) -> Result<&'s mut Conn, ProjectError> {
        if slot.as_ref().is_some_and(|c| c.client.is_closed()) {
            *slot = None;
            if self.in_group {
                return Err(ProjectError::Server(PgError::Server(format!(
                    "{}: the connection to the server was lost; the edits made since the group began were not kept",
                    self.connector.target()
                ))));
            }
        }
        if slot.is_none() {
            *slot = Some(prepare_conn(self.connector.open()?)?.0);
        }
        slot.as_mut().ok_or_else(busy)
    }

    /// Runs `f` on the connection.
    fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<T, ProjectError>,
    ) -> Result<T, ProjectError> {
        let mut slot = self.conn.try_borrow_mut().map_err(|_| busy())?;
        f(self.live(&mut slot)?)
    }

    /// Runs `sql` on the store's connection, as a test's stand-in for a
    /// statement that fails.
    #[cfg(test)]
    pub(in crate::project::postgres) fn run_sql(&self, sql: &str) -> Result<(), ProjectError> {
        self.with_conn(|c| Ok(c.client.batch_execute(sql)?))
    }

    /// Runs `work` in one transaction (a savepoint inside a group): all of
    /// it is stored when it returns `Ok`, none of it otherwise.
    fn transaction<T>(
        &self,
        work: impl FnOnce(&mut Conn, &str) -> Result<T, ProjectError>,
    ) -> Result<T, ProjectError> {
        let mut slot = self.conn.try_borrow_mut().map_err(|_| busy())?;
        let conn = self.live(&mut slot)?;
        let open = Open::begin(conn, self.in_group)?;
        let value = work(&mut *open.conn, &self.login)?;
        open.commit()?;
        Ok(value)
    }

    /// What the database says about its project; `None` before one is made.
    pub fn project_row(&self) -> Result<Option<ProjectRow>, ProjectError> {
        self.with_conn(project_row::read)
    }

    /// Makes the project in the database, with its schema, in one
    /// transaction; refused when the database holds one already.
    pub fn create_project(
        &mut self,
        row: &ProjectRow,
        schema: &LabelSchema,
    ) -> Result<(), ProjectError> {
        self.transaction(|c, _| project_row::create(c, row, schema))
    }

    /// Removes the project made by [`PgStore::create_project`] when it
    /// still has no items (the rest of its making failed).
    pub fn discard_empty_project(&mut self) -> Result<(), ProjectError> {
        self.transaction(|c, _| project_row::discard_empty(c))
    }

    /// The label schema and its version.
    pub fn label_schema(&self) -> Result<(LabelSchema, i64), ProjectError> {
        self.with_conn(project_row::load_schema)
    }

    /// Runs `work` on the connection in one transaction, for writes the
    /// store's interface has no word for (moving a project onto the server).
    pub(super) fn in_transaction<T>(
        &mut self,
        work: impl FnOnce(&mut dyn ServerRows) -> Result<T, ProjectError>,
    ) -> Result<T, ProjectError> {
        Ok(self.row_transaction(|tx| work(tx))?.0)
    }

    /// Runs `work` on a transaction's row operations ([`PgTx`]); returns
    /// its value and the items it wrote.
    fn row_transaction<T>(
        &self,
        work: impl FnOnce(&mut PgTx) -> Result<T, ProjectError>,
    ) -> Result<(T, Vec<Written>), ProjectError> {
        let seen = self.seen.borrow();
        let mut written = Vec::new();
        let value = self.transaction(|conn, login| {
            work(&mut PgTx {
                conn,
                login,
                seen: &seen,
                written: &mut written,
            })
        })?;
        Ok((value, written))
    }

    /// Reads an item's rows with `read`, noting the item's version first:
    /// the version this workstation's next edit of the item expects.
    fn read_item<T>(
        &self,
        item: ItemId,
        read: impl FnOnce(&mut Conn) -> Result<T, ProjectError>,
    ) -> Result<T, ProjectError> {
        self.with_conn(|c| {
            let version = versions::version_before(c, item)?;
            let rows = read(c)?;
            if let Some(version) = version {
                self.seen.borrow_mut().note_read(item, version);
            }
            Ok(rows)
        })
    }
}

/// Writes of whole tables at once, as they are (ids, authors and times
/// kept), for moving a project onto the server ([`super::push`]).
pub(super) trait ServerRows: StoreTx {
    fn create_project(
        &mut self,
        row: &ProjectRow,
        schema: &LabelSchema,
    ) -> Result<(), ProjectError>;
    fn copy_items(
        &mut self,
        items: &[Item],
        texts: &[(ItemId, TextDoc)],
    ) -> Result<(), ProjectError>;
    fn copy_annotations(&mut self, all: &[Annotation]) -> Result<(), ProjectError>;
    fn copy_spans(&mut self, all: &[SpanAnnotation]) -> Result<(), ProjectError>;
    /// Appends entries as they were, in order (authors kept, which only an
    /// administrator may do).
    fn copy_log(&mut self, entries: &[LogEntry]) -> Result<(), ProjectError>;
    /// Moves every id sequence past the ids in use, and the annotation and
    /// span ids past `floors` (ids given out and deleted since).
    fn raise_sequences(&mut self, floors: (i64, i64)) -> Result<(), ProjectError>;
}

impl ServerRows for PgTx<'_> {
    fn create_project(
        &mut self,
        row: &ProjectRow,
        schema: &LabelSchema,
    ) -> Result<(), ProjectError> {
        project_row::create(self.conn, row, schema)
    }

    fn copy_items(
        &mut self,
        items: &[Item],
        texts: &[(ItemId, TextDoc)],
    ) -> Result<(), ProjectError> {
        let docs: Vec<(ItemId, &TextDoc)> = texts.iter().map(|(i, d)| (*i, d)).collect();
        text::copy_text_items(self.conn, items, &docs)
    }

    fn copy_annotations(&mut self, all: &[Annotation]) -> Result<(), ProjectError> {
        annotations::copy_as_they_are(self.conn, all)
    }

    fn copy_spans(&mut self, all: &[SpanAnnotation]) -> Result<(), ProjectError> {
        text::copy_spans(self.conn, all)
    }

    fn copy_log(&mut self, entries: &[LogEntry]) -> Result<(), ProjectError> {
        activity::copy_log(self.conn, entries)
    }

    fn raise_sequences(&mut self, (annotations, spans): (i64, i64)) -> Result<(), ProjectError> {
        self.conn.execute(
            "SELECT setval(pg_get_serial_sequence('shugu.' || t, 'id')::regclass, greatest(m, f))
               FROM (VALUES ('items', (SELECT coalesce(max(id), 0) FROM shugu.items), 0::bigint),
                            ('annotations', (SELECT coalesce(max(id), 0) FROM shugu.annotations), $1),
                            ('proposals', (SELECT coalesce(max(id), 0) FROM shugu.proposals), 0),
                            ('comments', (SELECT coalesce(max(id), 0) FROM shugu.comments), 0))
                    AS s(t, m, f)
              WHERE greatest(m, f) > 0",
            &[&annotations],
        )?;
        let spans_in_use: i64 = self
            .conn
            .query_one("SELECT coalesce(max(id), 0) FROM shugu.spans", &[])?
            .try_get(0)?;
        let floor = spans.max(spans_in_use);
        if floor > 0 {
            text::raise_span_floor(self.conn, floor)?;
        }
        Ok(())
    }
}

impl Store for PgStore {
    fn items(&self) -> Result<Vec<Item>, ProjectError> {
        self.with_conn(items::items)
    }

    fn insert_items(&mut self, new: &[NewItem]) -> Result<Vec<Item>, ProjectError> {
        self.transaction(|c, _| items::insert_items(c, new))
    }

    fn update_item_facts(&mut self, facts: &[NewItem]) -> Result<Vec<Item>, ProjectError> {
        self.transaction(|c, _| items::update_item_facts(c, facts))
    }

    fn annotation(&self, id: AnnotationId) -> Result<Option<Annotation>, ProjectError> {
        self.with_conn(|c| annotations::find(c, id))
    }

    fn annotations_of(&self, item: ItemId) -> Result<Vec<Annotation>, ProjectError> {
        self.read_item(item, |c| annotations::of_item(c, item))
    }

    fn proposal(&self, id: ProposalId) -> Result<Option<Proposal>, ProjectError> {
        self.with_conn(|c| proposals::find(c, id))
    }

    fn proposals_of(&self, item: ItemId) -> Result<Vec<Proposal>, ProjectError> {
        self.read_item(item, |c| proposals::of_item(c, item))
    }

    fn all_proposals(&self) -> Result<Vec<Proposal>, ProjectError> {
        self.with_conn(proposals::all)
    }

    fn items_with_proposals(&self) -> Result<Vec<ItemId>, ProjectError> {
        self.with_conn(proposals::items_with_proposals)
    }

    fn annotation_origin(
        &self,
        id: AnnotationId,
    ) -> Result<Option<AnnotationOrigin>, ProjectError> {
        self.with_conn(|c| annotations::origin(c, id))
    }

    fn all_annotations(&self) -> Result<Vec<Annotation>, ProjectError> {
        self.with_conn(annotations::all)
    }

    fn image_labels_of(&self, item: ItemId) -> Result<Vec<LabelId>, ProjectError> {
        self.read_item(item, |c| labels::labels_of(c, item))
    }

    fn all_image_labels(&self) -> Result<Vec<(ItemId, Vec<LabelId>)>, ProjectError> {
        self.with_conn(labels::all_labels)
    }

    fn items_with_class(&self, class: ClassId) -> Result<Vec<ItemId>, ProjectError> {
        self.with_conn(|c| activity::items_with_class(c, class))
    }

    fn annotators(&self) -> Result<Vec<String>, ProjectError> {
        self.with_conn(activity::annotators)
    }

    fn items_by_author(&self, author: &str) -> Result<Vec<ItemId>, ProjectError> {
        self.with_conn(|c| activity::items_by_author(c, author))
    }

    fn census(&self) -> Result<Census, ProjectError> {
        self.with_conn(activity::census)
    }

    fn label_counts(&self) -> Result<Vec<(LabelId, u64)>, ProjectError> {
        self.with_conn(labels::label_counts)
    }

    fn text_of(&self, item: ItemId) -> Result<Option<TextDoc>, ProjectError> {
        self.with_conn(|c| text::text_of(c, item))
    }

    fn text_len(&self, item: ItemId) -> Result<Option<u32>, ProjectError> {
        self.with_conn(|c| text::text_len(c, item))
    }

    fn all_texts(&self) -> Result<Vec<(ItemId, TextDoc)>, ProjectError> {
        self.with_conn(text::all_texts)
    }

    fn for_each_text(
        &self,
        f: &mut dyn FnMut(TextRow<'_>) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        self.with_conn(|c| text::for_each_text(c, f))
    }

    fn comments_of(&self, item: ItemId) -> Result<Vec<Comment>, ProjectError> {
        self.read_item(item, |c| review::comments_of(c, item))
    }

    fn span(&self, at: SpanRef) -> Result<Option<SpanAnnotation>, ProjectError> {
        self.with_conn(|c| text::span(c, at))
    }

    fn spans_of(&self, item: ItemId) -> Result<Vec<SpanAnnotation>, ProjectError> {
        self.read_item(item, |c| text::spans_of(c, item))
    }

    fn all_spans(&self) -> Result<Vec<SpanAnnotation>, ProjectError> {
        self.with_conn(text::all_spans)
    }

    fn all_span_extents(&self) -> Result<Vec<SpanExtent>, ProjectError> {
        self.with_conn(text::all_span_extents)
    }

    fn next_span_id(&self) -> Result<i64, ProjectError> {
        Ok(self.with_conn(text::span_floor)? + 1)
    }

    fn log_of(&self, item: Option<ItemId>, limit: usize) -> Result<Vec<LogEntry>, ProjectError> {
        self.with_conn(|c| activity::log_of(c, item, limit))
    }

    fn session_value(&self, key: &str) -> Result<Option<String>, ProjectError> {
        self.with_conn(|c| activity::session_value(c, key))
    }

    fn set_session_value(&mut self, key: &str, value: &str) -> Result<(), ProjectError> {
        self.transaction(|c, _| activity::set_session_value(c, key, value))
    }

    fn statuses(&self) -> Result<Vec<(ItemId, ItemStatus)>, ProjectError> {
        self.with_conn(items::statuses)
    }

    fn item_status(&self, item: ItemId) -> Result<Option<ItemStatus>, ProjectError> {
        self.with_conn(|c| items::item_status(c, item))
    }

    fn submissions_per_hour(&self) -> Result<Vec<(String, i64, usize)>, ProjectError> {
        self.with_conn(activity::submissions_per_hour)
    }

    fn items_changed_since(&self, since_ms: i64) -> Result<Vec<ItemId>, ProjectError> {
        self.with_conn(|c| activity::items_changed_since(c, since_ms))
    }

    fn adopt_log(&mut self, entries: &[LogEntry]) -> Result<usize, ProjectError> {
        self.transaction(|c, _| activity::adopt_log(c, entries))
    }

    fn write(
        &mut self,
        work: &mut dyn FnMut(&mut dyn StoreTx) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        let ((), mut written) = self.row_transaction(|tx| work(tx))?;
        if self.in_group {
            self.group_written.append(&mut written);
        } else {
            self.seen.get_mut().absorb(&written);
        }
        Ok(())
    }

    fn write_bulk(
        &mut self,
        work: &mut dyn FnMut(&mut dyn StoreTx) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        // The row operations copy many rows in by themselves.
        self.write(work)
    }

    fn reader(&self) -> Option<Box<dyn Store + Send>> {
        let reader = PgStore::open(self.connector.clone()).ok()?;
        Some(Box::new(reader))
    }

    fn begin_group(&mut self) -> Result<(), ProjectError> {
        if self.in_group {
            return Err(ProjectError::InvalidEdit(
                "a group of edits is already open".into(),
            ));
        }
        self.with_conn(|c| Ok(c.client.batch_execute("BEGIN")?))?;
        self.in_group = true;
        Ok(())
    }

    fn end_group(&mut self, commit: bool) -> Result<(), ProjectError> {
        if !self.in_group {
            return Err(ProjectError::InvalidEdit(
                "no group of edits is open".into(),
            ));
        }
        let ended = self.with_conn(|c| {
            // A statement of the group that failed outside a write's
            // savepoint aborted it, and COMMIT would then roll back without
            // an error: the probe fails instead.
            if commit
                && c.client.batch_execute("SELECT 1").is_ok()
                && c.client.batch_execute("COMMIT").is_ok()
            {
                return Ok(true);
            }
            c.client.batch_execute("ROLLBACK")?;
            Ok(!commit)
        });
        self.in_group = false;
        let written = std::mem::take(&mut self.group_written);
        match ended? {
            true if commit => {
                self.seen.get_mut().absorb(&written);
                Ok(())
            }
            true => Ok(()),
            false => Err(ProjectError::InvalidEdit(
                "the edits could not be committed; none of them was kept".into(),
            )),
        }
    }

    fn golden_items(&self) -> Result<Vec<ItemId>, ProjectError> {
        self.with_conn(review::golden_items)
    }

    fn item_versions(&self) -> Result<Vec<ItemVersion>, ProjectError> {
        self.with_conn(review::item_versions)
    }

    fn id_floors(&self) -> Result<(i64, i64), ProjectError> {
        self.with_conn(|c| {
            let annotations: i64 = c
                .query_one(
                    "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END
                       FROM shugu.annotations_id_seq",
                    &[],
                )?
                .try_get(0)?;
            Ok((annotations, text::span_floor(c)?))
        })
    }

    fn write_package(
        &mut self,
        _info: &PackageInfo,
        _items: &[PackageItem],
    ) -> Result<(), ProjectError> {
        Err(ProjectError::InvalidEdit(
            "a work package is a project of its own folder, never one on a server".into(),
        ))
    }

    fn package_info(&self) -> Result<Option<PackageInfo>, ProjectError> {
        Ok(None)
    }

    fn package_items(&self) -> Result<Vec<PackageItem>, ProjectError> {
        Ok(Vec::new())
    }

    fn login(&self) -> Option<&str> {
        Some(&self.login)
    }

    fn live_feed(&self) -> Result<Option<crate::project::LiveFeed>, ProjectError> {
        let (listener, changes) = super::Listener::start(&self.connector)?;
        Ok(Some(crate::project::LiveFeed::new(listener, changes)))
    }
}
