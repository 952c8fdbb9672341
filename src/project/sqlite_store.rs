//! The SQLite implementation of [`Store`]. WAL mode with `synchronous=FULL`, so an
//! edit is on disk when `apply` returns and survives a crash or power loss.

use super::ProjectError;
use super::store::{EditContext, LogEntry, NewItem, Store, StoredEdit};
use crate::model::{
    AnnotationId, BBox, BoxAnnotation, ClassId, Edit, Item, ItemId, ItemStatus, LabelId, Provenance,
};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use std::collections::BTreeSet;
use std::path::Path;

/// The database layout version (`PRAGMA user_version`).
const DB_VERSION: i64 = 1;

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
    updated_ms INTEGER NOT NULL
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
}

impl SqliteStore {
    /// Opens (creating when writable) the database at `path`.
    pub fn open(path: &Path, read_only: bool) -> Result<Self, ProjectError> {
        let conn = if read_only {
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
        if !read_only {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.execute_batch(SCHEMA)?;
            conn.pragma_update(None, "user_version", DB_VERSION)?;
        }
        Ok(Self { conn })
    }
}

fn status_from_db(s: &str) -> ItemStatus {
    ItemStatus::parse(s).unwrap_or(ItemStatus::New)
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
    })
}

const BOX_COLUMNS: &str =
    "id, item_id, class_id, x0, y0, x1, y1, author, created_ms, updated_by, updated_ms";

fn box_by_id(tx: &Transaction, id: AnnotationId) -> Result<BoxAnnotation, ProjectError> {
    tx.prepare_cached(&format!("SELECT {BOX_COLUMNS} FROM boxes WHERE id = ?1"))?
        .query_row([id.0], row_to_box)
        .optional()?
        .ok_or_else(|| ProjectError::InvalidEdit(format!("there is no box with id {id}")))
}

fn insert_box(tx: &Transaction, b: &BoxAnnotation, keep_id: bool) -> Result<i64, ProjectError> {
    let p = &b.provenance;
    let bb = &b.bbox;
    if keep_id {
        tx.prepare_cached(&format!(
            "INSERT INTO boxes({BOX_COLUMNS}) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"
        ))?
        .execute(params![
            b.id.0,
            b.item.0,
            b.class.0,
            bb.min_x,
            bb.min_y,
            bb.max_x,
            bb.max_y,
            p.author,
            p.created_ms,
            p.updated_by,
            p.updated_ms
        ])
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                ProjectError::InvalidEdit(format!("a box with id {} already exists", b.id))
            }
            e => e.into(),
        })?;
        Ok(b.id.0)
    } else {
        tx.prepare_cached(
            "INSERT INTO boxes(item_id, class_id, x0, y0, x1, y1, author, created_ms, updated_by, updated_ms) \
             VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        )?
        .execute(params![
            b.item.0, b.class.0, bb.min_x, bb.min_y, bb.max_x, bb.max_y, p.author, p.created_ms,
            p.updated_by, p.updated_ms
        ])?;
        Ok(tx.last_insert_rowid())
    }
}

fn item_status_in(tx: &Connection, item: ItemId) -> Result<Option<ItemStatus>, ProjectError> {
    Ok(tx
        .prepare_cached("SELECT status FROM items WHERE id = ?1")?
        .query_row([item.0], |r| r.get::<_, String>(0))
        .optional()?
        .map(|s| status_from_db(&s)))
}

