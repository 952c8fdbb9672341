//! Class names: `data.yaml` (Ultralytics) or a names file (`classes.txt`, `obj.names`).

use serde::Deserialize;
use std::collections::BTreeMap;

/// What Shugu reads from a `data.yaml`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataYaml {
    /// Names by class id; `None` for ids the file leaves out (a map with gaps).
    pub names: Vec<Option<String>>,
    /// `train`, `val` and `test` entries (folders or list files), relative to the root.
    pub splits: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Names {
    List(Vec<String>),
    Map(BTreeMap<u32, String>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Split {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct RawDataYaml {
    names: Option<Names>,
    nc: Option<u32>,
    train: Option<Split>,
    val: Option<Split>,
    test: Option<Split>,
}

/// Class ids above this are refused: a map with such an id is a typo, and
/// filling the gap would take gigabytes.
const MAX_CLASS_ID: u32 = 100_000;

/// Parses a `data.yaml`. The error says what is wrong and, for YAML syntax,
/// where (line and column).
pub fn parse_data_yaml(text: &str) -> Result<DataYaml, String> {
    let raw: RawDataYaml = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
    let names = match raw.names {
        Some(Names::List(list)) => list.into_iter().map(Some).collect(),
        Some(Names::Map(map)) => {
            let len = map.keys().next_back().map_or(0, |&max| max + 1);
            if len > MAX_CLASS_ID {
                return Err(format!(
                    "`names` has class id {}, more than the {MAX_CLASS_ID} Shugu accepts",
                    len - 1
                ));
            }
            let mut names = vec![None; len as usize];
            for (id, name) in map {
                names[id as usize] = Some(name);
            }
            names
        }
        None => match raw.nc {
            // Ultralytics allows `nc` alone; the classes are then named by number.
            Some(nc) if nc <= MAX_CLASS_ID => (0..nc).map(|i| Some(format!("class{i}"))).collect(),
            _ => return Err("it has no `names` list of classes".into()),
        },
    };
    let mut splits = Vec::new();
    for split in [raw.train, raw.val, raw.test].into_iter().flatten() {
        match split {
            Split::One(s) => splits.push(s),
            Split::Many(list) => splits.extend(list),
        }
    }
    Ok(DataYaml { names, splits })
}

/// Parses a names file: one class name a line, ids counted from 0. Blank lines
/// at the end are ignored; a blank line in between is an error naming it,
/// since it would shift every later id.
pub fn parse_class_names(text: &str) -> Result<Vec<String>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let names: Vec<&str> = text.lines().map(str::trim).collect();
    let used = names
        .iter()
        .rposition(|n| !n.is_empty())
        .map_or(0, |p| p + 1);
    if let Some(blank) = names[..used].iter().position(|n| n.is_empty()) {
        return Err(format!(
            "line {}: a blank line in the class list would shift the ids of the classes after it",
            blank + 1
        ));
    }
    if used == 0 {
        return Err("the class list is empty".into());
    }
    Ok(names[..used].iter().map(|n| n.to_string()).collect())
}
