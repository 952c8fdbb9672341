//! An item's spans packed into one value of its `texts` row (the `spans`
//! column). One row per text instead of one per span is what lets a labelled
//! million-line import store in seconds: SQLite's cost is per row.
//!
//! Layout 2 (written now): a version byte, the pack's distinct names (a
//! LEB128 count, then each as LEB128 length + UTF-8), the number of spans
//! (LEB128), then per span, in
//! (start, end, id) order, LEB128 numbers: id, class, start minus the
//! previous span's start, length, created_ms (zigzag), updated_ms minus
//! created_ms (zigzag), and author and updated_by as indexes into the names.
//! A span takes about 17 bytes, a third of layout 1.
//!
//! Layout 1 (still read): a version byte, then per span id i64, class i64,
//! start u32, end u32, created_ms i64, updated_ms i64, author (u32 length +
//! UTF-8), updated_by (u32 length + UTF-8), all little-endian.
//!
//! An empty value means no spans.

use super::varint::{ByteReader, put_int, put_uint};
use crate::model::{ClassId, ItemId, Provenance, SpanAnnotation, SpanId};
use crate::project::ProjectError;

const LAYOUT_1: u8 = 1;
const LAYOUT_2: u8 = 2;

/// One span as it lies in a pack, its strings borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(in crate::project) struct PackedSpan<'a> {
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

/// Packs spans given in (start, end, id) order.
pub(in crate::project) fn pack_sorted<'a>(
    spans: impl IntoIterator<Item = PackedSpan<'a>> + Clone,
) -> Vec<u8> {
    let mut names: Vec<&str> = Vec::new();
    let mut count = 0;
    for s in spans.clone() {
        count += 1;
        for name in [s.author, s.updated_by] {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    if count == 0 {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(8 + count * 18);
    out.push(LAYOUT_2);
    put_uint(&mut out, names.len() as u64);
    for name in &names {
        put_uint(&mut out, name.len() as u64);
        out.extend_from_slice(name.as_bytes());
    }
    put_uint(&mut out, count as u64);
    let index = |name: &str| names.iter().position(|n| *n == name).unwrap_or(0) as u64;
    let mut previous_start = 0;
    for s in spans {
        put_uint(&mut out, s.id.0 as u64);
        put_uint(&mut out, s.class.0 as u64);
        put_uint(&mut out, u64::from(s.start.wrapping_sub(previous_start)));
        put_uint(&mut out, u64::from(s.end.wrapping_sub(s.start)));
        put_int(&mut out, s.created_ms);
        put_int(&mut out, s.updated_ms.wrapping_sub(s.created_ms));
        put_uint(&mut out, index(s.author));
        put_uint(&mut out, index(s.updated_by));
        previous_start = s.start;
    }
    out
}

/// Packs spans, sorting them into (start, end, id) order.
pub(in crate::project) fn pack(spans: &[SpanAnnotation]) -> Vec<u8> {
    let mut order: Vec<&SpanAnnotation> = spans.iter().collect();
    order.sort_by_key(|s| (s.start, s.end, s.id));
    pack_sorted(order.into_iter().map(PackedSpan::of))
}

/// The spans of a pack, in order, borrowing their strings from it.
pub(in crate::project) fn unpack(pack: &[u8]) -> Result<Vec<PackedSpan<'_>>, ProjectError> {
    let mut spans = Vec::new();
    for_each(pack, |s| {
        spans.push(s);
        Ok(())
    })?;
    Ok(spans)
}

/// An item's spans, owned.
pub(in crate::project) fn spans_of(
    item: ItemId,
    pack: &[u8],
) -> Result<Vec<SpanAnnotation>, ProjectError> {
    Ok(unpack(pack)?.into_iter().map(|s| s.to_span(item)).collect())
}

/// Calls `f` with each span of a pack in order.
pub(in crate::project) fn for_each<'a>(
    pack: &'a [u8],
    f: impl FnMut(PackedSpan<'a>) -> Result<(), ProjectError>,
) -> Result<(), ProjectError> {
    match pack.split_first() {
        None => Ok(()),
        Some((&LAYOUT_2, rest)) => for_each_in_layout_2(rest, f),
        Some((&LAYOUT_1, rest)) => for_each_in_layout_1(rest, f),
        Some((version, _)) => Err(corrupt(&format!("unknown span pack version {version}"))),
    }
}

fn for_each_in_layout_2<'a>(
    pack: &'a [u8],
    mut f: impl FnMut(PackedSpan<'a>) -> Result<(), ProjectError>,
) -> Result<(), ProjectError> {
    let mut r = ByteReader(pack);
    let count = r.uint().map_err(corrupt)?;
    let mut names = Vec::new();
    for _ in 0..count {
        names.push(r.str().map_err(corrupt)?);
    }
    let name = |i: u64| -> Result<&'a str, ProjectError> {
        usize::try_from(i)
            .ok()
            .and_then(|i| names.get(i).copied())
            .ok_or_else(|| corrupt("a span names an author the pack lacks"))
    };
    let spans = r.uint().map_err(corrupt)?;
    let mut previous_start: u32 = 0;
    for _ in 0..spans {
        let mut next = || -> Result<_, &'static str> {
            Ok((
                r.uint()?,
                r.uint()?,
                r.u32()?,
                r.u32()?,
                r.int()?,
                r.int()?,
                r.uint()?,
                r.uint()?,
            ))
        };
        let (id, class, start_step, len, created_ms, updated_step, author, updated_by) =
            next().map_err(corrupt)?;
        let (id, class) = (SpanId(id as i64), ClassId(class as i64));
        let start = previous_start.wrapping_add(start_step);
        let end = start.wrapping_add(len);
        let updated_ms = created_ms.wrapping_add(updated_step);
        let author = name(author)?;
        let updated_by = name(updated_by)?;
        previous_start = start;
        f(PackedSpan {
            id,
            class,
            start,
            end,
            author,
            created_ms,
            updated_by,
            updated_ms,
        })?;
    }
    if !r.is_empty() {
        return Err(corrupt("bytes follow the last span"));
    }
    Ok(())
}