fn labels_in(conn: &Connection, item: ItemId) -> Result<Vec<LabelId>, ProjectError> {
    let mut stmt = conn
        .prepare_cached("SELECT label_id FROM image_labels WHERE item_id = ?1 ORDER BY label_id")?;
    let rows = stmt.query_map([item.0], |r| Ok(LabelId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What one application of an edit changed, gathered while it runs.
#[derive(Default)]
struct Changes {
    /// Items whose annotations changed (not only their status).
    annotated: BTreeSet<ItemId>,
    touched: BTreeSet<ItemId>,
    created: Vec<AnnotationId>,
}

fn apply_in(
    tx: &Transaction,
    edit: &Edit,
    ctx: &EditContext,
    ch: &mut Changes,
) -> Result<Edit, ProjectError> {
    Ok(match edit {
        Edit::AddBoxes(new) => {
            let mut ids = Vec::with_capacity(new.len());
            for n in new {
                let b = BoxAnnotation {
                    id: AnnotationId(0),
                    item: n.item,
                    class: n.class,
                    bbox: n.bbox,
                    provenance: Provenance {
                        author: ctx.author.to_string(),
                        created_ms: ctx.time_ms,
                        updated_by: ctx.author.to_string(),
                        updated_ms: ctx.time_ms,
                    },
                };
                let id = AnnotationId(insert_box(tx, &b, false)?);
                ids.push(id);
                ch.annotated.insert(n.item);
            }
            ch.created.extend(&ids);
            Edit::DeleteBoxes(ids)
        }
        Edit::RestoreBoxes(boxes) => {
            for b in boxes {
                insert_box(tx, b, true)?;
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
        Edit::SetImageLabels { item, labels } => {
            let old = labels_in(tx, *item)?;
            tx.prepare_cached("DELETE FROM image_labels WHERE item_id = ?1")?
                .execute([item.0])?;
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO image_labels(item_id, label_id, author, created_ms) VALUES(?1,?2,?3,?4)",
            )?;
            for l in labels {
                insert.execute(params![item.0, l.0, ctx.author, ctx.time_ms])?;
            }
            ch.annotated.insert(*item);
            Edit::SetImageLabels {
                item: *item,
                labels: old,
            }
        }
        Edit::SetStatus { item, status } => {
            let old = item_status_in(tx, *item)?.ok_or_else(|| {
                ProjectError::InvalidEdit(format!("there is no item with id {item}"))
            })?;
            tx.prepare_cached("UPDATE items SET status = ?2 WHERE id = ?1")?
                .execute(params![item.0, status.as_str()])?;
            ch.touched.insert(*item);
            Edit::SetStatus {
                item: *item,
                status: old,
            }
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

/// The audit-trail text of an edit: its JSON, or a count when it is large.
fn log_detail(edit: &Edit) -> String {
    let json = serde_json::to_string(edit).unwrap_or_default();
    if json.len() <= MAX_LOGGED_DETAIL {
        return json;
    }
    let count = match edit {
        Edit::AddBoxes(v) => v.len(),
        Edit::RestoreBoxes(v) => v.len(),
        Edit::DeleteBoxes(v) => v.len(),
        Edit::Batch(v) => v.len(),
        _ => 1,
    };
    serde_json::json!({ "kind": edit.kind(), "count": count }).to_string()
}

impl Store for SqliteStore {
    fn items(&self) -> Result<Vec<Item>, ProjectError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, rel_path, width, height, status, error FROM items ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(Item {
                id: ItemId(r.get(0)?),
                rel_path: r.get(1)?,
                width: r.get(2)?,
                height: r.get(3)?,
                status: status_from_db(&r.get::<_, String>(4)?),
                error: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn insert_items(&mut self, items: &[NewItem]) -> Result<Vec<Item>, ProjectError> {
        let tx = self.conn.transaction()?;
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

    fn annotation(&self, id: AnnotationId) -> Result<Option<BoxAnnotation>, ProjectError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {BOX_COLUMNS} FROM boxes WHERE id = ?1"))?
            .query_row([id.0], row_to_box)
            .optional()?)
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
        labels_in(&self.conn, item)
    }

    fn all_image_labels(&self) -> Result<Vec<(ItemId, Vec<LabelId>)>, ProjectError> {
        let mut stmt = self
            .conn
            .prepare("SELECT item_id, label_id FROM image_labels ORDER BY item_id, label_id")?;
        let mut out: Vec<(ItemId, Vec<LabelId>)> = Vec::new();
        let rows = stmt.query_map([], |r| Ok((ItemId(r.get(0)?), LabelId(r.get(1)?))))?;
        for row in rows {
            let (item, label) = row?;
            match out.last_mut() {
                Some((last, labels)) if *last == item => labels.push(label),
                _ => out.push((item, vec![label])),
            }
        }
        Ok(out)
    }

    fn items_with_class(&self, class: ClassId) -> Result<Vec<ItemId>, ProjectError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT item_id FROM boxes WHERE class_id = ?1")?;
        let rows = stmt.query_map([class.0], |r| Ok(ItemId(r.get(0)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn box_counts_by_class(&self) -> Result<Vec<(ClassId, u64)>, ProjectError> {
        let mut stmt = self
            .conn
            .prepare("SELECT class_id, COUNT(*) FROM boxes GROUP BY class_id ORDER BY class_id")?;
        let rows = stmt.query_map([], |r| Ok((ClassId(r.get(0)?), r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn label_counts(&self) -> Result<Vec<(LabelId, u64)>, ProjectError> {
        let mut stmt = self.conn.prepare(
            "SELECT label_id, COUNT(*) FROM image_labels GROUP BY label_id ORDER BY label_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((LabelId(r.get(0)?), r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn apply(&mut self, edit: &Edit, ctx: &EditContext) -> Result<StoredEdit, ProjectError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut ch = Changes::default();
        let mut inverse = apply_in(&tx, edit, ctx, &mut ch)?;

        // The first annotation on a new item puts it in progress, as part of the same step.
        // Only for fresh edits: an undo or redo already carries the exact status change
        // in its inverse, and an explicit status in the same edit wins.
        let mut status_inverses = Vec::new();
        let fresh = ctx.origin == "edit";
        for &item in ch
            .annotated
            .iter()
            .filter(|i| fresh && !ch.touched.contains(i))
        {
            if item_status_in(&tx, item)? == Some(ItemStatus::New) {
                tx.prepare_cached("UPDATE items SET status = 'in_progress' WHERE id = ?1")?
                    .execute([item.0])?;
                status_inverses.push(Edit::SetStatus {
                    item,
                    status: ItemStatus::New,
                });
            }
        }
        if !status_inverses.is_empty() {
            status_inverses.insert(0, inverse);
            inverse = Edit::Batch(status_inverses);
        }

        let touched: Vec<ItemId> = ch.touched.union(&ch.annotated).copied().collect();
        let log_item = if touched.len() == 1 {
            Some(touched[0].0)
        } else {
            None
        };
        let kind = if ctx.origin == "edit" {
            edit.kind().to_string()
        } else {
            format!("{}:{}", ctx.origin, edit.kind())
        };
        tx.prepare_cached(
            "INSERT INTO edit_log(time_ms, author, kind, item_id, detail) VALUES(?1,?2,?3,?4,?5)",
        )?
        .execute(params![
            ctx.time_ms,
            ctx.author,
            kind,
            log_item,
            log_detail(edit)
        ])?;
        tx.commit()?;
        Ok(StoredEdit {
            inverse,
            touched,
            created: ch.created,
        })
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

    fn item_status(&self, item: ItemId) -> Result<Option<ItemStatus>, ProjectError> {
        item_status_in(&self.conn, item)
    }
}
