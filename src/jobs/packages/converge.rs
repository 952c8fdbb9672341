//! The edits that turn an item's current state into another one (a
//! package's version of it), keeping ids and provenance where it can.

use crate::model::{
    Annotation, AnnotationId, Edit, ItemId, ItemSnapshot, SpanAnnotation, SpanId, SpanRef,
    annotation_key, span_key,
};
use std::collections::HashMap;

/// What the project the edits go to knows.
pub struct Ids<'a> {
    /// Annotations and spans at or below these ids were carried from the
    /// project into the package; above, they were made in the package.
    pub annotation_floor: i64,
    pub span_floor: i64,
    /// Whether an annotation id is in use anywhere in the project, and a span
    /// id on the item (a span never moves to another item).
    pub annotation_exists: &'a dyn Fn(AnnotationId) -> bool,
    pub span_exists: &'a dyn Fn(SpanId) -> bool,
}

/// Pairs `target`'s annotations with `current`'s: first a carried one by its
/// id, then the others by content. Returns the pairs (current, target), the
/// current ones left over, and the target ones left over.
fn pair<'a, T, K: PartialEq>(
    current: &'a [T],
    target: &'a [T],
    id: impl Fn(&T) -> i64,
    floor: i64,
    key: impl Fn(&T) -> K,
) -> (Vec<(&'a T, &'a T)>, Vec<&'a T>, Vec<&'a T>) {
    let mut cur: Vec<Option<&T>> = current.iter().map(Some).collect();
    let by_id: HashMap<i64, usize> = current
        .iter()
        .enumerate()
        .map(|(i, c)| (id(c), i))
        .collect();
    let mut pairs = Vec::new();
    let mut rest = Vec::new();
    for t in target {
        let carried = id(t) <= floor;
        match by_id.get(&id(t)).filter(|_| carried) {
            Some(&i) if cur[i].is_some() => {
                pairs.push((current_at(&mut cur, i), t));
            }
            _ => rest.push(t),
        }
    }
    let mut unmatched = Vec::new();
    for t in rest {
        let found = cur.iter().position(|c| c.is_some_and(|c| key(c) == key(t)));
        match found {
            Some(i) => pairs.push((current_at(&mut cur, i), t)),
            None => unmatched.push(t),
        }
    }
    (pairs, cur.into_iter().flatten().collect(), unmatched)
}

fn current_at<'a, T>(cur: &mut [Option<&'a T>], i: usize) -> &'a T {
    // `pair` only calls this on a slot it has just seen filled.
    cur[i]
        .take()
        .unwrap_or_else(|| unreachable!("slot {i} is filled"))
}

/// Annotations to add, moved onto the item: those carried from the project
/// whose id is free come back under it (`restorable`), the rest get new ids.
fn restore_or_copy<T>(
    new: Vec<&T>,
    restorable: impl Fn(&T) -> bool,
    on_item: impl Fn(&T) -> T,
) -> (Vec<T>, Vec<T>) {
    let (restore, copy): (Vec<&T>, Vec<&T>) = new.into_iter().partition(|t| restorable(t));
    (
        restore.into_iter().map(&on_item).collect(),
        copy.into_iter().map(&on_item).collect(),
    )
}

/// The edits that make item `item`, now `current`, look like `target`.
pub fn converge(
    item: ItemId,
    current: &ItemSnapshot,
    target: &ItemSnapshot,
    ids: &Ids,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    let (pairs, gone, new) = pair(
        &current.annotations,
        &target.annotations,
        |a| a.id.0,
        ids.annotation_floor,
        annotation_key,
    );
    edits.push(Edit::DeleteAnnotations(gone.iter().map(|a| a.id).collect()));
    for (c, t) in pairs {
        // By content, as snapshots are compared: the same bits, not nearly equal.
        if c.shape.to_bytes() != t.shape.to_bytes() {
            edits.push(Edit::SetShape {
                id: c.id,
                shape: t.shape.clone(),
            });
        }
        if c.class != t.class {
            edits.push(Edit::SetAnnotationClass {
                id: c.id,
                class: t.class,
            });
        }
        if c.attributes != t.attributes {
            edits.push(Edit::SetAnnotationAttributes {
                id: c.id,
                attributes: t.attributes.clone(),
            });
        }
    }
    let (restore, copy) = restore_or_copy(
        new,
        |a| a.id.0 <= ids.annotation_floor && !(ids.annotation_exists)(a.id),
        |a| Annotation { item, ..a.clone() },
    );
    edits.push(Edit::RestoreAnnotations(restore));
    edits.push(Edit::CopyAnnotations(copy));

    let (pairs, gone, new) = pair(
        &current.spans,
        &target.spans,
        |s| s.id.0,
        ids.span_floor,
        span_key,
    );
    edits.push(Edit::DeleteSpans(
        gone.iter().map(|s| SpanRef { item, id: s.id }).collect(),
    ));
    // A span's range never changes (no edit moves one), only its class.
    for (c, t) in pairs {
        if c.class != t.class {
            edits.push(Edit::SetSpanClass {
                span: SpanRef { item, id: c.id },
                class: t.class,
            });
        }
    }
    let (restore, copy) = restore_or_copy(
        new,
        |s| s.id.0 <= ids.span_floor && !(ids.span_exists)(s.id),
        |s| SpanAnnotation { item, ..s.clone() },
    );
    edits.push(Edit::RestoreSpans(restore));
    edits.push(Edit::CopySpans(copy));

    let mut labels = target.labels.clone();
    labels.sort_unstable();
    let mut now = current.labels.clone();
    now.sort_unstable();
    if labels != now {
        edits.push(Edit::SetImageLabels { item, labels });
    }
    if current.status != target.status {
        edits.push(Edit::SetStatus {
            item,
            status: target.status,
        });
    }
    edits.retain(|e| !e.is_empty());
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttrValue, BBox, ClassId, ItemStatus, Provenance, Shape};

    #[test]
    fn an_attribute_change_in_a_package_comes_back_as_set_annotation_attributes() {
        let carried = Annotation {
            id: AnnotationId(7),
            item: ItemId(1),
            class: ClassId(1),
            shape: Shape::Rect(BBox::from_corners([1.0, 1.0], [5.0, 5.0])),
            group: None,
            provenance: Provenance {
                author: "li".into(),
                created_ms: 1,
                updated_by: "li".into(),
                updated_ms: 1,
            },
            attributes: Default::default(),
        };
        let mut changed = carried.clone();
        changed
            .attributes
            .insert("occluded".into(), AttrValue::Bool(true));
        let snapshot = |a: Annotation| ItemSnapshot {
            status: ItemStatus::InProgress,
            annotations: vec![a],
            spans: Vec::new(),
            labels: Vec::new(),
        };
        let (current, target) = (snapshot(carried), snapshot(changed.clone()));
        assert!(!current.same_content(&target));
        let ids = Ids {
            annotation_floor: 10,
            span_floor: 0,
            annotation_exists: &|_| true,
            span_exists: &|_| false,
        };
        let edits = converge(ItemId(1), &current, &target, &ids);
        let set: Vec<_> = edits
            .iter()
            .filter(|e| matches!(e, Edit::SetAnnotationAttributes { .. }))
            .collect();
        assert_eq!(
            set,
            [&Edit::SetAnnotationAttributes {
                id: AnnotationId(7),
                attributes: changed.attributes,
            }]
        );
    }
}
