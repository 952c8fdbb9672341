use super::{AttributeDef, COCO_PERSON_SIGMAS, ClassId, LabelId, Shape, ShapeKind};
use serde::{Deserialize, Serialize};

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// A class of annotations (and of spans, in a text project).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassDef {
    pub id: ClassId,
    pub name: String,
    pub color: Rgb,
    /// A key such as `"1"`; `None` for classes past the ninth.
    #[serde(default)]
    pub hotkey: Option<String>,
    /// The shape kinds the class takes; empty: any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shapes: Vec<ShapeKind>,
    /// A keypoint class's point names, in order (as a COCO category's
    /// `keypoints`): its keypoint shapes have exactly these points.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keypoints: Vec<String>,
    /// The skeleton's edges, 0-based indices into `keypoints` (COCO writes
    /// them 1-based).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skeleton: Vec<(usize, usize)>,
}

/// COCO's person keypoints, in order: a 17-point class with these names (or a
/// 17-point class named `person`) is compared by COCO's own sigmas.
pub const COCO_PERSON_KEYPOINTS: [&str; 17] = [
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
];

/// The OKS sigma of each point of a keypoint class that is not COCO's person:
/// the one DeepLabCut evaluates keypoints by unless told otherwise. COCO's
/// person sigmas run from 0.025 (eyes) to 0.107 (hips), so a point is judged
/// about as leniently as a person's larger joints.
pub const DEFAULT_KEYPOINT_SIGMA: f64 = 0.1;

impl ClassDef {
    /// A class with a colour and no hotkey, taking any shape.
    pub fn new(id: ClassId, name: &str, color: Rgb) -> Self {
        Self {
            id,
            name: name.to_string(),
            color,
            hotkey: None,
            shapes: Vec::new(),
            keypoints: Vec::new(),
            skeleton: Vec::new(),
        }
    }

    /// Whether the class takes shapes of `kind`.
    pub fn takes(&self, kind: ShapeKind) -> bool {
        self.shapes.is_empty() || self.shapes.contains(&kind)
    }

    /// Why `shape` cannot be an annotation of this class, if it cannot: a
    /// kind the class does not take, or keypoints whose count is not the
    /// number of points the class names.
    pub fn refusal(&self, shape: &Shape) -> Option<String> {
        let kind = shape.kind();
        if !self.takes(kind) {
            let takes: Vec<&str> = self.shapes.iter().map(|k| k.as_str()).collect();
            return Some(format!(
                "class {} takes {}, not a {}",
                self.name,
                takes.join(", "),
                kind.as_str()
            ));
        }
        match shape {
            Shape::Keypoints(points)
                if !self.keypoints.is_empty() && points.len() != self.keypoints.len() =>
            {
                Some(format!(
                    "class {} names {} keypoints, but the shape has {}",
                    self.name,
                    self.keypoints.len(),
                    points.len()
                ))
            }
            _ => None,
        }
    }

    /// The OKS sigma of each of the class's points: COCO's for its person
    /// ([`COCO_PERSON_KEYPOINTS`], or 17 points and the name `person`), else
    /// [`DEFAULT_KEYPOINT_SIGMA`] each.
    pub fn keypoint_sigmas(&self) -> Vec<f64> {
        let coco_names = self
            .keypoints
            .iter()
            .zip(COCO_PERSON_KEYPOINTS)
            .all(|(a, b)| a.eq_ignore_ascii_case(b));
        let person = self.name.trim().eq_ignore_ascii_case("person");
        if self.keypoints.len() == COCO_PERSON_SIGMAS.len() && (coco_names || person) {
            COCO_PERSON_SIGMAS.to_vec()
        } else {
            vec![DEFAULT_KEYPOINT_SIGMA; self.keypoints.len()]
        }
    }
}

/// Whether an image takes one classification label or any number of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImageLabelMode {
    #[default]
    Single,
    Multi,
}

/// An image-level classification label.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImageLabelDef {
    pub id: LabelId,
    pub name: String,
    #[serde(default)]
    pub hotkey: Option<String>,
}

/// The classes and labels of a project. Ids and colours are stable: adding or
/// renaming a class never changes another one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LabelSchema {
    pub classes: Vec<ClassDef>,
    #[serde(default)]
    pub image_label_mode: ImageLabelMode,
    #[serde(default)]
    pub image_labels: Vec<ImageLabelDef>,
    /// Text projects: whether spans may overlap or nest.
    #[serde(default)]
    pub allow_overlapping_spans: bool,
    /// Attributes every annotation shows (bool, one of a list, text).
    /// Annotations may carry other, free attributes too. (Manifests before
    /// shapes called them `box_attributes`.)
    #[serde(default, alias = "box_attributes")]
    pub attributes: Vec<AttributeDef>,
}

/// A palette of well-separated colours; classes take them in turn.
const PALETTE: [Rgb; 12] = [
    Rgb(230, 25, 75),
    Rgb(60, 180, 75),
    Rgb(0, 130, 200),
    Rgb(245, 130, 48),
    Rgb(145, 30, 180),
    Rgb(70, 240, 240),
    Rgb(240, 50, 230),
    Rgb(210, 245, 60),
    Rgb(250, 190, 212),
    Rgb(0, 128, 128),
    Rgb(255, 225, 25),
    Rgb(170, 110, 40),
];

/// Default image-label hotkeys: a row of letters no other tool key uses.
const IMAGE_LABEL_KEYS: [&str; 7] = ["Z", "X", "C", "V", "N", "M", "G"];

impl LabelSchema {
    /// A schema with the given class names, in order.
    pub fn with_classes<S: AsRef<str>>(names: &[S]) -> Self {
        let mut schema = Self::default();
        for name in names {
            schema.add_class(name.as_ref());
        }
        schema
    }

