//! Writing shapes as COCO annotations: `segmentation`, `bbox`, `area`,
//! `iscrowd`, `keypoints` and `num_keypoints`, and a keypoint class's
//! category.
//!
//! - A box has `"segmentation": []` (as datumaro, CVAT and every box exporter
//!   write), a polygon its parts as flat `[x0, y0, x1, y1, ...]` lists, a mask
//!   its RLE: uncompressed `counts` for a crowd region (COCO 2017's form, and
//!   datumaro's), pycocotools' compressed string otherwise (the form `mask.encode`
//!   gives and the only one `loadRes` takes). pycocotools' `annToRLE` reads all
//!   three.
//! - `bbox` is derived from the shape: the region's bounds (`toBbox` for masks),
//!   else the labelled keypoints'.
//! - `area` (the exporter checklist of [`crate::formats::coco`]): w×h for a box, the shoelace area of the parts for
//!   a polygon (as COCO 2017's own polygon areas), the pixel count for a mask;
//!   for keypoints alone, the area of the box `loadRes` would put around them
//!   ([`Shape::coco_area`]). COCOeval uses `area` only to sort annotations into
//!   its area ranges; a detection made from an annotation is matched to that
//!   annotation and takes its range, so a self-evaluation gives 1.0 whatever the
//!   formula.
//! - A class with keypoint names writes `keypoints` and `num_keypoints` on every
//!   annotation, zeros when it has none, as COCO's person keypoints files do
//!   (COCOeval's keypoint evaluation reads `num_keypoints` of every annotation
//!   of the categories it evaluates).

use super::file::{CocoAnnotation, CocoCategory};
use super::import::CategoryKeypoints;
use super::keypoints::CocoKeypoints;
use super::segmentation::{CocoRle, Segmentation};
use crate::model::{Attributes, BBox, Keypoint, Polygon, Shape};
use std::borrow::Cow;

/// The shapes written as one COCO record: a region and its keypoints (COCO's
/// person record), or either alone. Borrowed shapes are copied into the
/// annotation; owned ones (just read from the store) are moved.
#[derive(Clone, Debug, Default)]
pub struct ShapeRecord<'a> {
    /// A box, rotated box (written as its polygon), polygon or mask.
    pub region: Option<Cow<'a, Shape>>,
    pub keypoints: Option<Cow<'a, [Keypoint]>>,
    /// COCO's `iscrowd`.
    pub crowd: bool,
}

impl<'a> ShapeRecord<'a> {
    /// A record of borrowed shapes.
    pub fn of(region: Option<&'a Shape>, keypoints: Option<&'a [Keypoint]>, crowd: bool) -> Self {
        Self {
            region: region.map(Cow::Borrowed),
            keypoints: keypoints.map(Cow::Borrowed),
            crowd,
        }
    }
}

/// The geometry fields of one COCO annotation.
#[derive(Clone, Debug, PartialEq)]
pub struct CocoGeometry {
    pub bbox: [f64; 4],
    pub area: f64,
    pub iscrowd: bool,
    pub segmentation: Segmentation,
    pub keypoints: CocoKeypoints,
    pub num_keypoints: Option<u32>,
    /// How the region was converted to fit COCO, when it was.
    pub converted: Option<&'static str>,
}

impl CocoGeometry {
    /// The annotation with this geometry.
    pub fn into_annotation(
        self,
        id: i64,
        image_id: i64,
        category_id: i64,
        attributes: Attributes,
    ) -> CocoAnnotation {
        CocoAnnotation {
            id,
            image_id,
            category_id,
            bbox: Some(self.bbox),
            area: Some(self.area),
            iscrowd: self.iscrowd,
            segmentation: self.segmentation,
            keypoints: self.keypoints,
            num_keypoints: self.num_keypoints,
            score: None,
            attributes,
            attribute_problems: Vec::new(),
        }
    }
}

/// COCO's `[x, y, w, h]` of a box, each rounded to 1e-4 px (see
/// [`super::round4`]: the width is taken in f64, so 0.1..12.4 writes `12.3`).
pub fn coco_bbox(b: &BBox) -> [f64; 4] {
    let (x, y) = (f64::from(b.min_x), f64::from(b.min_y));
    let w = super::round4(f64::from(b.max_x) - x);
    let h = super::round4(f64::from(b.max_y) - y);
    [super::round4(x), super::round4(y), w, h]
}

