//! `shugu.image_labels`: an item's item-level labels (image labels, or a
//! text's document classes), a row each.

use super::conn::Conn;
use crate::model::{ItemId, LabelId};
use crate::project::ProjectError;
use crate::project::store::Stamp;

pub(super) fn labels_of(c: &mut Conn, item: ItemId) -> Result<Vec<LabelId>, ProjectError> {
    c.map_rows(
        "SELECT label_id FROM shugu.image_labels WHERE item_id = $1 ORDER BY label_id",
        &[&item.0],
        |r| Ok(LabelId(r.try_get(0)?)),
    )
}

/// Every labelled item's labels, by item.
pub(super) fn all_labels(c: &mut Conn) -> Result<Vec<(ItemId, Vec<LabelId>)>, ProjectError> {
    c.map_rows(
        "SELECT item_id, array_agg(label_id ORDER BY label_id) FROM shugu.image_labels
          GROUP BY item_id ORDER BY item_id",
        &[],
        |r| {
            let labels: Vec<i64> = r.try_get(1)?;
            Ok((
                ItemId(r.try_get(0)?),
                labels.into_iter().map(LabelId).collect(),
            ))
        },
    )
}

pub(super) fn label_counts(c: &mut Conn) -> Result<Vec<(LabelId, u64)>, ProjectError> {
    c.map_rows(
        "SELECT label_id, count(*) FROM shugu.image_labels GROUP BY label_id ORDER BY label_id",
        &[],
        |r| {
            Ok((
                LabelId(r.try_get(0)?),
                u64::try_from(r.try_get::<_, i64>(1)?).unwrap_or(0),
            ))
        },
    )
}

/// Replaces an item's labels; returns the ones it had. Nothing is written
/// when they stay the same.
pub(super) fn set_labels(
    c: &mut Conn,
    item: ItemId,
    labels: &[LabelId],
    stamp: Stamp,
) -> Result<Vec<LabelId>, ProjectError> {
    let old = labels_of(c, item)?;
    let mut new: Vec<i64> = labels.iter().map(|l| l.0).collect();
    new.sort_unstable();
    new.dedup();
    if old.iter().map(|l| l.0).eq(new.iter().copied()) {
        return Ok(old);
    }
    c.execute(
        "DELETE FROM shugu.image_labels WHERE item_id = $1 AND label_id <> ALL($2)",
        &[&item.0, &new],
    )?;
    c.execute(
        "INSERT INTO shugu.image_labels (item_id, label_id, author, created_ms)
         SELECT $1, label, $3, $4 FROM unnest($2::bigint[]) AS label
         ON CONFLICT (item_id, label_id) DO NOTHING",
        &[&item.0, &new, &stamp.author, &stamp.time_ms],
    )?;
    Ok(old)
}

/// An item with more than one label, if there is one.
pub(super) fn item_with_several(c: &mut Conn) -> Result<Option<ItemId>, ProjectError> {
    c.query_opt(
        "SELECT item_id FROM shugu.image_labels GROUP BY item_id HAVING count(*) > 1
          ORDER BY item_id LIMIT 1",
        &[],
    )?
    .map(|r| Ok(ItemId(r.try_get(0)?)))
    .transpose()
}
