//! The SQLite implementation of [`Store`]. WAL mode with `synchronous=FULL`, so an
//! edit is on disk when `apply` returns and survives a crash or power loss.

use super::ProjectError;
use super::span_pack;
use super::sqlite_activity;
use super::sqlite_fresh::{self, FreshDatabase};
use super::sqlite_labels::{self, LabelReader};
use super::sqlite_packages;
use super::sqlite_proposals;
use super::sqlite_review;
use super::sqlite_text;
use super::sqlite_text_layouts;
use super::store::{EditContext, LogEntry, NewItem, Store, StoredEdit};
use crate::model::{
    AcceptedProposal, AnnotationId, Attributes, BBox, BoxAnnotation, BoxOrigin, ClassId, Edit,
    ImageLabelMode, Item, ItemId, ItemStatus, LabelId, NewBox, Proposal, ProposalId, Provenance,
    SpanAnnotation, SpanId, SpanRef, TextDoc,
};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The database layout version (`PRAGMA user_version`). 2: the `done`
/// status became `submitted`, and review statuses exist. 3: boxes have
/// attributes (`boxes.attrs`, JSON; NULL when there are none), and an item's
/// spans are packed into its `texts` row instead of one `spans` row each. Both
/// migrations look at the tables rather than the version. 4: span packs of
/// layout 2 (see [`span_pack`]); layout 1 is still read. 5: texts in blocks
/// of consecutive items (`text_blocks`), edited spans in `span_packs`. 6:
/// imported document classes in blocks too (see [`sqlite_labels`]).
pub const DB_VERSION: i64 = 6;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS items(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rel_path TEXT NOT NULL UNIQUE,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    error TEXT
);
CREATE TABLE IF NOT EXISTS boxes(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL,
    class_id INTEGER NOT NULL,
    x0 REAL NOT NULL, y0 REAL NOT NULL, x1 REAL NOT NULL, y1 REAL NOT NULL,
    author TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    attrs TEXT
);
CREATE INDEX IF NOT EXISTS boxes_by_item ON boxes(item_id);
CREATE TABLE IF NOT EXISTS image_labels(
    item_id INTEGER NOT NULL,
    label_id INTEGER NOT NULL,
    author TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY(item_id, label_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edit_log(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    time_ms INTEGER NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL,
    item_id INTEGER,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS edit_log_by_item ON edit_log(item_id);
CREATE TABLE IF NOT EXISTS session(key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

/// Edits whose JSON is longer than this are logged as a summary, so a bulk import
/// doesn't copy itself into the audit trail.
const MAX_LOGGED_DETAIL: usize = 4096;

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// The migrated copy an older database is read through, deleted with
    /// the store (see [`SqliteStore::open`]).
    _copy: Option<tempfile::TempDir>,
}

/// Edits that write more rows than this commit without the automatic WAL
/// checkpoint; a background connection copies the WAL into the database instead,
/// so a bulk import returns as soon as it is durable (in the WAL).
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

impl SqliteStore {
    /// Opens (creating when writable) the database at `path`.
    pub fn open(path: &Path, read_only: bool) -> Result<Self, ProjectError> {
        let mut conn = if read_only {
            Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?
        } else {
            Connection::open(path)?
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > DB_VERSION {
            return Err(ProjectError::NewerFormat {
                path: path.to_path_buf(),
                found: version as u32,
                supported: DB_VERSION as u32,
            });
        }
        if read_only && version < DB_VERSION {
            return Self::open_migrated_copy(&conn);
        }
        if !read_only {
            sqlite_fresh::remove_unfinished(path)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            // 64 MiB of page cache: a bulk insert then rewrites fewer pages into the WAL.
            conn.pragma_update(None, "cache_size", -65_536)?;
            create_tables(&conn)?;
            if version < 2 {
                conn.execute(
                    "UPDATE items SET status = 'submitted' WHERE status = 'done'",
                    [],
                )?;
            }
            sqlite_text_layouts::move_forward(&mut conn)?;
            conn.pragma_update(None, "user_version", DB_VERSION)?;
        }
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            _copy: None,
        })
    }

    /// An older database cannot be moved forward where it is when it is
    /// opened read-only (another Shugu may be reading it, or the folder may
    /// be read-only), so it is read through a copy in the system's temporary
    /// folder that is moved forward as a writable open would, and deleted
    /// when the store is dropped. The original is not changed.
    fn open_migrated_copy(conn: &Connection) -> Result<Self, ProjectError> {
        let copy = tempfile::Builder::new()
            .prefix("shugu-older-")
            .tempdir()
            .map_err(|e| ProjectError::io(std::env::temp_dir(), e))?;
        let copy_path = copy.path().join("shugu.db");
        let target = copy_path.to_string_lossy().into_owned();
        // A consistent snapshot, the WAL's committed pages included.
        conn.execute("VACUUM INTO ?1", [&target])?;
        let mut store = Self::open(&copy_path, false)?;
        store._copy = Some(copy);
        Ok(store)
    }
}

/// Creates the tables a database lacks, and the columns added since
/// version 2.
fn create_tables(conn: &Connection) -> Result<(), ProjectError> {
    conn.execute_batch(SCHEMA)?;
    add_box_attributes_column(conn)?;
    conn.execute_batch(sqlite_text::TEXT_SCHEMA)?;
    conn.execute_batch(sqlite_labels::LABELS_SCHEMA)?;
    conn.execute_batch(sqlite_review::REVIEW_SCHEMA)?;
    conn.execute_batch(sqlite_packages::PACKAGE_SCHEMA)?;
    conn.execute_batch(sqlite_proposals::PROPOSAL_SCHEMA)?;
    Ok(())
}

/// Databases made before version 3 have no `boxes.attrs`; adds it (NULL: no
/// attributes). Looks at the table rather than the version, so it is safe to
/// run on every open.
fn add_box_attributes_column(conn: &Connection) -> Result<(), ProjectError> {
    if !has_box_attributes_column(conn)? {
        conn.execute_batch("ALTER TABLE boxes ADD COLUMN attrs TEXT")?;
    }
    Ok(())
}

fn has_box_attributes_column(conn: &Connection) -> Result<bool, ProjectError> {
    Ok(conn
        .prepare("SELECT 1 FROM pragma_table_info('boxes') WHERE name = 'attrs'")?
        .exists([])?)
}

/// A box's attributes as stored: JSON, or NULL for none.
fn attrs_to_db(attrs: &Attributes) -> Result<Option<String>, ProjectError> {
    if attrs.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(attrs)
        .map(Some)
        .map_err(|e| ProjectError::InvalidEdit(format!("box attributes: {e}")))
}

/// Stored attributes back; a value this version cannot read is an error
/// naming the column rather than silently dropped attributes.
fn attrs_from_db(text: Option<String>) -> rusqlite::Result<Attributes> {
    match text {
        None => Ok(Attributes::new()),
        Some(t) => serde_json::from_str(&t).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(11, rusqlite::types::Type::Text, Box::new(e))
        }),
    }
}