fn for_each_in_layout_1<'a>(
    mut rest: &'a [u8],
    mut f: impl FnMut(PackedSpan<'a>) -> Result<(), ProjectError>,
) -> Result<(), ProjectError> {
    while !rest.is_empty() {
        let mut r = ByteReader(rest);
        let mut next = || -> Result<_, &'static str> {
            Ok(PackedSpan {
                id: SpanId(r.le_i64()?),
                class: ClassId(r.le_i64()?),
                start: r.le_u32()?,
                end: r.le_u32()?,
                created_ms: r.le_i64()?,
                updated_ms: r.le_i64()?,
                author: r.le_str()?,
                updated_by: r.le_str()?,
            })
        };
        let span = next().map_err(corrupt)?;
        rest = r.0;
        f(span)?;
    }
    Ok(())
}

fn corrupt(what: &str) -> ProjectError {
    ProjectError::Db(rusqlite::Error::InvalidColumnType(
        0,
        format!("a text's span pack is damaged: {what}"),
        rusqlite::types::Type::Blob,
    ))
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
        for cut in 1..pack.len() {
            assert!(unpack(&pack[..cut]).is_err(), "cut at {cut}");
        }
        assert!(unpack(&[3, 0, 0]).is_err());
    }

    #[test]
    fn extreme_values_survive_the_round_trip() {
        let mut a = span(i64::MAX, u32::MAX - 1, u32::MAX, "");
        a.provenance.created_ms = i64::MIN;
        a.provenance.updated_ms = i64::MAX;
        let b = span(0, 0, 0, "同一个人");
        let back = spans_of(ItemId(7), &pack(&[a.clone(), b.clone()])).unwrap();
        assert_eq!(back, [b, a]);
    }

    #[test]
    fn a_pack_names_each_author_once() {
        let spans: Vec<_> = (0..100)
            .map(|i| span(i, i as u32, i as u32 + 1, "标注员甲"))
            .collect();
        let pack = pack(&spans);
        assert_eq!(
            pack.windows(12)
                .filter(|w| *w == "标注员甲".as_bytes())
                .count(),
            1
        );
        assert!(pack.len() < 100 * 20, "{} bytes", pack.len());
    }

    /// Databases written before layout 2 keep their packs until an edit
    /// rewrites them.
    #[test]
    fn reads_layout_1() {
        let mut old = vec![LAYOUT_1];
        let s = span(5, 2, 9, "小王");
        old.extend_from_slice(&5i64.to_le_bytes());
        old.extend_from_slice(&3i64.to_le_bytes());
        old.extend_from_slice(&2u32.to_le_bytes());
        old.extend_from_slice(&9u32.to_le_bytes());
        old.extend_from_slice(&s.provenance.created_ms.to_le_bytes());
        old.extend_from_slice(&(-1i64).to_le_bytes());
        for name in ["小王", "审核员"] {
            old.extend_from_slice(&(name.len() as u32).to_le_bytes());
            old.extend_from_slice(name.as_bytes());
        }
        assert_eq!(spans_of(ItemId(7), &old).unwrap(), [s]);
    }
}
