//! What the rows of a label file mean: detection boxes, segmentation polygons,
//! oriented boxes or poses, told apart by their column counts and the dataset.
//!
//! Ultralytics itself never guesses: the task the user trains decides how
//! every file is read (`verify_image_label` in `ultralytics/data/utils.py`:
//! a pose task reads `5 + K·D` columns by the `kpt_shape` of `data.yaml`; any
//! other reads rows longer than 6 columns as polygons and refuses a file that
//! mixes them with 5-column boxes; an OBB task is the same polygons, 4 points
//! each). Shugu reads without being told, so:
//!
//! - a `kpt_shape` in `data.yaml` makes the dataset a pose dataset, and a
//!   `task:` entry (`detect`, `segment`, `obb`, `pose`) or the format the user
//!   names decides outright;
//! - otherwise each file by its rows ([`Evidence`]): 5 or 6 columns are a box
//!   (and its confidence); 9 and 10 are an oriented box or a 4-point polygon
//!   (and a confidence), which the rows alone cannot tell apart; any other
//!   count from 7 up is a polygon (odd) or a polygon and its confidence (even);
//! - a file of boxes and 9/10-column rows only is decided by the rest of the
//!   dataset: polygons if another file holds longer polygons, else oriented
//!   boxes, and the import says so;
//! - each row is read as its own columns say, so a file that mixes boxes with
//!   polygons, oriented boxes or poses is read row by row and reported.

/// `kpt_shape: [K, D]`: K points a pose, each `x y` (D = 2) or `x y v` (D = 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KptShape {
    pub points: usize,
    pub dims: usize,
}

impl KptShape {
    /// Columns of a pose row: class, box, points.
    pub fn columns(self) -> usize {
        5 + self.points * self.dims
    }
}

/// The layouts of Ultralytics label files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YoloLayout {
    /// `cls cx cy w h`.
    Detect,
    /// `cls x1 y1 x2 y2 …`.
    Segment,
    /// `cls x1 y1 … x4 y4`.
    Obb,
    /// `cls cx cy w h` then `kx ky [v]` per point.
    Pose(KptShape),
}

impl YoloLayout {
    /// The name users give it (`--format`), as Ultralytics names its tasks.
    pub fn format_name(self) -> &'static str {
        match self {
            YoloLayout::Detect => "yolo",
            YoloLayout::Segment => "yolo-seg",
            YoloLayout::Obb => "yolo-obb",
            YoloLayout::Pose(_) => "yolo-pose",
        }
    }

    /// What its rows are, for messages.
    pub fn rows(self) -> &'static str {
        match self {
            YoloLayout::Detect => "boxes",
            YoloLayout::Segment => "polygons",
            YoloLayout::Obb => "oriented boxes",
            YoloLayout::Pose(_) => "poses",
        }
    }
}

/// What a row's column count alone says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// 5 or 6 columns.
    Box,
    /// 9 or 10: an oriented box or a 4-point polygon.
    NinePoint,
    /// Any other count from 7 up.
    Polygon,
}

impl Evidence {
    pub fn of(columns: usize) -> Evidence {
        match columns {
            0..=6 => Evidence::Box,
            9 | 10 => Evidence::NinePoint,
            _ => Evidence::Polygon,
        }
    }
}

/// The layout of one file's rows, when they tell it: `Some(Segment)` when a
/// row is a polygon, `Some(Detect)` when all are boxes, `None` when the rows
/// are boxes and 9/10-column rows only (the dataset decides).
pub fn file_layout(columns: impl IntoIterator<Item = usize>) -> Option<YoloLayout> {
    let mut nine = false;
    for n in columns {
        match Evidence::of(n) {
            Evidence::Polygon => return Some(YoloLayout::Segment),
            Evidence::NinePoint => nine = true,
            Evidence::Box => {}
        }
    }
    (!nine).then_some(YoloLayout::Detect)
}