impl SqliteStore {
    /// The items with a box that `box_query` (one parameter) selects or a span
    /// that `span_matches`, in order.
    fn items_with_annotation(
        &self,
        box_query: &str,
        param: impl rusqlite::ToSql,
        span_matches: &dyn Fn(&span_pack::PackedSpan) -> bool,
    ) -> Result<Vec<ItemId>, ProjectError> {
        let mut stmt = self.conn.prepare_cached(box_query)?;
        let rows = stmt.query_map([param], |r| Ok(ItemId(r.get(0)?)))?;
        let mut items: Vec<ItemId> = rows.collect::<Result<_, _>>()?;
        sqlite_text::for_each_span(&self.conn, &mut |item, s| {
            if span_matches(&s) && items.last() != Some(&item) {
                items.push(item);
            }
            Ok(())
        })?;
        items.sort_unstable();
        items.dedup();
        Ok(items)
    }

    /// Ends an edit whose transaction was just committed (or failed to). After
    /// a bulk edit the automatic checkpoint is turned back on and a background
    /// connection copies the WAL into the database instead.
    fn after_commit(
        &self,
        committed: rusqlite::Result<()>,
        finished: Finished,
    ) -> Result<StoredEdit, ProjectError> {
        if finished.bulk {
            self.conn
                .pragma_update(None, "wal_autocheckpoint", AUTO_CHECKPOINT_PAGES)?;
            if committed.is_ok() {
                checkpoint_in_background(self.path.clone());
            }
        }
        committed?;
        Ok(finished.stored)
    }
}

/// A write transaction of its own, or, inside a group of edits
/// ([`Store::begin_group`]), a savepoint of the group's transaction, which
/// commits nothing until the group does.
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

fn status_from_db(s: &str) -> ItemStatus {
    ItemStatus::parse(s).unwrap_or(ItemStatus::New)
}

/// An `items` row of `id, rel_path, width, height, status, error`.
fn row_to_item(r: &rusqlite::Row) -> rusqlite::Result<Item> {
    Ok(Item {
        id: ItemId(r.get(0)?),
        rel_path: r.get(1)?,
        width: r.get(2)?,
        height: r.get(3)?,
        status: status_from_db(&r.get::<_, String>(4)?),
        error: r.get(5)?,
    })
}

fn row_to_box(r: &rusqlite::Row) -> rusqlite::Result<BoxAnnotation> {
    Ok(BoxAnnotation {
        id: AnnotationId(r.get(0)?),
        item: ItemId(r.get(1)?),
        class: ClassId(r.get(2)?),
        bbox: BBox {
            min_x: r.get::<_, f64>(3)? as f32,
            min_y: r.get::<_, f64>(4)? as f32,
            max_x: r.get::<_, f64>(5)? as f32,
            max_y: r.get::<_, f64>(6)? as f32,
        },
        provenance: Provenance {
            author: r.get(7)?,
            created_ms: r.get(8)?,
            updated_by: r.get(9)?,
            updated_ms: r.get(10)?,
        },
        attributes: attrs_from_db(r.get(11)?)?,
    })
}

const BOX_COLUMNS: &str =
    "id, item_id, class_id, x0, y0, x1, y1, author, created_ms, updated_by, updated_ms, attrs";

fn box_by_id(tx: &Connection, id: AnnotationId) -> Result<BoxAnnotation, ProjectError> {
    tx.prepare_cached(&format!("SELECT {BOX_COLUMNS} FROM boxes WHERE id = ?1"))?
        .query_row([id.0], row_to_box)
        .optional()?
        .ok_or_else(|| ProjectError::InvalidEdit(format!("there is no box with id {id}")))
}

/// For re-inserting a row under its original id (undo of a delete): a
/// constraint violation means the id is in use, which the edit is told.
pub(super) fn taken_id(
    what: &'static str,
    id: impl std::fmt::Display,
) -> impl FnOnce(rusqlite::Error) -> ProjectError {
    move |e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            ProjectError::InvalidEdit(format!("a {what} with id {id} already exists"))
        }
        e => e.into(),
    }
}

/// Re-inserts a box with its original id and provenance (undo of a delete).
fn restore_box(tx: &Connection, b: &BoxAnnotation) -> Result<(), ProjectError> {
    insert_box_row(tx, Some(b.id), b).map(|_| ())
}

/// Inserts a box with its provenance, under `id` or, when `None`, a new one;
/// returns the id.
fn insert_box_row(
    tx: &Connection,
    id: Option<AnnotationId>,
    b: &BoxAnnotation,
) -> Result<AnnotationId, ProjectError> {
    let p = &b.provenance;
    let bb = &b.bbox;
    tx.prepare_cached(&format!(
        "INSERT INTO boxes({BOX_COLUMNS}) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"
    ))?
    .execute(params![
        id.map(|id| id.0),
        b.item.0,
        b.class.0,
        bb.min_x,
        bb.min_y,
        bb.max_x,
        bb.max_y,
        p.author,
        p.created_ms,
        p.updated_by,
        p.updated_ms,
        attrs_to_db(&b.attributes)?
    ])
    .map_err(taken_id("box", b.id))?;
    Ok(AnnotationId(tx.last_insert_rowid()))
}

/// Rows per multi-row `INSERT` of new boxes: 7 parameters each plus 3 shared,
/// well below SQLite's limit of 32766 parameters per statement.
const INSERT_CHUNK: usize = 512;

/// The multi-row `INSERT` statement for `rows` new boxes. `?1`..`?3` (author,
/// created time, updated time) are shared by all rows, so the author is bound
/// once per statement instead of twice per row.
fn insert_new_boxes_sql(rows: usize) -> String {
    use std::fmt::Write as _;
    let mut sql = String::with_capacity(120 + rows * 48);
    sql.push_str(
        "INSERT INTO boxes(item_id, class_id, x0, y0, x1, y1, attrs, author, created_ms, updated_by, updated_ms) VALUES",
    );
    for r in 0..rows {
        let p = 4 + r * 7;
        let sep = if r == 0 { "" } else { "," };
        let _ = write!(
            sql,
            "{sep}(?{},?{},?{},?{},?{},?{},?{},?1,?2,?1,?3)",
            p,
            p + 1,
            p + 2,
            p + 3,
            p + 4,
            p + 5,
            p + 6
        );
    }
    sql
}

/// Inserts new boxes with the edit's author and time and returns their ids, in
/// the order of `new`.
///
/// A statement per row spent most of a million-box import on per-statement work
/// (cache lookup, binding, a VM run, two author `String`s); [`INSERT_CHUNK`] rows
/// per statement cut that overhead by the chunk size. Ids: `boxes.id` is
/// `AUTOINCREMENT`, which gives each row the largest id the table ever had plus
/// one, so within one statement of this write transaction the rows get
/// consecutive ids in `VALUES` order, the last being `last_insert_rowid()`.
/// (`RETURNING id` would say the same at twice the cost of the whole insert.)
fn insert_new_boxes(
    tx: &Connection,
    new: &[NewBox],
    ctx: &EditContext,
) -> Result<Vec<AnnotationId>, ProjectError> {
    let mut ids = Vec::with_capacity(new.len());
    let full_chunk_sql = insert_new_boxes_sql(INSERT_CHUNK);
    for chunk in new.chunks(INSERT_CHUNK) {
        let mut stmt = if chunk.len() == INSERT_CHUNK {
            tx.prepare_cached(&full_chunk_sql)?
        } else {
            tx.prepare_cached(&insert_new_boxes_sql(chunk.len()))?
        };
        stmt.raw_bind_parameter(1, ctx.author)?;
        stmt.raw_bind_parameter(2, ctx.time_ms)?;
        stmt.raw_bind_parameter(3, ctx.time_ms)?;
        for (r, n) in chunk.iter().enumerate() {
            let p = 4 + r * 7;
            let bb = &n.bbox;
            stmt.raw_bind_parameter(p, n.item.0)?;
            stmt.raw_bind_parameter(p + 1, n.class.0)?;
            stmt.raw_bind_parameter(p + 2, f64::from(bb.min_x))?;
            stmt.raw_bind_parameter(p + 3, f64::from(bb.min_y))?;
            stmt.raw_bind_parameter(p + 4, f64::from(bb.max_x))?;
            stmt.raw_bind_parameter(p + 5, f64::from(bb.max_y))?;
            stmt.raw_bind_parameter(p + 6, attrs_to_db(&n.attributes)?)?;
        }
        let inserted = stmt.raw_execute()?;
        if inserted != chunk.len() {
            return Err(ProjectError::InvalidEdit(format!(
                "inserting {} boxes inserted {inserted}",
                chunk.len()
            )));
        }
        let last = tx.last_insert_rowid();
        let first = last - inserted as i64 + 1;
        ids.extend((first..=last).map(AnnotationId));
    }
    Ok(ids)
}

