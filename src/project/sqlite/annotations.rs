//! The `annotations` table: an annotation and its row, mapped in one place,
//! and the statements that read and write it. The shape is two columns: its
//! kind ([`ShapeKind::code`]) and its geometry ([`Shape::encode`], a BLOB);
//! its box is derived when needed, never stored.

use crate::model::{
    Annotation, AnnotationId, Attributes, ClassId, GroupId, ItemId, NewAnnotation, Provenance,
    Shape, ShapeKind,
};
use crate::project::ProjectError;
use crate::project::store::{Stamp, id_taken};
use rusqlite::types::{Type, ValueRef};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::Path;

pub(super) const ANNOTATIONS_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS annotations(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL,
    class_id INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    shape BLOB NOT NULL,
    group_id INTEGER,
    author TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    attrs TEXT
);
CREATE INDEX IF NOT EXISTS annotations_by_item ON annotations(item_id);
";

/// An annotation's attributes as stored: JSON, or NULL for none.
pub(super) fn attrs_to_db(attrs: &Attributes) -> Result<Option<String>, ProjectError> {
    if attrs.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(attrs)
        .map(Some)
        .map_err(|e| ProjectError::InvalidEdit(format!("annotation attributes: {e}")))
}

/// Stored attributes back; a value this version cannot read is an error
/// naming the column rather than silently dropped attributes.
pub(super) fn attrs_from_db(text: Option<String>, column: usize) -> rusqlite::Result<Attributes> {
    match text {
        None => Ok(Attributes::new()),
        Some(t) => serde_json::from_str(&t).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(column, Type::Text, Box::new(e))
        }),
    }
}

/// A shape from its kind and geometry columns (`first` and the one after);
/// stored bytes this version cannot read are an error naming the column.
pub(super) fn shape_columns(r: &rusqlite::Row, first: usize) -> rusqlite::Result<Shape> {
    let code: i64 = r.get(first)?;
    let kind = u8::try_from(code)
        .ok()
        .and_then(ShapeKind::from_code)
        .ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                first,
                Type::Integer,
                format!("unknown shape kind {code}").into(),
            )
        })?;
    let bytes = match r.get_ref(first + 1)? {
        ValueRef::Blob(b) => b,
        other => {
            return Err(rusqlite::Error::InvalidColumnType(
                first + 1,
                "shape".into(),
                other.data_type(),
            ));
        }
    };
    Shape::decode(kind, bytes)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(first + 1, Type::Blob, Box::new(e)))
}

/// An annotation from a row whose first six columns are [`COLUMNS`]' and
/// whose attributes are in column `attrs`, with `provenance`.
fn annotation_columns(
    r: &rusqlite::Row,
    provenance: Provenance,
    attrs: usize,
) -> rusqlite::Result<Annotation> {
    Ok(Annotation {
        id: AnnotationId(r.get(0)?),
        item: ItemId(r.get(1)?),
        class: ClassId(r.get(2)?),
        shape: shape_columns(r, 3)?,
        group: r.get::<_, Option<i64>>(5)?.map(GroupId),
        provenance,
        attributes: attrs_from_db(r.get(attrs)?, attrs)?,
    })
}

/// A row of [`COLUMNS`].
fn row_to_annotation(r: &rusqlite::Row) -> rusqlite::Result<Annotation> {
    let provenance = Provenance {
        author: r.get(6)?,
        created_ms: r.get(7)?,
        updated_by: r.get(8)?,
        updated_ms: r.get(9)?,
    };
    annotation_columns(r, provenance, 10)
}

const COLUMNS: &str = "id, item_id, class_id, kind, shape, group_id, author, created_ms, \
                       updated_by, updated_ms, attrs";

/// [`COLUMNS`] but the provenance, for exports.
const EXPORT_COLUMNS: &str = "id, item_id, class_id, kind, shape, group_id, attrs";

/// A row of [`EXPORT_COLUMNS`]: an annotation with an empty provenance.
fn row_to_exported(r: &rusqlite::Row) -> rusqlite::Result<Annotation> {
    let provenance = Provenance {
        author: String::new(),
        created_ms: 0,
        updated_by: String::new(),
        updated_ms: 0,
    };
    annotation_columns(r, provenance, 6)
}

pub(super) fn find_annotation(
    conn: &Connection,
    id: AnnotationId,
) -> Result<Option<Annotation>, ProjectError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM annotations WHERE id = ?1"))?
        .query_row([id.0], row_to_annotation)
        .optional()?)
}

