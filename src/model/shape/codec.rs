//! The compact byte form the stores keep in a BLOB column beside the shape's kind.
//!
//! One version byte, then by kind (numbers little-endian, coordinates f32):
//! - rect: `min_x min_y max_x max_y`;
//! - rotated rect: `cx cy w h angle`;
//! - polygon: `u32` part count, a `u32` point count per part, then every point `x y`;
//! - polyline: the points `x y` to the end;
//! - keypoints: `x y` and a `u8` visibility per point, to the end;
//! - mask: `u32` height, `u32` width, then COCO's compressed `counts` to the end.
//!
//! Decoding checks every length and never panics; it does not judge the geometry
//! (see [`Shape::is_valid`]).

use super::BBox;
use super::{Keypoint, Point, Polygon, Rle, RleError, RotatedRect, Shape, ShapeKind, Visibility};
use std::fmt;

/// The layout [`Shape::encode`] writes. A later layout gets a new number and
/// [`Shape::decode`] keeps reading this one.
pub const SHAPE_CODEC_VERSION: u8 = 1;

/// Why stored bytes are not a shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShapeDecodeError {
    Empty,
    /// A layout this build does not know (written by a newer one).
    UnknownVersion(u8),
    /// The bytes end before the shape does, or go on after it.
    Length {
        kind: ShapeKind,
        len: usize,
    },
    /// A keypoint's visibility is not 0, 1 or 2.
    Visibility(u8),
    Mask(RleError),
}

impl fmt::Display for ShapeDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeDecodeError::Empty => f.write_str("stored shape is empty"),
            ShapeDecodeError::UnknownVersion(v) => {
                write!(
                    f,
                    "stored shape has layout {v}, newer than this version of Shugu reads"
                )
            }
            ShapeDecodeError::Length { kind, len } => {
                write!(
                    f,
                    "stored {} has the wrong length ({len} bytes)",
                    kind.as_str()
                )
            }
            ShapeDecodeError::Visibility(v) => write!(f, "stored keypoint has visibility {v}"),
            ShapeDecodeError::Mask(e) => write!(f, "stored mask: {e}"),
        }
    }
}

impl std::error::Error for ShapeDecodeError {}

fn put_f32s(out: &mut Vec<u8>, values: &[f32]) {
    values
        .iter()
        .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
}

fn put_points(out: &mut Vec<u8>, points: &[Point]) {
    points.iter().for_each(|p| put_f32s(out, &[p.x, p.y]));
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

impl Shape {
    /// Appends the shape's bytes (see the module documentation) to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(SHAPE_CODEC_VERSION);
        match self {
            Shape::Rect(b) => put_f32s(out, &[b.min_x, b.min_y, b.max_x, b.max_y]),
            Shape::RotatedRect(r) => put_f32s(out, &[r.cx, r.cy, r.w, r.h, r.angle]),
            Shape::Polygon(p) => {
                put_u32(out, p.part_count() as u32);
                p.parts().for_each(|part| put_u32(out, part.len() as u32));
                put_points(out, p.points());
            }
            Shape::Polyline(points) => put_points(out, points),
            Shape::Keypoints(points) => {
                for k in points {
                    put_f32s(out, &[k.x, k.y]);
                    out.push(k.v as u8);
                }
            }
            Shape::Mask(m) => {
                put_u32(out, m.height());
                put_u32(out, m.width());
                out.extend_from_slice(m.to_compressed().as_bytes());
            }
        }
    }

    /// The bytes as one `Vec`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    /// A shape of `kind` from bytes [`Shape::encode`] wrote.
    pub fn decode(kind: ShapeKind, bytes: &[u8]) -> Result<Shape, ShapeDecodeError> {
        let (&version, body) = bytes.split_first().ok_or(ShapeDecodeError::Empty)?;
        if version != SHAPE_CODEC_VERSION {
            return Err(ShapeDecodeError::UnknownVersion(version));
        }
        let length = ShapeDecodeError::Length {
            kind,
            len: bytes.len(),
        };
        let mut r = Reader(body);
        let shape = match kind {
            ShapeKind::Rect => {
                let [min_x, min_y, max_x, max_y] = r.f32s().ok_or(length.clone())?;
                Shape::Rect(BBox {
                    min_x,
                    min_y,
                    max_x,
                    max_y,
                })
            }
            ShapeKind::RotatedRect => {
                let [cx, cy, w, h, angle] = r.f32s().ok_or(length.clone())?;
                Shape::RotatedRect(RotatedRect {
                    cx,
                    cy,
                    w,
                    h,
                    angle,
                })
            }
            ShapeKind::Polygon => Shape::Polygon(decode_polygon(&mut r).ok_or(length.clone())?),
            ShapeKind::Polyline => {
                if r.0.len() % 8 != 0 {
                    return Err(length);
                }
                Shape::Polyline(r.points(r.0.len() / 8).ok_or(length.clone())?)
            }
            ShapeKind::Keypoints => {
                if r.0.len() % 9 != 0 {
                    return Err(length);
                }
                let mut points = Vec::with_capacity(r.0.len() / 9);
                while let Some([x, y]) = r.f32s() {
                    let v = r.byte().ok_or(length.clone())?;
                    let v = Visibility::from_coco(v).ok_or(ShapeDecodeError::Visibility(v))?;
                    points.push(Keypoint { x, y, v });
                }
                Shape::Keypoints(points)
            }
            ShapeKind::Mask => {
                let (h, w) = (
                    r.u32().ok_or(length.clone())?,
                    r.u32().ok_or(length.clone())?,
                );
                let rle = Rle::from_compressed(h, w, r.0).map_err(ShapeDecodeError::Mask)?;
                r.0 = &[];
                Shape::Mask(rle)
            }
        };
        if r.0.is_empty() {
            Ok(shape)
        } else {
            Err(length)
        }
    }
}

fn decode_polygon(r: &mut Reader) -> Option<Polygon> {
    let parts = r.u32()? as usize;
    // Each part needs at least its 4-byte count: no allocation past the bytes.
    if parts > r.0.len() / 4 {
        return None;
    }
    let lengths: Vec<usize> = (0..parts)
        .map(|_| r.u32().map(|n| n as usize))
        .collect::<Option<_>>()?;
    let total = lengths
        .iter()
        .try_fold(0usize, |sum, &n| sum.checked_add(n))?;
    if total.checked_mul(8)? != r.0.len() {
        return None;
    }
    let points = r.points(total)?;
    let mut polygon = Polygon::default();
    let mut start = 0;
    for n in lengths {
        polygon.push_part(&points[start..start + n]);
        start += n;
    }
    Some(polygon)
}

/// Reads from the front of a byte slice; every read checks the length.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take::<1>().map(|[b]| b)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take::<4>().map(u32::from_le_bytes)
    }

    fn f32s<const N: usize>(&mut self) -> Option<[f32; N]> {
        let mut out = [0.0; N];
        for v in &mut out {
            *v = f32::from_le_bytes(self.take::<4>()?);
        }
        Some(out)
    }

    fn points(&mut self, n: usize) -> Option<Vec<Point>> {
        if n.checked_mul(8)? > self.0.len() {
            return None;
        }
        (0..n)
            .map(|_| self.f32s().map(|[x, y]| Point::new(x, y)))
            .collect()
    }
}
