use super::{AttributeDef, ClassId, LabelId};
use serde::{Deserialize, Serialize};

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// A box class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassDef {
    pub id: ClassId,
    pub name: String,
    pub color: Rgb,
    /// A key such as `"1"`; `None` for classes past the ninth.
    #[serde(default)]
    pub hotkey: Option<String>,
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
    /// Box attributes every box shows (bool, one of a list, text). Boxes may
    /// carry other, free attributes too.
    #[serde(default)]
    pub box_attributes: Vec<AttributeDef>,
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
    /// A schema with the given box class names, in order.
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

    /// Adds a box class (or returns the one of that name) with the next stable id,
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
            id,
            name: name.to_string(),
            color,
            hotkey,
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
        self.box_attributes.iter().find(|a| a.name == name)
    }

    /// Defines a box attribute unless one of that name exists.
    pub fn add_attribute(&mut self, def: AttributeDef) {
        if self.attribute(&def.name).is_none() {
            self.box_attributes.push(def);
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
}