/// An item's annotations, by id.
pub(super) fn annotations_of(
    conn: &Connection,
    item: ItemId,
) -> Result<Vec<Annotation>, ProjectError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM annotations WHERE item_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([item.0], row_to_annotation)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every annotation, ordered by item then id.
pub(super) fn all_annotations(conn: &Connection) -> Result<Vec<Annotation>, ProjectError> {
    read_all(conn, COLUMNS, row_to_annotation)
}

/// Every annotation without its provenance, ordered by item then id: four
/// columns fewer (two of them strings) make a million rows a third quicker
/// to read. A large table is read in two halves of its ids at once, the upper
/// one through a read-only connection of its own to `path` (the database
/// `conn` has open, in WAL mode: the two see the same committed rows).
pub(super) fn all_annotations_for_export(
    conn: &Connection,
    path: &Path,
) -> Result<Vec<Annotation>, ProjectError> {
    read_for_export(conn, path, SPLIT_READ_ROWS)
}

/// [`all_annotations_for_export`], read in two halves from `split_from` rows.
fn read_for_export(
    conn: &Connection,
    path: &Path,
    split_from: i64,
) -> Result<Vec<Annotation>, ProjectError> {
    let (count, lo, hi): (i64, Option<i64>, Option<i64>) = conn.query_row(
        "SELECT COUNT(*), MIN(id), MAX(id) FROM annotations",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(Vec::new());
    };
    if count < split_from {
        return read_all(conn, EXPORT_COLUMNS, row_to_exported);
    }
    let mid = lo + (hi - lo) / 2 + 1;
    // Sized for the whole table, so the upper half goes in without a copy.
    let capacity = usize::try_from(count).unwrap_or(0);
    let (low, high) = std::thread::scope(|s| {
        let upper = s.spawn(|| -> Result<Vec<Annotation>, ProjectError> {
            let other = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            other.busy_timeout(std::time::Duration::from_secs(5))?;
            read_range(
                &other,
                EXPORT_COLUMNS,
                row_to_exported,
                (mid, i64::MAX),
                capacity / 2,
            )
        });
        let lower = read_range(
            conn,
            EXPORT_COLUMNS,
            row_to_exported,
            (i64::MIN, mid),
            capacity,
        );
        let upper = upper.join().unwrap_or_else(|_| {
            Err(ProjectError::InvalidEdit(
                "the thread reading the upper half of the annotations stopped unexpectedly".into(),
            ))
        });
        (lower, upper)
    });
    let mut all = low?;
    all.extend(high?);
    if !all.is_sorted_by_key(|a: &Annotation| (a.item, a.id)) {
        all.sort_unstable_by_key(|a| (a.item, a.id));
    }
    Ok(all)
}

/// Rows from which reading in two halves at once pays for the second connection.
const SPLIT_READ_ROWS: i64 = 100_000;

/// The rows with `from <= id < to`, in id order, into a list of `capacity`.
fn read_range(
    conn: &Connection,
    columns: &str,
    map: fn(&rusqlite::Row) -> rusqlite::Result<Annotation>,
    (from, to): (i64, i64),
    capacity: usize,
) -> Result<Vec<Annotation>, ProjectError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {columns} FROM annotations WHERE id >= ?1 AND id < ?2 ORDER BY id"
    ))?;
    let mut all = Vec::with_capacity(capacity);
    let mut rows = stmt.query([from, to])?;
    while let Some(row) = rows.next()? {
        all.push(map(row)?);
    }
    Ok(all)
}

