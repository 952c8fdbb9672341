//! The `items` table: an item and its row, and the statements that read and
//! write items and their statuses.

use crate::model::{Item, ItemId, ItemStatus};
use crate::project::ProjectError;
use crate::project::store::NewItem;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) const ITEMS_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS items(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rel_path TEXT NOT NULL UNIQUE,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    error TEXT
);
";

/// Version 1 called submitted items `done`.
pub(super) fn rename_done_to_submitted(conn: &Connection) -> Result<(), ProjectError> {
    conn.execute(
        "UPDATE items SET status = 'submitted' WHERE status = 'done'",
        [],
    )?;
    Ok(())
}

fn status_from_db(s: &str) -> ItemStatus {
    ItemStatus::parse(s).unwrap_or(ItemStatus::New)
}

const ITEM_COLUMNS: &str = "id, rel_path, width, height, status, error";

/// An `items` row of [`ITEM_COLUMNS`].
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

pub(super) fn items(conn: &Connection) -> Result<Vec<Item>, ProjectError> {
    let mut stmt = conn.prepare(&format!("SELECT {ITEM_COLUMNS} FROM items ORDER BY id"))?;
    let rows = stmt.query_map([], row_to_item)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn has_no_items(conn: &Connection) -> Result<bool, ProjectError> {
    Ok(!conn.prepare_cached("SELECT 1 FROM items")?.exists([])?)
}

/// Inserts new items as `new`, leaving out paths already there; returns
/// the ones added.
pub(super) fn insert_items(tx: &Connection, items: &[NewItem]) -> Result<Vec<Item>, ProjectError> {
    let mut added = Vec::with_capacity(items.len());
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
    Ok(added)
}

/// Sets the size and error of the items at these paths; returns the items
/// that changed, as they are now.
pub(super) fn update_item_facts(
    tx: &Connection,
    items: &[NewItem],
) -> Result<Vec<Item>, ProjectError> {
    let mut changed = Vec::new();
    let mut update = tx.prepare_cached(&format!(
        "UPDATE items SET width = ?2, height = ?3, error = ?4 WHERE rel_path = ?1 \
         AND (width IS NOT ?2 OR height IS NOT ?3 OR error IS NOT ?4) \
         RETURNING {ITEM_COLUMNS}"
    ))?;
    for it in items {
        let params = params![it.rel_path, it.width, it.height, it.error];
        if let Some(item) = update.query_row(params, row_to_item).optional()? {
            changed.push(item);
        }
    }
    Ok(changed)
}

pub(super) fn statuses(conn: &Connection) -> Result<Vec<(ItemId, ItemStatus)>, ProjectError> {
    let mut stmt = conn.prepare_cached("SELECT id, status FROM items")?;
    let rows = stmt.query_map([], |r| {
        Ok((ItemId(r.get(0)?), status_from_db(&r.get::<_, String>(1)?)))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn item_status(
    conn: &Connection,
    item: ItemId,
) -> Result<Option<ItemStatus>, ProjectError> {
    Ok(conn
        .prepare_cached("SELECT status FROM items WHERE id = ?1")?
        .query_row([item.0], |r| r.get::<_, String>(0))
        .optional()?
        .map(|s| status_from_db(&s)))
}

/// Sets an item's status; returns the one it had, `None` without the item.
pub(super) fn set_status(
    tx: &Connection,
    item: ItemId,
    status: ItemStatus,
) -> Result<Option<ItemStatus>, ProjectError> {
    let Some(old) = item_status(tx, item)? else {
        return Ok(None);
    };
    tx.prepare_cached("UPDATE items SET status = ?2 WHERE id = ?1")?
        .execute(params![item.0, status.as_str()])?;
    Ok(Some(old))
}

/// Sets `to` on those of `items` (ascending) whose status is `from`, and
/// returns them, ascending. One `UPDATE … RETURNING` per run of consecutive
/// ids, so an import over 100k items takes a few statements rather than
/// 200k (a status read and an update per item).
pub(super) fn change_statuses(
    tx: &Connection,
    items: &[ItemId],
    from: ItemStatus,
    to: ItemStatus,
) -> Result<Vec<ItemId>, ProjectError> {
    let mut stmt = tx.prepare_cached(
        "UPDATE items SET status = ?4 WHERE id BETWEEN ?1 AND ?2 AND status = ?3 RETURNING id",
    )?;
    let mut changed = Vec::new();
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for item in items {
        match runs.last_mut() {
            Some((_, to)) if item.0 == *to + 1 => *to = item.0,
            _ => runs.push((item.0, item.0)),
        }
    }
    for (first, last) in runs {
        let params = params![first, last, from.as_str(), to.as_str()];
        let rows = stmt.query_map(params, |r| r.get::<_, i64>(0))?;
        for id in rows {
            changed.push(ItemId(id?));
        }
    }
    // RETURNING does not promise an order.
    changed.sort_unstable();
    Ok(changed)
}