/// Moves the `new` items among `items` (ascending) to in progress and returns
/// the ones that were new, ascending. One `UPDATE … RETURNING` per run of
/// consecutive ids, so an import over 100k items takes a few statements rather
/// than 200k (a status read and an update per item).
fn start_progress(
    tx: &Connection,
    items: impl Iterator<Item = ItemId>,
) -> Result<Vec<ItemId>, ProjectError> {
    let mut stmt = tx.prepare_cached(
        "UPDATE items SET status = 'in_progress' \
         WHERE id BETWEEN ?1 AND ?2 AND status = 'new' RETURNING id",
    )?;
    let mut started = Vec::new();
    let mut runs = Vec::new();
    for item in items {
        match runs.last_mut() {
            Some((_, to)) if item.0 == *to + 1 => *to = item.0,
            _ => runs.push((item.0, item.0)),
        }
    }
    for (from, to) in runs {
        let rows = stmt.query_map([from, to], |r| r.get::<_, i64>(0))?;
        for id in rows {
            started.push(ItemId(id?));
        }
    }
    // RETURNING does not promise an order.
    started.sort_unstable();
    Ok(started)
}

/// Sets an item's status; returns the one it had.
fn set_status_in(
    tx: &Connection,
    item: ItemId,
    status: ItemStatus,
) -> Result<ItemStatus, ProjectError> {
    let old = item_status_in(tx, item)?
        .ok_or_else(|| ProjectError::InvalidEdit(format!("there is no item with id {item}")))?;
    tx.prepare_cached("UPDATE items SET status = ?2 WHERE id = ?1")?
        .execute(params![item.0, status.as_str()])?;
    Ok(old)
}

/// Items grouped by what they had before a many-item edit, in order of first
/// appearance: the inverse is one many-item edit per group.
struct Grouped<T> {
    groups: Vec<(T, Vec<ItemId>)>,
}

impl<T> Default for Grouped<T> {
    fn default() -> Self {
        Self { groups: Vec::new() }
    }
}

impl<T: PartialEq> Grouped<T> {
    /// Statuses and label sets are few, so a linear search beats hashing.
    fn add(&mut self, before: T, item: ItemId) {
        match self.groups.iter_mut().find(|(b, _)| *b == before) {
            Some((_, items)) => items.push(item),
            None => self.groups.push((before, vec![item])),
        }
    }

    fn into_edit(mut self, edit: impl Fn(T, Vec<ItemId>) -> Edit) -> Edit {
        if self.groups.len() == 1
            && let Some((before, items)) = self.groups.pop()
        {
            return edit(before, items);
        }
        Edit::Batch(
            self.groups
                .into_iter()
                .map(|(b, items)| edit(b, items))
                .collect(),
        )
    }
}

fn item_status_in(tx: &Connection, item: ItemId) -> Result<Option<ItemStatus>, ProjectError> {
    Ok(tx
        .prepare_cached("SELECT status FROM items WHERE id = ?1")?
        .query_row([item.0], |r| r.get::<_, String>(0))
        .optional()?
        .map(|s| status_from_db(&s)))
}

/// What one application of an edit changed, gathered while it runs.
#[derive(Default)]
struct Changes {
    /// Items whose annotations changed (not only their status).
    annotated: BTreeSet<ItemId>,
    touched: BTreeSet<ItemId>,
    created: Vec<AnnotationId>,
    created_spans: Vec<SpanId>,
    /// Items whose proposals changed (not an annotation: no status change).
    proposed: BTreeSet<ItemId>,
}

