//! A shape as a per-image label file gives it (CVAT, labelme): in pixels of
//! its image, and a mask as the patch of pixels it covers, because the size
//! of the image it lies on is the project's to give, not the file's.

use crate::model::{MaskPatch, Shape};

#[derive(Clone, Debug, PartialEq)]
pub enum FileShape {
    Shape(Shape),
    /// The patch's set pixels, its top-left pixel at `(left, top)` (CVAT's
    /// `<mask>`, labelme's `mask` shapes).
    Mask(MaskPatch),
}

impl FileShape {
    /// The kind's name for messages (`polygon`, `mask`, …).
    pub fn kind_name(&self) -> &'static str {
        match self {
            FileShape::Shape(s) => s.kind().as_str(),
            FileShape::Mask(_) => "mask",
        }
    }
}

impl From<Shape> for FileShape {
    fn from(shape: Shape) -> Self {
        FileShape::Shape(shape)
    }
}