    pub fn class(&self, id: ClassId) -> Option<&ClassDef> {
        self.classes.iter().find(|c| c.id == id)
    }

    pub fn class_by_name(&self, name: &str) -> Option<&ClassDef> {
        self.classes.iter().find(|c| c.name == name)
    }

    pub fn label(&self, id: LabelId) -> Option<&ImageLabelDef> {
        self.image_labels.iter().find(|l| l.id == id)
    }

    fn next_class_id(&self) -> ClassId {
        ClassId(self.classes.iter().map(|c| c.id.0).max().unwrap_or(0) + 1)
    }

    /// Adds a class (or returns the one of that name) with the next stable id,
    /// the next palette colour and the next free digit hotkey.
    pub fn add_class(&mut self, name: &str) -> ClassId {
        if let Some(existing) = self.class_by_name(name) {
            return existing.id;
        }
        let id = self.next_class_id();
        let color = PALETTE[((id.0 - 1) as usize) % PALETTE.len()];
        let hotkey = (1..=9)
            .map(|d| d.to_string())
            .find(|k| !self.classes.iter().any(|c| c.hotkey.as_deref() == Some(k)));
        self.classes.push(ClassDef {
            hotkey,
            ..ClassDef::new(id, name, color)
        });
        id
    }

    /// Adds an image-level label (or returns the one of that name).
    pub fn add_image_label(&mut self, name: &str) -> LabelId {
        if let Some(existing) = self.image_labels.iter().find(|l| l.name == name) {
            return existing.id;
        }
        let id = LabelId(self.image_labels.iter().map(|l| l.id.0).max().unwrap_or(0) + 1);
        let hotkey = IMAGE_LABEL_KEYS
            .iter()
            .find(|k| {
                !self
                    .image_labels
                    .iter()
                    .any(|l| l.hotkey.as_deref() == Some(**k))
            })
            .map(|k| k.to_string());
        self.image_labels.push(ImageLabelDef {
            id,
            name: name.to_string(),
            hotkey,
        });
        id
    }

    pub fn attribute(&self, name: &str) -> Option<&AttributeDef> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Defines an annotation attribute unless one of that name exists.
    pub fn add_attribute(&mut self, def: AttributeDef) {
        if self.attribute(&def.name).is_none() {
            self.attributes.push(def);
        }
    }

    /// The class whose hotkey is `key`.
    pub fn class_for_hotkey(&self, key: &str) -> Option<ClassId> {
        self.classes
            .iter()
            .find(|c| c.hotkey.as_deref() == Some(key))
            .map(|c| c.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_colours_and_hotkeys_are_stable() {
        let mut s = LabelSchema::with_classes(&["car", "行人"]);
        assert_eq!(s.classes[1].id, ClassId(2));
        assert_eq!(s.classes[1].hotkey.as_deref(), Some("2"));
        let colour = s.classes[1].color;
        s.classes[0].name = "汽车".into();
        let bike = s.add_class("bike");
        assert_eq!(bike, ClassId(3));
        assert_eq!(s.class(ClassId(2)).map(|c| c.color), Some(colour));
        assert_eq!(s.add_class("bike"), bike);
        assert_eq!(s.class_for_hotkey("3"), Some(bike));
    }

    #[test]
    fn a_manifest_before_shapes_reads_with_any_shape_and_its_box_attributes() {
        let old = r#"LabelSchema(
            classes: [ClassDef(id: 1, name: "car", color: Rgb(1, 2, 3), hotkey: Some("1"))],
            box_attributes: [AttributeDef(name: "occluded", kind: Bool, default: None)],
        )"#;
        let s: LabelSchema = ron::from_str(old).unwrap();
        assert!(ShapeKind::ALL.iter().all(|&k| s.classes[0].takes(k)));
        assert!(s.classes[0].keypoints.is_empty());
        assert_eq!(s.attributes[0].name, "occluded");
        let written = ron::to_string(&s).unwrap();
        assert!(
            !written.contains("shapes") && !written.contains("skeleton"),
            "{written}"
        );
    }

    #[test]
    fn a_class_refuses_kinds_it_does_not_take_and_keypoints_it_does_not_name() {
        use crate::model::{BBox, Keypoint, Visibility};
        let mut pose = ClassDef::new(ClassId(1), "hand", Rgb(0, 0, 0));
        pose.shapes = vec![ShapeKind::Keypoints];
        pose.keypoints = vec!["wrist".into(), "thumb".into()];
        let rect = Shape::Rect(BBox::from_xywh(0.0, 0.0, 2.0, 2.0));
        assert!(
            pose.refusal(&rect)
                .unwrap()
                .contains("takes keypoints, not a rect")
        );
        let point = Keypoint::new(1.0, 1.0, Visibility::Visible);
        let three = Shape::Keypoints(vec![point; 3]);
        assert!(pose.refusal(&three).unwrap().contains("names 2 keypoints"));
        assert_eq!(pose.refusal(&Shape::Keypoints(vec![point; 2])), None);
        assert_eq!(pose.keypoint_sigmas(), vec![DEFAULT_KEYPOINT_SIGMA; 2]);
        let mut person = ClassDef::new(ClassId(2), "person", Rgb(0, 0, 0));
        person.keypoints = COCO_PERSON_KEYPOINTS.map(String::from).to_vec();
        assert_eq!(person.keypoint_sigmas(), COCO_PERSON_SIGMAS.to_vec());
        person.name = "行人".into();
        assert_eq!(person.keypoint_sigmas(), COCO_PERSON_SIGMAS.to_vec());
    }
}