/// One row read in a layout, its coordinates still normalised.
#[derive(Clone, Debug, PartialEq)]
pub enum YoloGeometry {
    /// `cx cy w h`.
    Box([f64; 4]),
    Polygon(Vec<[f64; 2]>),
    Oriented([[f64; 2]; 4]),
    /// The pose's box (`cx cy w h`) and each point's `x y v` (`v` as written;
    /// without one (`kpt_shape: [K, 2]`) 2, visible, or 0 when a coordinate is
    /// negative, as Ultralytics masks them).
    Pose {
        bbox: [f64; 4],
        points: Vec<[f64; 3]>,
    },
}

impl YoloGeometry {
    pub fn is_box(&self) -> bool {
        matches!(self, YoloGeometry::Box(_))
    }
}

/// A row read as its layout says.
#[derive(Clone, Debug, PartialEq)]
pub struct YoloRecord {
    pub line: usize,
    pub class: u32,
    pub geometry: YoloGeometry,
    /// A prediction's confidence: the column after the geometry.
    pub confidence: Option<f32>,
}

/// Reads `row` in `layout`: a 5 or 6-column row is a box in every layout;
/// other counts must be the layout's (a polygon's odd count, or even with a
/// confidence; 9 or 10 for an oriented box; `5 + K·D`, or one more, for a
/// pose). `Err` says why the row was left out.
pub fn read_row(row: &super::YoloRow, layout: YoloLayout) -> Result<YoloRecord, String> {
    let v = &row.values;
    let n = row.columns();
    let split = |geometry_len: usize| {
        let confidence = (v.len() > geometry_len).then(|| v[geometry_len] as f32);
        (&v[..geometry_len], confidence)
    };
    let (geometry, confidence) = match (layout, n) {
        (_, 5 | 6) => {
            let (g, c) = split(4);
            (YoloGeometry::Box([g[0], g[1], g[2], g[3]]), c)
        }
        (YoloLayout::Segment, n) if n >= 7 => {
            let (g, c) = split(if n % 2 == 1 { n - 1 } else { n - 2 });
            let points = g.chunks_exact(2).map(|p| [p[0], p[1]]).collect();
            (YoloGeometry::Polygon(points), c)
        }
        (YoloLayout::Obb, 9 | 10) => {
            let (g, c) = split(8);
            let p = |i: usize| [g[2 * i], g[2 * i + 1]];
            (YoloGeometry::Oriented([p(0), p(1), p(2), p(3)]), c)
        }
        (YoloLayout::Pose(k), n) if n == k.columns() || n == k.columns() + 1 => {
            let (g, c) = split(k.columns() - 1);
            let points = g[4..]
                .chunks_exact(k.dims)
                .map(|p| [p[0], p[1], visibility(p, k.dims)])
                .collect();
            let bbox = [g[0], g[1], g[2], g[3]];
            (YoloGeometry::Pose { bbox, points }, c)
        }
        (layout, n) => return Err(wrong_columns(layout, n)),
    };
    Ok(YoloRecord {
        line: row.line,
        class: row.class,
        geometry,
        confidence,
    })
}

/// A point's `v`: as written, or for two dimensions as Ultralytics' loader
/// makes it (visible unless a coordinate is negative).
fn visibility(p: &[f64], dims: usize) -> f64 {
    if dims == 3 {
        p[2]
    } else if p[0] < 0.0 || p[1] < 0.0 {
        0.0
    } else {
        2.0
    }
}

fn wrong_columns(layout: YoloLayout, n: usize) -> String {
    match layout {
        YoloLayout::Detect => {
            format!("expected 5 columns (class cx cy w h) or 6 (with a confidence), found {n}")
        }
        YoloLayout::Segment => {
            format!("{n} columns are not a polygon (class and at least three x y pairs)")
        }
        YoloLayout::Obb => format!(
            "{n} columns are not an oriented box (class x1 y1 … x4 y4: 9 columns, 10 with a confidence)"
        ),
        YoloLayout::Pose(k) => format!(
            "{n} columns are not a pose of kpt_shape [{}, {}] (class cx cy w h and {} values: {} columns)",
            k.points,
            k.dims,
            k.points * k.dims,
            k.columns()
        ),
    }
}
