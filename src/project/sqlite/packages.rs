//! Work packages and golden sets in the SQLite store: golden items
//! (`golden`), annotators' versions of items (`item_versions`), and, in a
//! package, where it came from (`package_info`) and its items' roles and
//! starting states (`package_items`).

use super::annotations::raise_sequence;
use super::text;
use crate::model::{ItemId, ItemSnapshot, ItemVersion, PackageInfo, PackageRole, VersionKind};
use crate::project::ProjectError;
use crate::project::store::Stamp;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) const PACKAGE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS golden(
    item_id INTEGER PRIMARY KEY,
    author TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS item_versions(
    item_id INTEGER NOT NULL,
    annotator TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY(item_id, annotator, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS package_info(
    id INTEGER PRIMARY KEY CHECK (id = 1),
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS package_items(
    item_id INTEGER PRIMARY KEY,
    role TEXT NOT NULL,
    base TEXT NOT NULL
);
";

/// A JSON column read back into its value; a bad one is a database error
/// that names the column.
fn json_column<T: serde::de::DeserializeOwned>(r: &rusqlite::Row, i: usize) -> rusqlite::Result<T> {
    let text: String = r.get(i)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// A column holding one of a set of names, read by `parse`.
fn named_column<T>(
    r: &rusqlite::Row,
    i: usize,
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> rusqlite::Result<T> {
    let name: String = r.get(i)?;
    parse(&name).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown {what} `{name}`").into(),
        )
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ProjectError> {
    serde_json::to_string(value)
        .map_err(|e| ProjectError::InvalidEdit(format!("cannot store the value: {e}")))
}

/// Whether an item is golden.
fn is_golden(conn: &Connection, item: ItemId) -> Result<bool, ProjectError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM golden WHERE item_id = ?1")?
        .query_row([item.0], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Marks an item golden or not; returns whether it was.
pub(super) fn set_golden(
    tx: &Connection,
    item: ItemId,
    golden: bool,
    stamp: Stamp,
) -> Result<bool, ProjectError> {
    let was = is_golden(tx, item)?;
    if golden && !was {
        tx.prepare_cached("INSERT INTO golden(item_id, author, created_ms) VALUES(?1,?2,?3)")?
            .execute(params![item.0, stamp.author, stamp.time_ms])?;
    } else if !golden && was {
        tx.prepare_cached("DELETE FROM golden WHERE item_id = ?1")?
            .execute([item.0])?;
    }
    Ok(was)
}

pub(super) fn golden_items(conn: &Connection) -> Result<Vec<ItemId>, ProjectError> {
    let mut stmt = conn.prepare_cached("SELECT item_id FROM golden ORDER BY item_id")?;
    let rows = stmt.query_map([], |r| Ok(ItemId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Keeps or drops an annotator's version of an item; returns the version it
/// replaced.
pub(super) fn set_version(
    tx: &Connection,
    item: ItemId,
    annotator: &str,
    kind: VersionKind,
    body: Option<&ItemSnapshot>,
    stamp: Stamp,
) -> Result<Option<ItemSnapshot>, ProjectError> {
    let old: Option<ItemSnapshot> = tx
        .prepare_cached(
            "SELECT body FROM item_versions WHERE item_id = ?1 AND annotator = ?2 AND kind = ?3",
        )?
        .query_row(params![item.0, annotator, kind.as_str()], |r| {
            json_column(r, 0)
        })
        .optional()?;
    match body {
        Some(body) => {
            tx.prepare_cached(
                "INSERT INTO item_versions(item_id, annotator, kind, body, created_ms) \
                 VALUES(?1,?2,?3,?4,?5) ON CONFLICT(item_id, annotator, kind) \
                 DO UPDATE SET body = excluded.body, created_ms = excluded.created_ms",
            )?
            .execute(params![
                item.0,
                annotator,
                kind.as_str(),
                to_json(body)?,
                stamp.time_ms
            ])?;
        }
        None => {
            tx.prepare_cached(
                "DELETE FROM item_versions WHERE item_id = ?1 AND annotator = ?2 AND kind = ?3",
            )?
            .execute(params![item.0, annotator, kind.as_str()])?;
        }
    }
    Ok(old)
}

/// Every kept version, ordered by item, kind and annotator.
pub(super) fn item_versions(conn: &Connection) -> Result<Vec<ItemVersion>, ProjectError> {
    let mut stmt = conn.prepare_cached(
        "SELECT item_id, annotator, kind, body, created_ms FROM item_versions \
         ORDER BY item_id, kind, annotator",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind = named_column(r, 2, VersionKind::parse, "version kind")?;
        Ok(ItemVersion {
            item: ItemId(r.get(0)?),
            annotator: r.get(1)?,
            kind,
            body: json_column(r, 3)?,
            created_ms: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The largest annotation and span ids ever given out (`sqlite_sequence`).
pub(super) fn id_floors(conn: &Connection) -> Result<(i64, i64), ProjectError> {
    let seq = |table: &str| -> Result<i64, ProjectError> {
        Ok(conn
            .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = ?1")?
            .query_row([table], |r| r.get::<_, i64>(0))
            .optional()?
            .unwrap_or(0))
    };
    Ok((seq("annotations")?, text::last_span_id(conn)?))
}

/// One item of a package: its id in the package, its role, and the state it
/// started from (the source's, at split time).
pub type PackageItem = (ItemId, PackageRole, ItemSnapshot);

/// Records that this project is a package, and moves its id sequences up to
/// the source's so new annotations and spans get ids the source never had.
pub(super) fn write_package(
    conn: &mut Connection,
    info: &PackageInfo,
    items: &[PackageItem],
) -> Result<(), ProjectError> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO package_info(id, body) VALUES(1, ?1) \
         ON CONFLICT(id) DO UPDATE SET body = excluded.body",
        [to_json(info)?],
    )?;
    {
        let mut insert = tx.prepare(
            "INSERT OR REPLACE INTO package_items(item_id, role, base) VALUES(?1,?2,?3)",
        )?;
        for (item, role, base) in items {
            insert.execute(params![item.0, role.as_str(), to_json(base)?])?;
        }
    }
    raise_sequence(&tx, "annotations", info.annotation_floor)?;
    text::raise_span_floor(&tx, info.span_floor)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn package_info(conn: &Connection) -> Result<Option<PackageInfo>, ProjectError> {
    Ok(conn
        .prepare_cached("SELECT body FROM package_info WHERE id = 1")?
        .query_row([], |r| json_column(r, 0))
        .optional()?)
}

pub(super) fn package_items(conn: &Connection) -> Result<Vec<PackageItem>, ProjectError> {
    let mut stmt =
        conn.prepare_cached("SELECT item_id, role, base FROM package_items ORDER BY item_id")?;
    let rows = stmt.query_map([], |r| {
        let role = named_column(r, 1, PackageRole::parse, "package role")?;
        Ok((ItemId(r.get(0)?), role, json_column(r, 2)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