fn apply_in(
    tx: &Connection,
    edit: &Edit,
    ctx: &EditContext,
    ch: &mut Changes,
) -> Result<Edit, ProjectError> {
    Ok(match edit {
        Edit::AddBoxes(new) => {
            let ids = insert_new_boxes(tx, new, ctx)?;
            let mut last = None;
            for n in new {
                // Boxes usually come grouped by item; skip the set for repeats.
                if last != Some(n.item) {
                    ch.annotated.insert(n.item);
                    last = Some(n.item);
                }
            }
            ch.created.extend(&ids);
            Edit::DeleteBoxes(ids)
        }
        Edit::RestoreBoxes(boxes) => {
            for b in boxes {
                restore_box(tx, b)?;
                ch.annotated.insert(b.item);
            }
            Edit::DeleteBoxes(boxes.iter().map(|b| b.id).collect())
        }
        Edit::DeleteBoxes(ids) => {
            let mut removed = Vec::with_capacity(ids.len());
            for &id in ids {
                let b = box_by_id(tx, id)?;
                tx.prepare_cached("DELETE FROM boxes WHERE id = ?1")?
                    .execute([id.0])?;
                ch.annotated.insert(b.item);
                removed.push(b);
            }
            Edit::RestoreBoxes(removed)
        }
        Edit::CopyBoxes(boxes) => {
            let mut ids = Vec::with_capacity(boxes.len());
            for b in boxes {
                ids.push(insert_box_row(tx, None, b)?);
                ch.annotated.insert(b.item);
            }
            ch.created.extend(&ids);
            Edit::DeleteBoxes(ids)
        }
        Edit::SetBoxGeometry { id, bbox } => {
            let old = box_by_id(tx, *id)?;
            tx.prepare_cached(
                "UPDATE boxes SET x0=?2, y0=?3, x1=?4, y1=?5, updated_by=?6, updated_ms=?7 WHERE id=?1",
            )?
            .execute(params![
                id.0, bbox.min_x, bbox.min_y, bbox.max_x, bbox.max_y, ctx.author, ctx.time_ms
            ])?;
            ch.annotated.insert(old.item);
            Edit::SetBoxGeometry {
                id: *id,
                bbox: old.bbox,
            }
        }
        Edit::SetBoxClass { id, class } => {
            let old = box_by_id(tx, *id)?;
            tx.prepare_cached(
                "UPDATE boxes SET class_id=?2, updated_by=?3, updated_ms=?4 WHERE id=?1",
            )?
            .execute(params![id.0, class.0, ctx.author, ctx.time_ms])?;
            ch.annotated.insert(old.item);
            Edit::SetBoxClass {
                id: *id,
                class: old.class,
            }
        }
        Edit::SetBoxAttributes { id, attributes } => {
            let old = box_by_id(tx, *id)?;
            tx.prepare_cached(
                "UPDATE boxes SET attrs=?2, updated_by=?3, updated_ms=?4 WHERE id=?1",
            )?
            .execute(params![
                id.0,
                attrs_to_db(attributes)?,
                ctx.author,
                ctx.time_ms
            ])?;
            ch.annotated.insert(old.item);
            Edit::SetBoxAttributes {
                id: *id,
                attributes: old.attributes,
            }
        }
        Edit::AddSpans(new) => {
            let ids = sqlite_text::insert_spans(tx, new, ctx)?;
            ch.annotated.extend(new.iter().map(|s| s.item));
            ch.created_spans.extend(&ids);
            Edit::DeleteSpans(
                new.iter()
                    .zip(ids)
                    .map(|(s, id)| SpanRef { item: s.item, id })
                    .collect(),
            )
        }
        Edit::RestoreSpans(spans) => {
            sqlite_text::restore_spans(tx, spans)?;
            ch.annotated.extend(spans.iter().map(|s| s.item));
            Edit::DeleteSpans(spans.iter().map(SpanAnnotation::span_ref).collect())
        }
        Edit::DeleteSpans(refs) => {
            let removed = sqlite_text::delete_spans(tx, refs)?;
            ch.annotated.extend(refs.iter().map(|r| r.item));
            Edit::RestoreSpans(removed)
        }
        Edit::CopySpans(spans) => {
            let ids = sqlite_text::copy_spans(tx, spans)?;
            ch.annotated.extend(spans.iter().map(|s| s.item));
            ch.created_spans.extend(&ids);
            Edit::DeleteSpans(
                spans
                    .iter()
                    .zip(ids)
                    .map(|(s, id)| SpanRef { item: s.item, id })
                    .collect(),
            )
        }
        Edit::SetSpanClass { span, class } => {
            let old = sqlite_text::set_span_class(tx, *span, *class, ctx)?;
            ch.annotated.insert(old.item);
            Edit::SetSpanClass {
                span: *span,
                class: old.class,
            }
        }
        Edit::AddComments(new) => {
            let ids = sqlite_review::insert_comments(tx, new, ctx)?;
            ch.touched.extend(new.iter().map(|c| c.item));
            Edit::DeleteComments(ids)
        }
        Edit::RestoreComments(comments) => {
            for c in comments {
                sqlite_review::restore_comment(tx, c)?;
                ch.touched.insert(c.item);
            }
            Edit::DeleteComments(comments.iter().map(|c| c.id).collect())
        }
        Edit::DeleteComments(ids) => {
            let mut removed = Vec::with_capacity(ids.len());
            for &id in ids {
                let c = sqlite_review::delete_comment(tx, id)?;
                ch.touched.insert(c.item);
                removed.push(c);
            }
            Edit::RestoreComments(removed)
        }
        Edit::SetImageLabels { item, labels } => {
            let old = LabelReader::new().set(tx, *item, labels, ctx)?;
            ch.annotated.insert(*item);
            Edit::SetImageLabels {
                item: *item,
                labels: old,
            }
        }
        Edit::SetItemsImageLabels { items, labels } => {
            let mut before = Grouped::default();
            let mut reader = LabelReader::new();
            for &item in items {
                before.add(reader.set(tx, item, labels, ctx)?, item);
                ch.annotated.insert(item);
            }
            before.into_edit(|labels, items| Edit::SetItemsImageLabels { items, labels })
        }
        Edit::SetImageLabelMode { from, to } => {
            // The project saves the mode; back to one label per item only
            // when no item holds several.
            if *to == ImageLabelMode::Single
                && let Some((item, _)) = sqlite_labels::all_labels(tx)?
                    .into_iter()
                    .find(|(_, labels)| labels.len() > 1)
            {
                return Err(ProjectError::InvalidEdit(format!(
                    "item {item} has several labels, so the project cannot go back to one label per item"
                )));
            }
            Edit::SetImageLabelMode {
                from: *to,
                to: *from,
            }
        }
        Edit::SetStatus { item, status } => {
            let old = set_status_in(tx, *item, *status)?;
            ch.touched.insert(*item);
            Edit::SetStatus {
                item: *item,
                status: old,
            }
        }
        Edit::SetItemsStatus { items, status } => {
            let mut before = Grouped::default();
            for &item in items {
                before.add(set_status_in(tx, item, *status)?, item);
                ch.touched.insert(item);
            }
            before.into_edit(|status, items| Edit::SetItemsStatus { items, status })
        }
        Edit::SetGolden { item, golden } => {
            let was = sqlite_packages::set_golden(tx, *item, *golden, ctx)?;
            ch.touched.insert(*item);
            Edit::SetGolden {
                item: *item,
                golden: was,
            }
        }
        Edit::SetItemVersion {
            item,
            annotator,
            kind,
            body,
        } => {
            let old =
                sqlite_packages::set_version(tx, *item, annotator, *kind, body.as_ref(), ctx)?;
            ch.touched.insert(*item);
            Edit::SetItemVersion {
                item: *item,
                annotator: annotator.clone(),
                kind: *kind,
                body: old,
            }
        }
        Edit::AddProposals(new) => {
            let ids = sqlite_proposals::insert_proposals(tx, new)?;
            ch.proposed.extend(new.iter().map(|p| p.item));
            Edit::DeleteProposals(ids)
        }
        Edit::RestoreProposals(proposals) => {
            for p in proposals {
                sqlite_proposals::restore_proposal(tx, p)?;
                ch.proposed.insert(p.item);
            }
            Edit::DeleteProposals(proposals.iter().map(|p| p.id).collect())
        }
        Edit::DeleteProposals(ids) => {
            let mut removed = Vec::with_capacity(ids.len());
            for &id in ids {
                let p = sqlite_proposals::delete_proposal(tx, id)?;
                ch.proposed.insert(p.item);
                removed.push(p);
            }
            Edit::RestoreProposals(removed)
        }
        Edit::AcceptProposals(ids) => {
            let mut accepted = Vec::with_capacity(ids.len());
            for &id in ids {
                let proposal = sqlite_proposals::delete_proposal(tx, id)?;
                let mut b = sqlite_proposals::accepted_box(&proposal, ctx);
                b.id = insert_box_row(tx, None, &b)?;
                sqlite_proposals::set_origin(tx, b.id, &sqlite_proposals::origin_of(&proposal))?;
                ch.annotated.insert(b.item);
                ch.created.push(b.id);
                accepted.push(AcceptedProposal {
                    proposal,
                    accepted: b,
                });
            }
            Edit::UnacceptProposals(accepted)
        }
        Edit::UnacceptProposals(accepted) => {
            for a in accepted {
                let b = box_by_id(tx, a.box_id())?;
                tx.prepare_cached("DELETE FROM boxes WHERE id = ?1")?
                    .execute([b.id.0])?;
                sqlite_proposals::clear_origin(tx, b.id)?;
                sqlite_proposals::restore_proposal(tx, &a.proposal)?;
                ch.annotated.insert(b.item);
            }
            Edit::RestoreAccepted(accepted.clone())
        }
        Edit::RestoreAccepted(accepted) => {
            for a in accepted {
                sqlite_proposals::delete_proposal(tx, a.proposal.id)?;
                restore_box(tx, &a.accepted)?;
                sqlite_proposals::set_origin(
                    tx,
                    a.box_id(),
                    &sqlite_proposals::origin_of(&a.proposal),
                )?;
                ch.annotated.insert(a.accepted.item);
            }
            Edit::UnacceptProposals(accepted.clone())
        }
        Edit::Batch(edits) => {
            let mut inverses = Vec::with_capacity(edits.len());
            for e in edits {
                inverses.push(apply_in(tx, e, ctx, ch)?);
            }
            inverses.reverse();
            Edit::Batch(inverses)
        }
    })
}

