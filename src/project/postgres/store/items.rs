//! `shugu.items`: an item and its row, and the statements that read and
//! write items and their statuses. The server stamps each change (the
//! item's version, who changed it) and keeps the status rule by its
//! triggers; these statements only say what changes.

use super::conn::{Conn, bad_row, int4, uint};
use crate::model::{Item, ItemId, ItemStatus};
use crate::project::ProjectError;
use crate::project::store::NewItem;
use postgres::Row;

fn status_from_db(s: &str) -> Result<ItemStatus, ProjectError> {
    ItemStatus::parse(s).ok_or_else(|| bad_row(format!("an unknown item status `{s}`")))
}

/// A row of `id, rel_path, width, height, status, error`.
pub(super) fn row_to_item(r: &Row) -> Result<Item, ProjectError> {
    Ok(Item {
        id: ItemId(r.try_get(0)?),
        rel_path: r.try_get(1)?,
        width: uint(r.try_get(2)?),
        height: uint(r.try_get(3)?),
        status: status_from_db(r.try_get(4)?)?,
        error: r.try_get(5)?,
    })
}

pub(super) fn items(c: &mut Conn) -> Result<Vec<Item>, ProjectError> {
    c.map_rows(
        "SELECT id, rel_path, width, height, status, error FROM shugu.items ORDER BY id",
        &[],
        row_to_item,
    )
}

/// The columns of new items as arrays, one element per item.
struct ItemColumns {
    paths: Vec<String>,
    widths: Vec<i32>,
    heights: Vec<i32>,
    errors: Vec<Option<String>>,
}

impl ItemColumns {
    fn of(items: &[NewItem]) -> Self {
        ItemColumns {
            paths: items.iter().map(|i| i.rel_path.clone()).collect(),
            widths: items.iter().map(|i| int4(i.width)).collect(),
            heights: items.iter().map(|i| int4(i.height)).collect(),
            errors: items.iter().map(|i| i.error.clone()).collect(),
        }
    }
}

/// Inserts new items as `new`, leaving out paths already there; returns
/// the ones added, by id. Ids follow the order of `items`.
pub(super) fn insert_items(c: &mut Conn, items: &[NewItem]) -> Result<Vec<Item>, ProjectError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let cols = ItemColumns::of(items);
    let mut added = c.map_rows(
        "INSERT INTO shugu.items (rel_path, width, height, error)
         SELECT p, w, h, e FROM unnest($1::text[], $2::integer[], $3::integer[], $4::text[])
                WITH ORDINALITY AS u(p, w, h, e, n)
          ORDER BY n
         ON CONFLICT (rel_path) DO NOTHING
         RETURNING id, rel_path, width, height, status, error",
        &[&cols.paths, &cols.widths, &cols.heights, &cols.errors],
        row_to_item,
    )?;
    added.sort_unstable_by_key(|i| i.id);
    Ok(added)
}

/// Sets the size and error of the items at these paths; returns the items
/// that changed, as they are now, by id.
pub(super) fn update_item_facts(
    c: &mut Conn,
    items: &[NewItem],
) -> Result<Vec<Item>, ProjectError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let cols = ItemColumns::of(items);
    let mut changed = c.map_rows(
        "UPDATE shugu.items i SET width = u.w, height = u.h, error = u.e
           FROM unnest($1::text[], $2::integer[], $3::integer[], $4::text[]) AS u(p, w, h, e)
          WHERE i.rel_path = u.p
            AND (i.width, i.height, i.error) IS DISTINCT FROM (u.w, u.h, u.e)
         RETURNING i.id, i.rel_path, i.width, i.height, i.status, i.error",
        &[&cols.paths, &cols.widths, &cols.heights, &cols.errors],
        row_to_item,
    )?;
    changed.sort_unstable_by_key(|i| i.id);
    Ok(changed)
}

pub(super) fn statuses(c: &mut Conn) -> Result<Vec<(ItemId, ItemStatus)>, ProjectError> {
    c.map_rows("SELECT id, status FROM shugu.items ORDER BY id", &[], |r| {
        Ok((ItemId(r.try_get(0)?), status_from_db(r.try_get(1)?)?))
    })
}

pub(super) fn item_status(c: &mut Conn, item: ItemId) -> Result<Option<ItemStatus>, ProjectError> {
    c.query_opt("SELECT status FROM shugu.items WHERE id = $1", &[&item.0])?
        .map(|r| status_from_db(r.try_get(0)?))
        .transpose()
}

/// Sets an item's status; returns the one it had, `None` without the item.
pub(super) fn set_status(
    c: &mut Conn,
    item: ItemId,
    status: ItemStatus,
) -> Result<Option<ItemStatus>, ProjectError> {
    c.query_opt(
        "UPDATE shugu.items i SET status = $2
           FROM (SELECT id, status FROM shugu.items WHERE id = $1 FOR UPDATE) AS old
          WHERE i.id = old.id
         RETURNING old.status",
        &[&item.0, &status.as_str()],
    )?
    .map(|r| status_from_db(r.try_get(0)?))
    .transpose()
}

/// Sets `to` on those of `items` whose status is `from`, in one statement;
/// returns them, ascending.
pub(super) fn change_statuses(
    c: &mut Conn,
    items: &[ItemId],
    from: ItemStatus,
    to: ItemStatus,
) -> Result<Vec<ItemId>, ProjectError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = items.iter().map(|i| i.0).collect();
    let mut changed = c.map_rows(
        "UPDATE shugu.items SET status = $3 WHERE id = ANY($1) AND status = $2 RETURNING id",
        &[&ids, &from.as_str(), &to.as_str()],
        |r| Ok(ItemId(r.try_get(0)?)),
    )?;
    changed.sort_unstable();
    Ok(changed)
}