/// The COCO geometry of `record` for a class with `keypoint_count` point names
/// (0 for a class without keypoints). Why not, when COCO cannot hold it: no
/// shape at all, a polyline, keypoints that do not match the class's points,
/// or a shape of no area or with a coordinate that is not finite.
pub fn coco_geometry(record: ShapeRecord, keypoint_count: usize) -> Result<CocoGeometry, String> {
    let ShapeRecord {
        region,
        keypoints,
        crowd,
    } = record;
    if region.as_deref().is_some_and(|r| !r.is_valid()) {
        return Err(
            "its shape has no area, too few points or a coordinate that is not a \
                    finite number"
                .into(),
        );
    }
    if keypoints
        .as_deref()
        .is_some_and(|p| !p.iter().all(|k| k.x.is_finite() && k.y.is_finite()))
    {
        return Err("a keypoint has a coordinate that is not a finite number".into());
    }
    let labelled = keypoints.as_deref().map(CocoKeypoints::labelled);
    let (keypoints, num_keypoints) = match (keypoints, keypoint_count) {
        (Some(_), 0) => {
            return Err(
                "its class has no keypoint names, so COCO cannot hold its keypoints".into(),
            );
        }
        (None, 0) => (None, None),
        (None, k) => (Some(vec![Keypoint::NOT_LABELLED; k]), Some(0)),
        (Some(points), k) if points.len() != k => {
            return Err(format!(
                "it has {} keypoints, but its class names {k}",
                points.len()
            ));
        }
        (Some(points), _) => (Some(points.into_owned()), labelled),
    };
    let (bbox, area) = match (region.as_deref(), &keypoints, labelled) {
        (Some(region), _, _) => (region.bounds(), region.area()),
        (None, Some(points), Some(n)) if n > 0 => {
            let shape = Shape::Keypoints(points.clone());
            (shape.bounds(), shape.coco_area())
        }
        (None, _, Some(_)) => return Err("its keypoints have no labelled point".into()),
        (None, _, None) => return Err("it has no shape".into()),
    };
    let bbox = coco_bbox(&bbox);
    let area = match region.as_deref() {
        // A box's area is that of the box as written.
        Some(Shape::Rect(_)) => bbox[2] * bbox[3],
        _ => area,
    };
    let (segmentation, converted) = match region {
        None => (Segmentation::Empty, None),
        Some(shape) => region_segmentation(shape, crowd)?,
    };
    Ok(CocoGeometry {
        bbox,
        area: super::round4(area),
        iscrowd: crowd,
        segmentation,
        keypoints: keypoints.map_or(CocoKeypoints::Absent, CocoKeypoints::Points),
        num_keypoints,
        converted,
    })
}

/// The `segmentation` of a region, and how it was converted, if it was.
fn region_segmentation(
    shape: Cow<Shape>,
    crowd: bool,
) -> Result<(Segmentation, Option<&'static str>), String> {
    let polygon = match shape {
        Cow::Owned(Shape::Polygon(p)) => p,
        Cow::Borrowed(Shape::Polygon(p)) => p.clone(),
        other => {
            return Ok(match other.as_ref() {
                Shape::Rect(_) => (Segmentation::Empty, None),
                Shape::RotatedRect(r) => (
                    Segmentation::Polygon(Polygon::new(r.corners().to_vec())),
                    Some("a rotated box, written as the polygon of its corners"),
                ),
                Shape::Mask(m) if crowd => (Segmentation::Rle(CocoRle::uncompressed(m)), None),
                Shape::Mask(m) => (Segmentation::Rle(CocoRle::compressed(m)), None),
                Shape::Polyline(_) => return Err("COCO has no polylines".into()),
                Shape::Keypoints(_) => return Err("keypoints are not a region".into()),
                Shape::Polygon(_) => unreachable!("matched above"),
            });
        }
    };
    Ok((Segmentation::Polygon(polygon), None))
}

/// The COCO records of the shapes of one group (annotations of one class and
/// item that belong together, as a person's polygon and keypoints): the first
/// region with the first keypoints, then each further region or set of
/// keypoints alone. Shapes without a group are each a group of one. Each
/// shape comes with a tag (its annotation, say), and each record with the
/// tags of its shapes, region first.
pub fn group_records<'a, T>(
    shapes: impl IntoIterator<Item = (T, Cow<'a, Shape>)>,
    crowd: bool,
) -> Vec<(Vec<T>, ShapeRecord<'a>)> {
    let mut regions = Vec::new();
    let mut keypoints = Vec::new();
    for (tag, shape) in shapes {
        match shape {
            Cow::Owned(Shape::Keypoints(points)) => keypoints.push((tag, Cow::Owned(points))),
            Cow::Borrowed(Shape::Keypoints(points)) => {
                keypoints.push((tag, Cow::Borrowed(points.as_slice())));
            }
            region => regions.push((tag, region)),
        }
    }
    let (mut regions, mut keypoints) = (regions.into_iter(), keypoints.into_iter());
    let (first_region, first_points) = (regions.next(), keypoints.next());
    let mut records = Vec::new();
    if first_region.is_some() || first_points.is_some() {
        let mut tags = Vec::with_capacity(2);
        let region = first_region.map(|(tag, r)| {
            tags.push(tag);
            r
        });
        let points = first_points.map(|(tag, p)| {
            tags.push(tag);
            p
        });
        records.push((
            tags,
            ShapeRecord {
                region,
                keypoints: points,
                crowd,
            },
        ));
    }
    records.extend(regions.map(|(tag, region)| {
        (
            vec![tag],
            ShapeRecord {
                region: Some(region),
                keypoints: None,
                crowd,
            },
        )
    }));
    records.extend(keypoints.map(|(tag, points)| {
        (
            vec![tag],
            ShapeRecord {
                region: None,
                keypoints: Some(points),
                crowd,
            },
        )
    }));
    records
}

impl CocoCategory {
    /// The category with a keypoint class's point names and skeleton (written
    /// 1-based, as COCO does).
    pub fn with_keypoints(mut self, keypoints: &CategoryKeypoints) -> Self {
        self.keypoints = keypoints.names.clone();
        self.skeleton = keypoints
            .skeleton
            .iter()
            .map(|&[a, b]| [a as u32 + 1, b as u32 + 1])
            .collect();
        self
    }
}