/// Every row's `columns`, mapped by `map`, ordered by item then id.
///
/// The rows are read in id order, the table's own, and sorted after only when
/// that is not already item order (it is after an import, which adds an
/// item's annotations together): walking the item index instead costs a
/// table look-up per row, a sixth of reading a million. The list is sized
/// from the count, so it is not copied as it grows.
fn read_all(
    conn: &Connection,
    columns: &str,
    map: fn(&rusqlite::Row) -> rusqlite::Result<Annotation>,
) -> Result<Vec<Annotation>, ProjectError> {
    let count: i64 = conn.query_row("SELECT COUNT(*) FROM annotations", [], |r| r.get(0))?;
    let mut all = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut stmt = conn.prepare(&format!("SELECT {columns} FROM annotations ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        all.push(map(row)?);
    }
    if !all.is_sorted_by_key(|a: &Annotation| (a.item, a.id)) {
        all.sort_unstable_by_key(|a| (a.item, a.id));
    }
    Ok(all)
}

/// Writes an annotation's class, shape, group, attributes and provenance over
/// its row.
pub(super) fn update_annotation(tx: &Connection, a: &Annotation) -> Result<(), ProjectError> {
    let mut stmt = tx.prepare_cached(
        "UPDATE annotations SET item_id=?2, class_id=?3, kind=?4, shape=?5, group_id=?6, \
         author=?7, created_ms=?8, updated_by=?9, updated_ms=?10, attrs=?11 WHERE id=?1",
    )?;
    execute_annotation(&mut stmt, Some(a.id), a)?;
    Ok(())
}

/// Runs a statement over an annotation's [`COLUMNS`], `?1` to `?11`.
fn execute_annotation(
    stmt: &mut rusqlite::Statement,
    id: Option<AnnotationId>,
    a: &Annotation,
) -> Result<usize, ProjectError> {
    let p = &a.provenance;
    Ok(stmt.execute(params![
        id.map(|id| id.0),
        a.item.0,
        a.class.0,
        a.shape.kind().code(),
        a.shape.to_bytes(),
        a.group.map(|g| g.0),
        p.author,
        p.created_ms,
        p.updated_by,
        p.updated_ms,
        attrs_to_db(&a.attributes)?
    ])?)
}

/// Deletes an annotation; returns it as it was, `None` when there was none.
pub(super) fn delete_annotation(
    tx: &Connection,
    id: AnnotationId,
) -> Result<Option<Annotation>, ProjectError> {
    let old = find_annotation(tx, id)?;
    delete_found(tx, "DELETE FROM annotations WHERE id = ?1", id.0, old)
}

/// For re-inserting a row under its original id (undo of a delete): a
/// constraint violation means the id is in use, which the edit is told.
pub(super) fn taken_id<E: Into<ProjectError>>(
    what: &'static str,
    id: impl std::fmt::Display,
) -> impl FnOnce(E) -> ProjectError {
    move |e| match e.into() {
        ProjectError::Db(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            id_taken(what, id)
        }
        e => e,
    }
}

/// Deletes the row `old` was read from by `delete` (one parameter, its
/// id); returns `old`.
pub(super) fn delete_found<T>(
    tx: &Connection,
    delete: &str,
    id: i64,
    old: Option<T>,
) -> Result<Option<T>, ProjectError> {
    if old.is_some() {
        tx.prepare_cached(delete)?.execute([id])?;
    }
    Ok(old)
}

/// Inserts an annotation with its provenance, under `id` or, when `None`, a
/// new one; returns the id.
pub(super) fn insert_annotation(
    tx: &Connection,
    id: Option<AnnotationId>,
    a: &Annotation,
) -> Result<AnnotationId, ProjectError> {
    let mut stmt = tx.prepare_cached(&format!(
        "INSERT INTO annotations({COLUMNS}) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"
    ))?;
    execute_annotation(&mut stmt, id, a).map_err(taken_id("annotation", id.unwrap_or(a.id)))?;
    Ok(AnnotationId(tx.last_insert_rowid()))
}

/// Makes sure new rows of `table` (an `AUTOINCREMENT` table) get ids above
/// `floor`.
pub(super) fn raise_sequence(tx: &Connection, table: &str, floor: i64) -> Result<(), ProjectError> {
    let updated = tx.execute(
        "UPDATE sqlite_sequence SET seq = MAX(seq, ?2) WHERE name = ?1",
        params![table, floor],
    )?;
    if updated == 0 {
        tx.execute(
            "INSERT INTO sqlite_sequence(name, seq) VALUES(?1, ?2)",
            params![table, floor],
        )?;
    }
    Ok(())
}

/// Rows per multi-row `INSERT` of new annotations: 6 parameters each plus 3
/// shared, well below SQLite's limit of 32766 parameters per statement.
const INSERT_CHUNK: usize = 512;
/// Parameters of each row of [`insert_new_sql`].
const ROW_PARAMETERS: usize = 6;

/// The multi-row `INSERT` statement for `rows` new annotations. `?1`..`?3`
/// (author, created time, updated time) are shared by all rows, so the author
/// is bound once per statement instead of twice per row.
fn insert_new_sql(rows: usize) -> String {
    use std::fmt::Write as _;
    let mut sql = String::with_capacity(160 + rows * 40);
    sql.push_str(
        "INSERT INTO annotations(item_id, class_id, kind, shape, group_id, attrs, author, \
         created_ms, updated_by, updated_ms) VALUES",
    );
    for r in 0..rows {
        let p = 4 + r * ROW_PARAMETERS;
        let sep = if r == 0 { "" } else { "," };
        let _ = write!(
            sql,
            "{sep}(?{},?{},?{},?{},?{},?{},?1,?2,?1,?3)",
            p,
            p + 1,
            p + 2,
            p + 3,
            p + 4,
            p + 5
        );
    }
    sql
}

/// Inserts new annotations with the edit's author and time and returns their
/// ids, in the order of `new`.
///
/// A statement per row spent most of a million-box import on per-statement
/// work (cache lookup, binding, a VM run, two author `String`s);
/// [`INSERT_CHUNK`] rows per statement cut that overhead by the chunk size.
/// The shapes of a chunk are encoded into one buffer (SQLite copies each bound
/// slice), so a row costs no allocation of its own. Ids: `annotations.id` is
/// `AUTOINCREMENT`, which gives each row the largest id the table ever had
/// plus one, so within one statement of this write transaction the rows get
/// consecutive ids in `VALUES` order, the last being `last_insert_rowid()`.
/// (`RETURNING id` would say the same at twice the cost of the whole insert.)
pub(super) fn insert_new_annotations(
    tx: &Connection,
    new: &[NewAnnotation],
    stamp: Stamp,
) -> Result<Vec<AnnotationId>, ProjectError> {
    let mut ids = Vec::with_capacity(new.len());
    let full_chunk_sql = insert_new_sql(INSERT_CHUNK);
    let mut shapes: Vec<u8> = Vec::new();
    let mut ends: Vec<usize> = Vec::with_capacity(INSERT_CHUNK);
    for chunk in new.chunks(INSERT_CHUNK) {
        shapes.clear();
        ends.clear();
        for n in chunk {
            n.shape.encode(&mut shapes);
            ends.push(shapes.len());
        }
        let mut stmt = if chunk.len() == INSERT_CHUNK {
            tx.prepare_cached(&full_chunk_sql)?
        } else {
            tx.prepare_cached(&insert_new_sql(chunk.len()))?
        };
        stmt.raw_bind_parameter(1, stamp.author)?;
        stmt.raw_bind_parameter(2, stamp.time_ms)?;
        stmt.raw_bind_parameter(3, stamp.time_ms)?;
        let mut start = 0;
        for ((r, n), &end) in chunk.iter().enumerate().zip(&ends) {
            let p = 4 + r * ROW_PARAMETERS;
            stmt.raw_bind_parameter(p, n.item.0)?;
            stmt.raw_bind_parameter(p + 1, n.class.0)?;
            stmt.raw_bind_parameter(p + 2, n.shape.kind().code())?;
            stmt.raw_bind_parameter(p + 3, &shapes[start..end])?;
            stmt.raw_bind_parameter(p + 4, n.group.map(|g| g.0))?;
            stmt.raw_bind_parameter(p + 5, attrs_to_db(&n.attributes)?)?;
            start = end;
        }
        let inserted = stmt.raw_execute()?;
        if inserted != chunk.len() {
            return Err(ProjectError::InvalidEdit(format!(
                "inserting {} annotations inserted {inserted}",
                chunk.len()
            )));
        }
        let last = tx.last_insert_rowid();
        let first = last - inserted as i64 + 1;
        ids.extend((first..=last).map(AnnotationId));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BBox, ClassDef, ClassId, Edit, LabelSchema, NewAnnotation, Rgb, Shape};
    use crate::project::{NewItem, Project};

    #[test]
    fn the_export_read_in_two_halves_is_the_whole_table_in_item_order() {
        let dir = tempfile::tempdir().unwrap();
        let images = dir.path().join("images");
        std::fs::create_dir_all(&images).unwrap();
        let mut schema = LabelSchema::default();
        schema
            .classes
            .push(ClassDef::new(ClassId(1), "car", Rgb(1, 2, 3)));
        let root = dir.path().join("p");
        let mut project = Project::create(&root, "t", &images, schema).unwrap();
        let new = |n: u32| NewItem {
            rel_path: format!("{n}.jpg"),
            width: 100,
            height: 100,
            error: None,
        };
        let items = project.add_items(&[new(1), new(2), new(3)]).unwrap();
        // Ids interleave across items, so id order is not item order.
        for k in 0..30u32 {
            let item = items[(k as usize * 7) % 3];
            let shape = Shape::Rect(BBox::from_xywh(k as f32, 1.0, 5.0, 5.0));
            let edit = Edit::AddAnnotations(vec![NewAnnotation::new(item, ClassId(1), shape)]);
            project.apply(edit).unwrap();
        }
        drop(project);
        let path = root.join(crate::project::DB_FILE);
        let conn = Connection::open(&path).unwrap();
        let whole = read_all(&conn, EXPORT_COLUMNS, row_to_exported).unwrap();
        assert_eq!(whole.len(), 30);
        assert_eq!(read_for_export(&conn, &path, 1).unwrap(), whole);
        assert_eq!(read_for_export(&conn, &path, i64::MAX).unwrap(), whole);
    }
}
