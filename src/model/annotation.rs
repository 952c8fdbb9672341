//! An annotation on an image: a [`Shape`] of a class, with its provenance and
//! attributes, and the group of shapes it belongs with.

use super::{AnnotationId, Attributes, BBox, ClassId, GroupId, ItemId, Provenance, Shape};
use serde::{Deserialize, Serialize};

/// The attribute that marks a region as a crowd (COCO's `iscrowd: 1`), as
/// datumaro and CVAT keep it: a flag among the annotation's attributes.
pub const CROWD_ATTRIBUTE: &str = "is_crowd";

/// A shape of a class on an item, with its provenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "AnnotationRecord")]
pub struct Annotation {
    pub id: AnnotationId,
    pub item: ItemId,
    pub class: ClassId,
    pub shape: Shape,
    /// Shapes of one item that belong together: COCO's person record (a region
    /// and its keypoints), CVAT's and labelme's group ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    pub provenance: Provenance,
    /// Free or schema-defined attributes (difficult, occluded, colour, …).
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
}

impl Annotation {
    /// The box around the shape (derived, see [`Shape::bounds`]).
    pub fn bounds(&self) -> BBox {
        self.shape.bounds()
    }

    /// Whether the annotation marks a crowd ([`CROWD_ATTRIBUTE`]).
    pub fn is_crowd(&self) -> bool {
        is_crowd(&self.attributes)
    }
}

/// Whether attributes mark a crowd ([`CROWD_ATTRIBUTE`] set to true).
pub fn is_crowd(attributes: &Attributes) -> bool {
    attributes
        .get(CROWD_ATTRIBUTE)
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// An annotation as JSON holds it: with its `shape`, or, as versions before
/// shapes wrote it (an item version or a package's starting state in a
/// database of version 6), with a `bbox`, which is a [`Shape::Rect`].
#[derive(Deserialize)]
struct AnnotationRecord {
    id: AnnotationId,
    item: ItemId,
    class: ClassId,
    #[serde(default)]
    shape: Option<Shape>,
    #[serde(default)]
    bbox: Option<BBox>,
    #[serde(default)]
    group: Option<GroupId>,
    provenance: Provenance,
    #[serde(default)]
    attributes: Attributes,
}

impl TryFrom<AnnotationRecord> for Annotation {
    type Error = String;

    fn try_from(r: AnnotationRecord) -> Result<Self, String> {
        let shape = match (r.shape, r.bbox) {
            (Some(shape), _) => shape,
            (None, Some(bbox)) => Shape::Rect(bbox),
            (None, None) => return Err(format!("annotation {} has no shape", r.id)),
        };
        Ok(Annotation {
            id: r.id,
            item: r.item,
            class: r.class,
            shape,
            group: r.group,
            provenance: r.provenance,
            attributes: r.attributes,
        })
    }
}

/// An annotation to be created; the project assigns its id and provenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewAnnotation {
    pub item: ItemId,
    pub class: ClassId,
    pub shape: Shape,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
}

impl NewAnnotation {
    /// An annotation without group or attributes.
    pub fn new(item: ItemId, class: ClassId, shape: Shape) -> Self {
        Self {
            item,
            class,
            shape,
            group: None,
            attributes: Attributes::new(),
        }
    }

    /// A box ([`Shape::Rect`]) without group or attributes.
    pub fn rect(item: ItemId, class: ClassId, bbox: BBox) -> Self {
        Self::new(item, class, Shape::Rect(bbox))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_annotation_written_with_a_bbox_reads_as_a_rect() {
        let old = r#"{"id":1,"item":2,"class":3,
            "bbox":{"min_x":1.0,"min_y":2.0,"max_x":5.0,"max_y":6.5},
            "provenance":{"author":"a","created_ms":1,"updated_by":"a","updated_ms":2},
            "attributes":{"occluded":true}}"#;
        let a: Annotation = serde_json::from_str(old).unwrap();
        assert_eq!(
            a.shape,
            Shape::Rect(BBox::from_corners([1.0, 2.0], [5.0, 6.5]))
        );
        assert_eq!(a.group, None);
        assert_eq!(a.attributes.len(), 1);
        let again: Annotation = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(again, a);
        let none = r#"{"id":1,"item":2,"class":3,
            "provenance":{"author":"a","created_ms":1,"updated_by":"a","updated_ms":2}}"#;
        let err = serde_json::from_str::<Annotation>(none).unwrap_err();
        assert!(err.to_string().contains("has no shape"), "{err}");
    }
}
