use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The value of one box attribute: a flag, or text (a free value or one of a
/// schema's options).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttrValue {
    Bool(bool),
    Text(String),
}

impl AttrValue {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            AttrValue::Bool(b) => Some(*b),
            AttrValue::Text(_) => None,
        }
    }

    /// The value as text: `true`/`false` for flags.
    pub fn to_text(&self) -> String {
        match self {
            AttrValue::Bool(b) => b.to_string(),
            AttrValue::Text(t) => t.clone(),
        }
    }
}

/// A box's attributes by name, in name order (free keys and schema-defined ones).
pub type Attributes = BTreeMap<String, AttrValue>;

/// What values a schema-defined attribute takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttributeKind {
    Bool,
    /// One of these options.
    OneOf(Vec<String>),
    Text,
}

/// A box attribute the schema defines, shown on every box with its default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeDef {
    pub name: String,
    pub kind: AttributeKind,
    /// The value a box without this attribute shows; `None`: false, the
    /// first option, or empty text.
    #[serde(default)]
    pub default: Option<AttrValue>,
}

impl AttributeDef {
    pub fn bool(name: &str) -> Self {
        Self {
            name: name.to_string(),
            kind: AttributeKind::Bool,
            default: None,
        }
    }

    /// The value shown for a box that does not set this attribute.
    pub fn default_value(&self) -> AttrValue {
        if let Some(d) = &self.default {
            return d.clone();
        }
        match &self.kind {
            AttributeKind::Bool => AttrValue::Bool(false),
            AttributeKind::OneOf(options) => {
                AttrValue::Text(options.first().cloned().unwrap_or_default())
            }
            AttributeKind::Text => AttrValue::Text(String::new()),
        }
    }

    /// Why `value` does not fit this definition, if it does not.
    pub fn problem(&self, value: &AttrValue) -> Option<String> {
        match (&self.kind, value) {
            (AttributeKind::Bool, AttrValue::Bool(_))
            | (AttributeKind::Text, AttrValue::Text(_)) => None,
            (AttributeKind::OneOf(options), AttrValue::Text(t)) => {
                (!options.contains(t)).then(|| {
                    format!(
                        "attribute \"{}\" takes one of {}, not \"{t}\"",
                        self.name,
                        options.join(", ")
                    )
                })
            }
            (AttributeKind::Bool, _) => Some(format!(
                "attribute \"{}\" takes true or false, not \"{}\"",
                self.name,
                value.to_text()
            )),
            (_, AttrValue::Bool(b)) => {
                Some(format!("attribute \"{}\" takes text, not {b}", self.name))
            }
        }
    }
}

/// Why a box cannot carry attribute `name` = `value` under the definitions
/// `defs` (a schema's `attributes`), if it cannot: a blank name, or a value
/// its definition refuses. `Project::apply` refuses such an edit; imports
/// leave the attribute out and report why.
pub fn attribute_refusal(defs: &[AttributeDef], name: &str, value: &AttrValue) -> Option<String> {
    if name.trim().is_empty() {
        return Some(format!(
            "an attribute has no name (its value is \"{}\")",
            value.to_text()
        ));
    }
    defs.iter().find(|d| d.name == name)?.problem(value)
}

/// Removes the attributes `defs` refuse (or that have no name), telling
/// `report` why for each: "…; the attribute was left out".
pub fn leave_out_refused(
    attributes: &mut Attributes,
    defs: &[AttributeDef],
    mut report: impl FnMut(String),
) {
    attributes.retain(|name, value| match attribute_refusal(defs, name, value) {
        Some(reason) => {
            report(format!("{reason}; the attribute was left out"));
            false
        }
        None => true,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_against_their_definition() {
        let one_of = AttributeDef {
            name: "colour".into(),
            kind: AttributeKind::OneOf(vec!["red".into(), "blue".into()]),
            default: None,
        };
        assert_eq!(one_of.default_value(), AttrValue::Text("red".into()));
        assert!(one_of.problem(&AttrValue::Text("blue".into())).is_none());
        assert!(one_of.problem(&AttrValue::Text("green".into())).is_some());
        assert!(
            AttributeDef::bool("difficult")
                .problem(&AttrValue::Text("x".into()))
                .is_some()
        );
    }

    #[test]
    fn values_are_plain_json() {
        let mut a = Attributes::new();
        a.insert("difficult".into(), AttrValue::Bool(true));
        a.insert("pose".into(), AttrValue::Text("Left".into()));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, r#"{"difficult":true,"pose":"Left"}"#);
        assert_eq!(serde_json::from_str::<Attributes>(&json).unwrap(), a);
    }

    #[test]
    fn refused_values_and_blank_names_are_left_out_with_a_reason() {
        let defs = [AttributeDef::bool("occluded")];
        let mut attrs: Attributes = [
            ("occluded".to_string(), AttrValue::Text("maybe".into())),
            (" ".to_string(), AttrValue::Bool(true)),
            ("note".to_string(), AttrValue::Text("free".into())),
        ]
        .into_iter()
        .collect();
        let mut reasons = Vec::new();
        leave_out_refused(&mut attrs, &defs, |r| reasons.push(r));
        assert_eq!(attrs.keys().collect::<Vec<_>>(), ["note"]);
        assert_eq!(
            reasons,
            [
                "an attribute has no name (its value is \"true\"); the attribute was left out",
                "attribute \"occluded\" takes true or false, not \"maybe\"; the attribute was left out",
            ]
        );
    }
}