/// An edit's work inside its transaction, done and logged; ready to commit.
struct Finished {
    stored: StoredEdit,
    /// Written so many rows that the WAL is checkpointed in the background.
    bulk: bool,
}

/// The common end of every edit's transaction: the first annotation on a new
/// item puts it in progress (unless the caller did, and says which items it
/// `started`), the edit goes into the audit trail, and a bulk edit turns off the
/// automatic checkpoint for its commit.
fn finish_in(
    tx: &Connection,
    kind: &str,
    detail: String,
    mut inverse: Edit,
    mut ch: Changes,
    started: Option<Vec<ItemId>>,
    ctx: &EditContext,
) -> Result<Finished, ProjectError> {
    // Only for fresh edits: an undo or redo already carries the exact status change
    // in its inverse, and an explicit status in the same edit wins.
    let fresh = ctx.origin == "edit";
    let started = match started {
        _ if !fresh => Vec::new(),
        Some(started) => started,
        None => {
            let candidates = ch.annotated.iter().copied();
            start_progress(tx, candidates.filter(|i| !ch.touched.contains(i)))?
        }
    };
    if !started.is_empty() {
        let reset = Edit::SetItemsStatus {
            items: started,
            status: ItemStatus::New,
        };
        inverse = Edit::Batch(vec![inverse, reset]);
    }

    // `append` merges in linear time, whichever set is the large one.
    let mut touched = std::mem::take(&mut ch.annotated);
    touched.append(&mut ch.touched);
    touched.append(&mut ch.proposed);
    let touched: Vec<ItemId> = touched.into_iter().collect();
    let log_item = if touched.len() == 1 {
        Some(touched[0].0)
    } else {
        None
    };
    let kind = if fresh {
        kind.to_string()
    } else {
        format!("{}:{kind}", ctx.origin)
    };
    tx.prepare_cached(
        "INSERT INTO edit_log(time_ms, author, kind, item_id, detail) VALUES(?1,?2,?3,?4,?5)",
    )?
    .execute(params![ctx.time_ms, ctx.author, kind, log_item, detail])?;
    let bulk =
        ch.created.len() + ch.created_spans.len() + touched.len() > BACKGROUND_CHECKPOINT_ROWS;
    if bulk {
        tx.pragma_update(None, "wal_autocheckpoint", 0)?;
    }
    Ok(Finished {
        stored: StoredEdit {
            inverse,
            touched,
            created: ch.created,
            created_spans: ch.created_spans,
        },
        bulk,
    })
}

/// The audit-trail text of an edit: its JSON, or a count when it is large.
fn log_detail(edit: &Edit) -> String {
    // Serialise into a buffer that refuses to grow past the limit, so a
    // million-box import is summarised without first being written out whole.
    let mut json = Capped(Vec::with_capacity(MAX_LOGGED_DETAIL));
    if serde_json::to_writer(&mut json, edit).is_ok()
        && let Ok(text) = String::from_utf8(json.0)
    {
        return text;
    }
    let count = match edit {
        Edit::AddBoxes(v) => v.len(),
        Edit::RestoreBoxes(v) => v.len(),
        Edit::DeleteBoxes(v) => v.len(),
        Edit::AddProposals(v) => v.len(),
        Edit::RestoreProposals(v) => v.len(),
        Edit::DeleteProposals(v) => v.len(),
        Edit::AcceptProposals(v) => v.len(),
        Edit::UnacceptProposals(v) => v.len(),
        Edit::RestoreAccepted(v) => v.len(),
        Edit::Batch(v) => v.len(),
        _ => 1,
    };
    count_detail(edit.kind(), count)
}

/// The audit-trail summary of a large edit.
fn count_detail(kind: &str, count: usize) -> String {
    serde_json::json!({ "kind": kind, "count": count }).to_string()
}

