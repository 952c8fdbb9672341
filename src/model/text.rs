use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The unit a file counts text offsets in. Spans are stored in code points
/// (the conventions in [`crate::model`]); the other units exist for files written by other tools:
/// doccano counts UTF-16 code units, byte offsets come from Rust or C tools.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OffsetUnit {
    /// Unicode scalar values, as Python's `str` and egui count them.
    #[default]
    CodePoint,
    /// UTF-16 code units, as JavaScript and doccano count them: astral characters
    /// such as emoji count two.
    Utf16,
    /// UTF-8 bytes.
    Byte,
}

impl OffsetUnit {
    pub const ALL: [OffsetUnit; 3] = [OffsetUnit::CodePoint, OffsetUnit::Utf16, OffsetUnit::Byte];

    /// The name used on the command line and in files: `codepoint`, `utf16`, `byte`.
    pub fn as_str(self) -> &'static str {
        match self {
            OffsetUnit::CodePoint => "codepoint",
            OffsetUnit::Utf16 => "utf16",
            OffsetUnit::Byte => "byte",
        }
    }
}

impl fmt::Display for OffsetUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of [`OffsetUnit::as_str`]'s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownOffsetUnit(pub String);

impl fmt::Display for UnknownOffsetUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown offset unit `{}`: expected codepoint, utf16 or byte",
            self.0
        )
    }
}

impl std::error::Error for UnknownOffsetUnit {}

impl FromStr for OffsetUnit {
    type Err = UnknownOffsetUnit;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OffsetUnit::ALL
            .into_iter()
            .find(|unit| unit.as_str() == s)
            .ok_or_else(|| UnknownOffsetUnit(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_from_str_and_serde() {
        for unit in OffsetUnit::ALL {
            assert_eq!(unit.as_str().parse::<OffsetUnit>(), Ok(unit));
            let json = serde_json::to_string(&unit).unwrap();
            assert_eq!(json, format!("\"{}\"", unit.as_str()));
            assert_eq!(serde_json::from_str::<OffsetUnit>(&json).unwrap(), unit);
        }
        assert_eq!(OffsetUnit::default(), OffsetUnit::CodePoint);
    }

    #[test]
    fn unknown_name_lists_the_valid_ones() {
        let err = "utf-16".parse::<OffsetUnit>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown offset unit `utf-16`: expected codepoint, utf16 or byte"
        );
    }
}
