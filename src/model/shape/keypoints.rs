//! Keypoints (the points of a class's skeleton, in its order) and COCO's object
//! keypoint similarity.

use super::BBox;
use super::{Point, ring};
use serde::{Deserialize, Serialize};

/// COCO's `v`: 0 not labelled (then `x = y = 0`), 1 labelled but not visible,
/// 2 labelled and visible.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum Visibility {
    #[default]
    NotLabelled = 0,
    Occluded = 1,
    Visible = 2,
}

impl Visibility {
    pub fn from_coco(v: u8) -> Option<Self> {
        match v {
            0 => Some(Visibility::NotLabelled),
            1 => Some(Visibility::Occluded),
            2 => Some(Visibility::Visible),
            _ => None,
        }
    }

    pub fn is_labelled(self) -> bool {
        self != Visibility::NotLabelled
    }

    /// The next in the editor's cycle: visible → occluded → not labelled → visible.
    pub fn cycled(self) -> Self {
        match self {
            Visibility::Visible => Visibility::Occluded,
            Visibility::Occluded => Visibility::NotLabelled,
            Visibility::NotLabelled => Visibility::Visible,
        }
    }
}

impl From<Visibility> for u8 {
    fn from(v: Visibility) -> u8 {
        v as u8
    }
}

impl TryFrom<u8> for Visibility {
    type Error = String;

    fn try_from(v: u8) -> Result<Self, String> {
        Visibility::from_coco(v).ok_or_else(|| format!("keypoint visibility {v} is not 0, 1 or 2"))
    }
}

/// One keypoint; serialised as COCO's triple `[x, y, v]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "(f32, f32, Visibility)", into = "(f32, f32, Visibility)")]
pub struct Keypoint {
    pub x: f32,
    pub y: f32,
    pub v: Visibility,
}

impl Keypoint {
    pub fn new(x: f32, y: f32, v: Visibility) -> Self {
        Self { x, y, v }
    }

    /// A point COCO writes as `0, 0, 0`.
    pub const NOT_LABELLED: Keypoint = Keypoint {
        x: 0.0,
        y: 0.0,
        v: Visibility::NotLabelled,
    };

    pub fn point(&self) -> Point {
        Point::new(self.x, self.y)
    }
}

impl From<(f32, f32, Visibility)> for Keypoint {
    fn from((x, y, v): (f32, f32, Visibility)) -> Self {
        Self { x, y, v }
    }
}

impl From<Keypoint> for (f32, f32, Visibility) {
    fn from(k: Keypoint) -> Self {
        (k.x, k.y, k.v)
    }
}

/// COCOeval's default `kpt_oks_sigmas` for the 17 COCO person keypoints (nose, eyes,
/// ears, shoulders, elbows, wrists, hips, knees, ankles), computed as it does:
/// `np.array([.26, …]) / 10.0`.
pub const COCO_PERSON_SIGMAS: [f64; 17] = {
    let raw = [
        0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87,
        0.89, 0.89,
    ];
    let mut out = [0.0; 17];
    let mut i = 0;
    while i < 17 {
        out[i] = raw[i] / 10.0;
        i += 1;
    }
    out
};

/// The box around the labelled points; `None` when none is labelled.
pub fn labelled_bounds(points: &[Keypoint]) -> Option<BBox> {
    ring::bounds(
        points
            .iter()
            .filter(|k| k.v.is_labelled())
            .map(Keypoint::point),
    )
}

/// The box COCO's `loadRes` gives a keypoint detection: around *every* point,
/// unlabelled ones (at 0, 0) included. Its area is the `area` COCOeval then uses.
pub fn coco_result_bbox(points: &[Keypoint]) -> Option<BBox> {
    ring::bounds(points.iter().map(Keypoint::point))
}

/// COCO's object keypoint similarity of a detection `dt` against a ground truth
/// `gt`, exactly as `COCOeval.computeOks` computes one pair: `gt_area` and
/// `gt_bbox` are the ground truth annotation's `area` and `bbox`, `sigmas` one per
/// keypoint ([`COCO_PERSON_SIGMAS`] for people). Without a labelled ground-truth
/// point the distance is measured to the ground truth box doubled. `None` when
/// the three lengths differ or there are no keypoints.
pub fn oks(
    gt: &[Keypoint],
    dt: &[Keypoint],
    sigmas: &[f64],
    gt_area: f64,
    gt_bbox: &BBox,
) -> Option<f64> {
    let k = sigmas.len();
    if k == 0 || gt.len() != k || dt.len() != k {
        return None;
    }
    let labelled = gt.iter().filter(|g| g.v.is_labelled()).count();
    let [bx, by, bw, bh] = gt_bbox.to_xywh().map(f64::from);
    let (x0, x1, y0, y1) = (bx - bw, bx + bw * 2.0, by - bh, by + bh * 2.0);
    let area = gt_area + f64::EPSILON;
    let mut sum = 0.0;
    for ((g, d), sigma) in gt.iter().zip(dt).zip(sigmas) {
        let (xd, yd) = (f64::from(d.x), f64::from(d.y));
        let (dx, dy) = if labelled > 0 {
            if !g.v.is_labelled() {
                continue;
            }
            (xd - f64::from(g.x), yd - f64::from(g.y))
        } else {
            (
                0f64.max(x0 - xd) + 0f64.max(xd - x1),
                0f64.max(y0 - yd) + 0f64.max(yd - y1),
            )
        };
        let var = (sigma * 2.0) * (sigma * 2.0);
        let e = (dx * dx + dy * dy) / var / area / 2.0;
        sum += (-e).exp();
    }
    Some(sum / if labelled > 0 { labelled } else { k } as f64)
}