/// A writer that fails once more than [`MAX_LOGGED_DETAIL`] bytes are written.
struct Capped(Vec<u8>);

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_LOGGED_DETAIL {
            return Err(std::io::Error::other("too long for the edit log"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Store for SqliteStore {
    fn items(&self) -> Result<Vec<Item>, ProjectError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, rel_path, width, height, status, error FROM items ORDER BY id")?;
        let rows = stmt.query_map([], row_to_item)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn insert_items(&mut self, items: &[NewItem]) -> Result<Vec<Item>, ProjectError> {
        let tx = WriteTx::begin(&mut self.conn)?;
        let mut added = Vec::with_capacity(items.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO items(rel_path, width, height, status, error) VALUES(?1,?2,?3,'new',?4)",
            )?;
            for it in items {
                if insert.execute(params![it.rel_path, it.width, it.height, it.error])? == 1 {
                    added.push(Item {
                        id: ItemId(tx.last_insert_rowid()),
                        rel_path: it.rel_path.clone(),
                        width: it.width,
                        height: it.height,
                        status: ItemStatus::New,
                        error: it.error.clone(),
                    });
                }
            }
        }
        tx.commit()?;
        Ok(added)
    }

    fn update_item_facts(&mut self, items: &[NewItem]) -> Result<Vec<Item>, ProjectError> {
        let tx = WriteTx::begin(&mut self.conn)?;
        let mut changed = Vec::new();
        {
            let mut update = tx.prepare_cached(
                "UPDATE items SET width = ?2, height = ?3, error = ?4 WHERE rel_path = ?1 \
                 AND (width IS NOT ?2 OR height IS NOT ?3 OR error IS NOT ?4) \
                 RETURNING id, rel_path, width, height, status, error",
            )?;
            for it in items {
                let params = params![it.rel_path, it.width, it.height, it.error];
                if let Some(item) = update.query_row(params, row_to_item).optional()? {
                    changed.push(item);
                }
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    fn text_of(&self, item: ItemId) -> Result<Option<TextDoc>, ProjectError> {
        sqlite_text::text_of(&self.conn, item)
    }

    fn text_len(&self, item: ItemId) -> Result<Option<u32>, ProjectError> {
        sqlite_text::text_len(&self.conn, item)
    }

    fn all_texts(&self) -> Result<Vec<(ItemId, TextDoc)>, ProjectError> {
        sqlite_text::all_texts(&self.conn)
    }

    fn for_each_text(
        &self,
        f: &mut dyn FnMut(sqlite_text::TextRow<'_>) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        sqlite_text::for_each_text(&self.conn, f)
    }

    fn comments_of(&self, item: ItemId) -> Result<Vec<crate::model::Comment>, ProjectError> {
        sqlite_review::comments_of(&self.conn, item)
    }

    fn span(&self, at: SpanRef) -> Result<Option<SpanAnnotation>, ProjectError> {
        sqlite_text::find_span(&self.conn, at)
    }

    fn spans_of(&self, item: ItemId) -> Result<Vec<SpanAnnotation>, ProjectError> {
        sqlite_text::spans_of(&self.conn, item)
    }

    fn all_spans(&self) -> Result<Vec<SpanAnnotation>, ProjectError> {
        sqlite_text::all_spans(&self.conn)
    }

    fn all_span_extents(&self) -> Result<Vec<sqlite_text::SpanExtent>, ProjectError> {
        sqlite_text::all_span_extents(&self.conn)
    }

    fn annotation(&self, id: AnnotationId) -> Result<Option<BoxAnnotation>, ProjectError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {BOX_COLUMNS} FROM boxes WHERE id = ?1"))?
            .query_row([id.0], row_to_box)
            .optional()?)
    }

    fn proposal(&self, id: ProposalId) -> Result<Option<Proposal>, ProjectError> {
        sqlite_proposals::find_proposal(&self.conn, id)
    }

    fn proposals_of(&self, item: ItemId) -> Result<Vec<Proposal>, ProjectError> {
        sqlite_proposals::proposals_of(&self.conn, item)
    }

    fn all_proposals(&self) -> Result<Vec<Proposal>, ProjectError> {
        sqlite_proposals::all_proposals(&self.conn)
    }

    fn items_with_proposals(&self) -> Result<Vec<ItemId>, ProjectError> {
        sqlite_proposals::items_with_proposals(&self.conn)
    }

    fn box_origin(&self, id: AnnotationId) -> Result<Option<BoxOrigin>, ProjectError> {
        sqlite_proposals::box_origin(&self.conn, id)
    }

    fn boxes_of(&self, item: ItemId) -> Result<Vec<BoxAnnotation>, ProjectError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {BOX_COLUMNS} FROM boxes WHERE item_id = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([item.0], row_to_box)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn all_boxes(&self) -> Result<Vec<BoxAnnotation>, ProjectError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {BOX_COLUMNS} FROM boxes ORDER BY item_id, id"
        ))?;
        let rows = stmt.query_map([], row_to_box)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn image_labels_of(&self, item: ItemId) -> Result<Vec<LabelId>, ProjectError> {
        LabelReader::new().labels(&self.conn, item)
    }

    fn all_image_labels(&self) -> Result<Vec<(ItemId, Vec<LabelId>)>, ProjectError> {
        sqlite_labels::all_labels(&self.conn)
    }

    fn items_with_class(&self, class: ClassId) -> Result<Vec<ItemId>, ProjectError> {
        self.items_with_annotation(
            "SELECT DISTINCT item_id FROM boxes WHERE class_id = ?1",
            class.0,
            &|s| s.class == class,
        )
    }

    fn annotators(&self) -> Result<Vec<String>, ProjectError> {
        let mut stmt = self.conn.prepare("SELECT DISTINCT author FROM boxes")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        let mut names: BTreeSet<String> = rows.collect::<Result<_, _>>()?;
        sqlite_text::for_each_span(&self.conn, &mut |_, s| {
            if !names.contains(s.author) {
                names.insert(s.author.to_string());
            }
            Ok(())
        })?;
        Ok(names.into_iter().collect())
    }

    fn items_by_author(&self, author: &str) -> Result<Vec<ItemId>, ProjectError> {
        self.items_with_annotation(
            "SELECT DISTINCT item_id FROM boxes WHERE author = ?1",
            author,
            &|s| s.author == author,
        )
    }

    fn census(&self) -> Result<super::store::Census, ProjectError> {
        sqlite_activity::census(&self.conn)
    }

    fn label_counts(&self) -> Result<Vec<(LabelId, u64)>, ProjectError> {
        sqlite_labels::label_counts(&self.conn)
    }

    fn apply(&mut self, edit: &Edit, ctx: &EditContext) -> Result<StoredEdit, ProjectError> {
        let tx = WriteTx::begin(&mut self.conn)?;
        let mut ch = Changes::default();
        let inverse = apply_in(&tx, edit, ctx, &mut ch)?;
        let finished = finish_in(&tx, edit.kind(), log_detail(edit), inverse, ch, None, ctx)?;
        let committed = tx.commit();
        self.after_commit(committed, finished)
    }

    fn add_boxes_streamed(
        &mut self,
        next_chunk: &mut dyn FnMut() -> Result<Option<Vec<NewBox>>, ProjectError>,
        ctx: &EditContext,
    ) -> Result<StoredEdit, ProjectError> {
        let tx = WriteTx::begin(&mut self.conn)?;
        let mut ch = Changes::default();
        let mut started = Vec::new();
        // An error from the chunks or the insert drops `tx`, which rolls back.
        while let Some(chunk) = next_chunk()? {
            let mut chunk_changes = Changes::default();
            apply_in(&tx, &Edit::AddBoxes(chunk), ctx, &mut chunk_changes)?;
            // Statuses are updated chunk by chunk, while the next chunk is read.
            started.extend(start_progress(
                &tx,
                chunk_changes.annotated.iter().copied(),
            )?);
            ch.annotated.append(&mut chunk_changes.annotated);
            ch.created.append(&mut chunk_changes.created);
        }
        if ch.created.is_empty() {
            // Nothing to store or log; dropping `tx` rolls back.
            return Ok(StoredEdit {
                inverse: Edit::DeleteBoxes(Vec::new()),
                touched: Vec::new(),
                created: Vec::new(),
                created_spans: Vec::new(),
            });
        }
        let kind = Edit::AddBoxes(Vec::new()).kind();
        let detail = count_detail(kind, ch.created.len());
        let inverse = Edit::DeleteBoxes(ch.created.clone());
        let finished = finish_in(&tx, kind, detail, inverse, ch, Some(started), ctx)?;
        let committed = tx.commit();
        self.after_commit(committed, finished)
    }

    fn add_labelled_texts(
        &mut self,
        next_chunk: &mut dyn FnMut() -> Result<Option<sqlite_text::PackedTexts>, ProjectError>,
        then: Option<&Edit>,
        ctx: &EditContext,
    ) -> Result<(Vec<Item>, StoredEdit), ProjectError> {
        // A new database file cannot join a group's open transaction.
        if self.has_no_items()? && self.conn.is_autocommit() {
            return self.add_labelled_texts_fresh(next_chunk, then, ctx);
        }
        let tx = WriteTx::begin(&mut self.conn)?;
        let (items, finished) = insert_labelled_texts(&tx, next_chunk, then, ctx)?;
        let committed = tx.commit();
        let stored = self.after_commit(committed, finished)?;
        Ok((items, stored))
    }

    fn next_span_id(&self) -> Result<i64, ProjectError> {
        Ok(sqlite_text::last_span_id(&self.conn)? + 1)
    }

    fn log_of(&self, item: Option<ItemId>, limit: usize) -> Result<Vec<LogEntry>, ProjectError> {
        let sql = match item {
            Some(_) => {
                "SELECT seq, time_ms, author, kind, item_id, detail FROM edit_log WHERE item_id = ?1 ORDER BY seq DESC LIMIT ?2"
            }
            None => {
                "SELECT seq, time_ms, author, kind, item_id, detail FROM edit_log WHERE ?1 IS NULL ORDER BY seq DESC LIMIT ?2"
            }
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![item.map(|i| i.0), limit as i64], |r| {
            Ok(LogEntry {
                seq: r.get(0)?,
                time_ms: r.get(1)?,
                author: r.get(2)?,
                kind: r.get(3)?,
                item: r.get::<_, Option<i64>>(4)?.map(ItemId),
                detail: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn session_value(&self, key: &str) -> Result<Option<String>, ProjectError> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM session WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    fn set_session_value(&mut self, key: &str, value: &str) -> Result<(), ProjectError> {
        self.conn
            .prepare_cached("INSERT INTO session(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")?
            .execute([key, value])?;
        Ok(())
    }

    fn statuses(&self) -> Result<Vec<(ItemId, ItemStatus)>, ProjectError> {
        let mut stmt = self.conn.prepare_cached("SELECT id, status FROM items")?;
        let rows = stmt.query_map([], |r| {
            Ok((ItemId(r.get(0)?), status_from_db(&r.get::<_, String>(1)?)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn item_status(&self, item: ItemId) -> Result<Option<ItemStatus>, ProjectError> {
        item_status_in(&self.conn, item)
    }

    fn submissions_per_hour(&self) -> Result<Vec<(String, i64, usize)>, ProjectError> {
        sqlite_activity::submissions_per_hour(&self.conn)
    }

    fn items_changed_since(&self, since_ms: i64) -> Result<Vec<ItemId>, ProjectError> {
        sqlite_activity::items_changed_since(&self.conn, since_ms)
    }

    fn adopt_log(&mut self, entries: &[LogEntry]) -> Result<usize, ProjectError> {
        sqlite_activity::adopt_log(&mut self.conn, entries)
    }

    fn begin_group(&mut self) -> Result<(), ProjectError> {
        if !self.conn.is_autocommit() {
            return Err(ProjectError::InvalidEdit(
                "a group of edits is already open".into(),
            ));
        }
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    fn end_group(&mut self, commit: bool) -> Result<(), ProjectError> {
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

    fn golden_items(&self) -> Result<Vec<ItemId>, ProjectError> {
        sqlite_packages::golden_items(&self.conn)
    }

    fn item_versions(&self) -> Result<Vec<crate::model::ItemVersion>, ProjectError> {
        sqlite_packages::item_versions(&self.conn)
    }

    fn id_floors(&self) -> Result<(i64, i64), ProjectError> {
        sqlite_packages::id_floors(&self.conn)
    }

    fn write_package(
        &mut self,
        info: &crate::model::PackageInfo,
        items: &[sqlite_packages::PackageItem],
    ) -> Result<(), ProjectError> {
        sqlite_packages::write_package(&mut self.conn, info, items)
    }

    fn package_info(&self) -> Result<Option<crate::model::PackageInfo>, ProjectError> {
        sqlite_packages::package_info(&self.conn)
    }

    fn package_items(&self) -> Result<Vec<sqlite_packages::PackageItem>, ProjectError> {
        sqlite_packages::package_items(&self.conn)
    }
}

impl SqliteStore {
    fn has_no_items(&self) -> Result<bool, ProjectError> {
        Ok(!self
            .conn
            .prepare_cached("SELECT 1 FROM items")?
            .exists([])?)
    }

    /// [`Store::add_labelled_texts`] into a store without items: the texts
    /// go into a new database file that then replaces this one (see
    /// [`sqlite_fresh`]). The store is reopened on the file in place
    /// afterwards, new or old.
    fn add_labelled_texts_fresh(
        &mut self,
        next_chunk: &mut dyn FnMut() -> Result<Option<sqlite_text::PackedTexts>, ProjectError>,
        then: Option<&Edit>,
        ctx: &EditContext,
    ) -> Result<(Vec<Item>, StoredEdit), ProjectError> {
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
            let done = insert_labelled_texts(&tx, next_chunk, then, ctx)?;
            tx.commit()?;
            Ok::<_, ProjectError>(done)
        })();
        let (items, finished) = match filled {
            Ok(done) => done,
            Err(e) => {
                drop(fresh);
                let _ = sqlite_fresh::remove_unfinished(&self.path);
                return Err(e);
            }
        };
        let path = self.path.clone();
        let live = &mut self.conn;
        let replaced = fresh.replace(&path, || {
            let closing = std::mem::replace(live, Connection::open_in_memory()?);
            closing.close().map_err(|(_, e)| e.into())
        });
        if replaced.is_err() {
            let _ = sqlite_fresh::remove_unfinished(&path);
        }
        // Whatever happened, the store goes on with the file now in place.
        *self = SqliteStore::open(&path, false)?;
        replaced?;
        Ok((items, finished.stored))
    }
}

/// Inserts labelled texts chunk by chunk, then applies `then` (labels of
/// items already there), and logs it all as one edit, in `tx`.
fn insert_labelled_texts(
    tx: &Connection,
    next_chunk: &mut dyn FnMut() -> Result<Option<sqlite_text::PackedTexts>, ProjectError>,
    then: Option<&Edit>,
    ctx: &EditContext,
) -> Result<(Vec<Item>, Finished), ProjectError> {
    let mut bulk = sqlite_text::BulkTexts::default();
    while let Some(chunk) = next_chunk()? {
        sqlite_text::insert_labelled_chunk(tx, chunk, &mut bulk)?;
    }
    let mut labelled = Changes::default();
    let mut undo = Vec::with_capacity(3);
    if let Some(edit) = then {
        undo.push(apply_in(tx, edit, ctx, &mut labelled)?);
        let candidates = labelled.annotated.iter().copied();
        let started = start_progress(tx, candidates.filter(|i| !labelled.touched.contains(i)))?;
        bulk.started.extend(started);
    }
    let kind = "add_labelled_texts";
    let detail = serde_json::json!({
        "kind": kind,
        "items": bulk.items.len(),
        "spans": bulk.spans.len() + labelled.created_spans.len(),
        "classified": bulk.classified.len(),
        "labelled_items": labelled.annotated.len(),
    })
    .to_string();
    let mut created_spans: Vec<SpanId> = bulk.spans.iter().map(|s| s.id).collect();
    created_spans.append(&mut labelled.created_spans);
    undo.push(Edit::DeleteSpans(bulk.spans));
    undo.push(Edit::SetItemsImageLabels {
        items: bulk.classified,
        labels: Vec::new(),
    });
    let mut annotated: BTreeSet<ItemId> = bulk.started.iter().copied().collect();
    annotated.append(&mut labelled.annotated);
    let ch = Changes {
        annotated,
        touched: labelled.touched,
        created_spans,
        ..Changes::default()
    };
    let finished = finish_in(
        tx,
        kind,
        detail,
        Edit::Batch(undo),
        ch,
        Some(bulk.started),
        ctx,
    )?;
    Ok((bulk.items, finished))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_items(n: usize) -> (tempfile::TempDir, SqliteStore, Vec<ItemId>) {
        let tmp = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&tmp.path().join("t.db"), false).unwrap();
        let items: Vec<NewItem> = (0..n)
            .map(|i| NewItem {
                rel_path: format!("{i}.jpg"),
                width: 4000,
                height: 3000,
                error: None,
            })
            .collect();
        let ids = store
            .insert_items(&items)
            .unwrap()
            .iter()
            .map(|i| i.id)
            .collect();
        (tmp, store, ids)
    }

    fn ctx() -> EditContext<'static> {
        EditContext {
            author: "测试",
            time_ms: 1234,
            origin: "edit",
        }
    }

    #[test]
    fn bulk_added_boxes_get_their_ids_in_order_across_chunks() {
        let (_tmp, mut store, items) = store_with_items(3);
        // A first small edit, so the bulk ids don't start at 1.
        let one = NewBox {
            item: items[0],
            class: ClassId(1),
            bbox: BBox::from_xywh(1.0, 1.0, 1.0, 1.0),
            attributes: Default::default(),
        };
        store.apply(&Edit::AddBoxes(vec![one]), &ctx()).unwrap();
        let n = 2 * INSERT_CHUNK + 77;
        let new: Vec<NewBox> = (0..n)
            .map(|k| NewBox {
                item: items[k % 3],
                class: ClassId(1 + (k % 5) as i64),
                bbox: BBox::from_xywh(k as f32, 0.5, 1.0 + k as f32 / 8.0, 2.0),
                attributes: Default::default(),
            })
            .collect();
        let stored = store.apply(&Edit::AddBoxes(new.clone()), &ctx()).unwrap();
        assert_eq!(stored.created.len(), n);
        for (k, (id, want)) in stored.created.iter().zip(&new).enumerate() {
            let got = store.annotation(*id).unwrap().unwrap();
            assert_eq!(
                (got.item, got.class, got.bbox),
                (want.item, want.class, want.bbox),
                "box {k}"
            );
            assert_eq!(got.provenance.author, "测试");
            assert_eq!(got.provenance.created_ms, 1234);
            assert_eq!(got.provenance.updated_by, "测试");
        }
        assert_eq!(store.all_boxes().unwrap().len(), n + 1);
        // The inverse deletes exactly these boxes.
        let Edit::Batch(parts) = &stored.inverse else {
            panic!("the first boxes on new items also carry status changes");
        };
        assert_eq!(parts[0], Edit::DeleteBoxes(stored.created.clone()));
        store
            .apply(
                &stored.inverse,
                &EditContext {
                    origin: "undo",
                    ..ctx()
                },
            )
            .unwrap();
        assert_eq!(store.all_boxes().unwrap().len(), 1);
    }

    #[test]
    fn first_boxes_start_progress_only_on_new_items_in_runs_and_gaps() {
        let (_tmp, mut store, items) = store_with_items(10);
        // Item 4 is done already; item 2 gets an explicit status in the same edit.
        store
            .apply(
                &Edit::SetStatus {
                    item: items[4],
                    status: ItemStatus::Submitted,
                },
                &ctx(),
            )
            .unwrap();
        let boxes_on = |idx: &[usize]| {
            idx.iter()
                .map(|&i| {
                    Edit::AddBoxes(vec![NewBox {
                        item: items[i],
                        class: ClassId(1),
                        bbox: BBox::from_xywh(0.0, 0.0, 5.0, 5.0),
                        attributes: Default::default(),
                    }])
                })
                .collect::<Vec<_>>()
        };
        let mut edits = boxes_on(&[0, 1, 2, 3, 4, 6, 8, 9]);
        edits.push(Edit::SetStatus {
            item: items[2],
            status: ItemStatus::Submitted,
        });
        let stored = store.apply(&Edit::Batch(edits), &ctx()).unwrap();
        let statuses = |store: &SqliteStore| -> Vec<ItemStatus> {
            items
                .iter()
                .map(|&i| store.item_status(i).unwrap().unwrap())
                .collect()
        };
        let expected = [
            ItemStatus::InProgress,
            ItemStatus::InProgress,
            ItemStatus::Submitted,
            ItemStatus::InProgress,
            ItemStatus::Submitted,
            ItemStatus::New,
            ItemStatus::InProgress,
            ItemStatus::New,
            ItemStatus::InProgress,
            ItemStatus::InProgress,
        ];
        assert_eq!(statuses(&store), expected);
        let Edit::Batch(parts) = &stored.inverse else {
            panic!("status changes are part of the inverse");
        };
        let [
            _,
            Edit::SetItemsStatus {
                items: reset,
                status,
            },
        ] = &parts[..]
        else {
            panic!("unexpected {parts:?}");
        };
        assert_eq!(*status, ItemStatus::New);
        assert_eq!(*reset, [0, 1, 3, 6, 8, 9].map(|i| items[i]));
        store
            .apply(
                &stored.inverse,
                &EditContext {
                    origin: "undo",
                    ..ctx()
                },
            )
            .unwrap();
        let mut before = [ItemStatus::New; 10];
        before[4] = ItemStatus::Submitted;
        assert_eq!(statuses(&store), before);
    }

    #[test]
    fn many_item_edits_undo_to_what_each_item_had() {
        let (_tmp, mut store, items) = store_with_items(4);
        store
            .apply(
                &Edit::Batch(vec![
                    Edit::SetStatus {
                        item: items[1],
                        status: ItemStatus::Submitted,
                    },
                    Edit::SetImageLabels {
                        item: items[2],
                        labels: vec![LabelId(2)],
                    },
                ]),
                &ctx(),
            )
            .unwrap();
        let state = |store: &SqliteStore| -> Vec<(ItemStatus, Vec<LabelId>)> {
            items
                .iter()
                .map(|&i| {
                    let status = store.item_status(i).unwrap().unwrap();
                    (status, store.image_labels_of(i).unwrap())
                })
                .collect()
        };
        let before = state(&store);
        let stored = store
            .apply(
                &Edit::Batch(vec![
                    Edit::SetItemsStatus {
                        items: items.clone(),
                        status: ItemStatus::Accepted,
                    },
                    Edit::SetItemsImageLabels {
                        items: items[1..].to_vec(),
                        labels: vec![LabelId(1), LabelId(3)],
                    },
                ]),
                &ctx(),
            )
            .unwrap();
        let after = state(&store);
        assert!(after.iter().all(|(s, _)| *s == ItemStatus::Accepted));
        assert_eq!(after[0].1, []);
        assert!(
            after[1..]
                .iter()
                .all(|(_, l)| *l == [LabelId(1), LabelId(3)])
        );
        // The inverse groups items by what they had: one edit per group.
        let Edit::Batch(parts) = &stored.inverse else {
            panic!("{:?}", stored.inverse);
        };
        let groups = |e: &Edit| match e {
            Edit::Batch(v) => v.len(),
            _ => 1,
        };
        // Statuses before: new, submitted, in progress (labelled), new.
        let mut sizes: Vec<usize> = parts.iter().map(groups).collect();
        sizes.sort();
        assert_eq!(sizes, [2, 3]);
        let undo = EditContext {
            origin: "undo",
            ..ctx()
        };
        let redo = store.apply(&stored.inverse, &undo).unwrap();
        assert_eq!(state(&store), before);
        store.apply(&redo.inverse, &undo).unwrap();
        assert_eq!(state(&store), after);
    }

    #[test]
    fn large_edits_are_logged_as_a_count() {
        let (_tmp, mut store, items) = store_with_items(1);
        let new: Vec<NewBox> = (0..1000)
            .map(|k| NewBox {
                item: items[0],
                class: ClassId(1),
                bbox: BBox::from_xywh(k as f32, 0.0, 1.0, 1.0),
                attributes: Default::default(),
            })
            .collect();
        store.apply(&Edit::AddBoxes(new.clone()), &ctx()).unwrap();
        store
            .apply(&Edit::AddBoxes(new[..1].to_vec()), &ctx())
            .unwrap();
        let log = store.log_of(None, 10).unwrap();
        assert_eq!(log.len(), 2);
        let small: Edit = serde_json::from_str(&log[0].detail).unwrap();
        assert_eq!(small, Edit::AddBoxes(new[..1].to_vec()));
        let big: serde_json::Value = serde_json::from_str(&log[1].detail).unwrap();
        assert_eq!(big["count"], 1000);
        assert_eq!(big["kind"], Edit::AddBoxes(vec![]).kind());
    }
}
