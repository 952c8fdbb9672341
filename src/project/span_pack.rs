//! An item's spans packed into one value of its `texts` row (the `spans`
//! column). One row per text instead of one per span is what lets a labelled
//! million-line import store in seconds: SQLite's cost is per row.
//!
//! Layout: a version byte, then per span, in (start, end, id) order:
//! id i64, class i64, start u32, end u32, created_ms i64, updated_ms i64,
//! author (u32 length + UTF-8), updated_by (u32 length + UTF-8), all
//! little-endian. An empty value means no spans.

use super::ProjectError;
use crate::model::{ClassId, ItemId, Provenance, SpanAnnotation, SpanId};

const VERSION: u8 = 1;

/// One span as it lies in a pack, its strings borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct PackedSpan<'a> {
    pub id: SpanId,
    pub class: ClassId,
    pub start: u32,
    pub end: u32,
    pub author: &'a str,
    pub created_ms: i64,
    pub updated_by: &'a str,
    pub updated_ms: i64,
}

impl<'a> PackedSpan<'a> {
    pub fn of(s: &'a SpanAnnotation) -> Self {
        PackedSpan {
            id: s.id,
            class: s.class,
            start: s.start,
            end: s.end,
            author: &s.provenance.author,
            created_ms: s.provenance.created_ms,
            updated_by: &s.provenance.updated_by,
            updated_ms: s.provenance.updated_ms,
        }
    }

    pub fn to_span(self, item: ItemId) -> SpanAnnotation {
        SpanAnnotation {
            id: self.id,
            item,
            class: self.class,
            start: self.start,
            end: self.end,
            provenance: Provenance {
                author: self.author.to_string(),
                created_ms: self.created_ms,
                updated_by: self.updated_by.to_string(),
                updated_ms: self.updated_ms,
            },
        }
    }
}

/// Appends one span to a pack being built; spans must come in (start, end, id)
/// order.
pub(super) fn push(out: &mut Vec<u8>, s: &PackedSpan) {
    if out.is_empty() {
        out.push(VERSION);
    }
    out.extend_from_slice(&s.id.0.to_le_bytes());
    out.extend_from_slice(&s.class.0.to_le_bytes());
    out.extend_from_slice(&s.start.to_le_bytes());
    out.extend_from_slice(&s.end.to_le_bytes());
    out.extend_from_slice(&s.created_ms.to_le_bytes());
    out.extend_from_slice(&s.updated_ms.to_le_bytes());
    for text in [s.author, s.updated_by] {
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
    }
}

/// Packs spans, sorting them into (start, end, id) order.
pub(super) fn pack(spans: &[SpanAnnotation]) -> Vec<u8> {
    let mut order: Vec<&SpanAnnotation> = spans.iter().collect();
    order.sort_by_key(|s| (s.start, s.end, s.id));
    let mut out = Vec::new();
    for s in order {
        push(&mut out, &PackedSpan::of(s));
    }
    out
}

/// The spans of a pack, in order, borrowing their strings from it.
pub(super) fn unpack(pack: &[u8]) -> Result<Vec<PackedSpan<'_>>, ProjectError> {
    let mut spans = Vec::new();
    for_each(pack, |s| {
        spans.push(s);
        Ok(())
    })?;
    Ok(spans)
}

/// An item's spans, owned.
pub(super) fn spans_of(item: ItemId, pack: &[u8]) -> Result<Vec<SpanAnnotation>, ProjectError> {
    Ok(unpack(pack)?.into_iter().map(|s| s.to_span(item)).collect())
}

/// Calls `f` with each span of a pack in order.
pub(super) fn for_each<'a>(
    pack: &'a [u8],
    mut f: impl FnMut(PackedSpan<'a>) -> Result<(), ProjectError>,
) -> Result<(), ProjectError> {
    let Some((&version, mut rest)) = pack.split_first() else {
        return Ok(());
    };
    if version != VERSION {
        return Err(corrupt(&format!("unknown span pack version {version}")));
    }
    while !rest.is_empty() {
        let mut r = Reader(rest);
        let span = PackedSpan {
            id: SpanId(r.i64()?),
            class: ClassId(r.i64()?),
            start: r.u32()?,
            end: r.u32()?,
            created_ms: r.i64()?,
            updated_ms: r.i64()?,
            author: r.str()?,
            updated_by: r.str()?,
        };
        rest = r.0;
        f(span)?;
    }
    Ok(())
}

fn corrupt(what: &str) -> ProjectError {
    ProjectError::Db(rusqlite::Error::InvalidColumnType(
        0,
        format!("texts.spans is damaged: {what}"),
        rusqlite::types::Type::Blob,
    ))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ProjectError> {
        if self.0.len() < n {
            return Err(corrupt("a span is cut short"));
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn i64(&mut self) -> Result<i64, ProjectError> {
        let mut b = [0; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(i64::from_le_bytes(b))
    }

    fn u32(&mut self) -> Result<u32, ProjectError> {
        let mut b = [0; 4];
        b.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(b))
    }

    fn str(&mut self) -> Result<&'a str, ProjectError> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| corrupt("a name is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: i64, start: u32, end: u32, author: &str) -> SpanAnnotation {
        SpanAnnotation {
            id: SpanId(id),
            item: ItemId(7),
            class: ClassId(3),
            start,
            end,
            provenance: Provenance {
                author: author.into(),
                created_ms: 1_700_000_000_000,
                updated_by: "审核员".into(),
                updated_ms: -1,
            },
        }
    }

    #[test]
    fn packs_and_unpacks_in_range_order() {
        let spans = vec![span(9, 5, 8, "小王"), span(2, 0, 3, ""), span(4, 0, 3, "b")];
        let pack = pack(&spans);
        let back = spans_of(ItemId(7), &pack).unwrap();
        let ids: Vec<i64> = back.iter().map(|s| s.id.0).collect();
        assert_eq!(ids, [2, 4, 9]);
        assert_eq!(back[2], spans[0]);
        assert_eq!(back[0], spans[1]);
    }

    #[test]
    fn an_empty_pack_has_no_spans() {
        assert!(unpack(&[]).unwrap().is_empty());
        assert!(pack(&[]).is_empty());
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let pack = pack(&[span(1, 0, 2, "a")]);
        // A lone version byte is a pack of no spans; any longer cut is damage.
        assert!(unpack(&pack[..1]).unwrap().is_empty());
        for cut in 2..pack.len() {
            assert!(unpack(&pack[..cut]).is_err(), "cut at {cut}");
        }
        assert!(unpack(&[2, 0, 0]).is_err());
    }
}
