//! `shugu.proposals`: shapes a model suggested, with their score and
//! source, waiting for review; the shape as in `annotations`, the
//! attributes (an OCR line's text) JSON in `attrs`, NULL for none.

use super::annotations::{attrs_to_db, kind_code, shape_columns};
use super::conn::Conn;
use crate::model::{Attributes, ClassId, ItemId, NewProposal, Proposal, ProposalId};
use crate::project::ProjectError;
use crate::project::store::id_taken;
use postgres::Row;
use postgres::types::Json;

fn row_to_proposal(r: &Row) -> Result<Proposal, ProjectError> {
    Ok(Proposal {
        id: ProposalId(r.try_get(0)?),
        item: ItemId(r.try_get(1)?),
        class: ClassId(r.try_get(2)?),
        shape: shape_columns(r, 3)?,
        score: r.try_get(5)?,
        source: r.try_get(6)?,
        attributes: r
            .try_get::<_, Option<Json<Attributes>>>(7)?
            .map(|Json(a)| a)
            .unwrap_or_default(),
    })
}

macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT id, item_id, class_id, kind, geometry, score, source, attrs FROM shugu.proposals ",
            $rest
        )
    };
}

pub(super) fn find(c: &mut Conn, id: ProposalId) -> Result<Option<Proposal>, ProjectError> {
    c.query_opt(select!("WHERE id = $1"), &[&id.0])?
        .map(|r| row_to_proposal(&r))
        .transpose()
}

/// An item's proposals, best score first.
pub(super) fn of_item(c: &mut Conn, item: ItemId) -> Result<Vec<Proposal>, ProjectError> {
    c.map_rows(
        select!("WHERE item_id = $1 ORDER BY score DESC, id"),
        &[&item.0],
        row_to_proposal,
    )
}

/// Every proposal, ordered by item then id.
pub(super) fn all(c: &mut Conn) -> Result<Vec<Proposal>, ProjectError> {
    c.map_rows(select!("ORDER BY item_id, id"), &[], row_to_proposal)
}

pub(super) fn items_with_proposals(c: &mut Conn) -> Result<Vec<ItemId>, ProjectError> {
    c.map_rows(
        "SELECT DISTINCT item_id FROM shugu.proposals ORDER BY item_id",
        &[],
        |r| Ok(ItemId(r.try_get(0)?)),
    )
}

/// Inserts a proposal under `id`, or a new id when `None`; returns the id.
pub(super) fn insert(
    c: &mut Conn,
    id: Option<ProposalId>,
    p: &NewProposal,
) -> Result<ProposalId, ProjectError> {
    let (kind, geometry) = (kind_code(&p.shape), p.shape.to_bytes());
    let attrs = attrs_to_db(&p.attributes);
    let row = match id {
        Some(id) => c.query_opt(
            "INSERT INTO shugu.proposals (id, item_id, class_id, kind, geometry, score, source, attrs)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING id",
            &[
                &id.0, &p.item.0, &p.class.0, &kind, &geometry, &p.score, &p.source, &attrs,
            ],
        )?,
        None => c.query_opt(
            "INSERT INTO shugu.proposals (item_id, class_id, kind, geometry, score, source, attrs)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &[&p.item.0, &p.class.0, &kind, &geometry, &p.score, &p.source, &attrs],
        )?,
    };
    match row {
        Some(r) => Ok(ProposalId(r.try_get(0)?)),
        None => Err(id_taken("proposal", id.map_or(0, |id| id.0))),
    }
}

/// Deletes a proposal; returns it as it was.
pub(super) fn delete(c: &mut Conn, id: ProposalId) -> Result<Option<Proposal>, ProjectError> {
    c.query_opt(
        "DELETE FROM shugu.proposals WHERE id = $1
         RETURNING id, item_id, class_id, kind, geometry, score, source, attrs",
        &[&id.0],
    )?
    .map(|r| row_to_proposal(&r))
    .transpose()
}
