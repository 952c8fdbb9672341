//! Where an export puts each label file, and the `data.yaml` it writes.

use super::layout::KptShape;
use std::collections::BTreeSet;
use std::io::Write;

/// What a pose dataset's `data.yaml` adds: `kpt_shape`, `flip_idx` and the
/// point names of each keypoint class (`kpt_names`, as Ultralytics' own pose
/// datasets give them).
#[derive(Clone, Debug, PartialEq)]
pub struct PoseYaml {
    pub kpt_shape: KptShape,
    pub flip_idx: Vec<usize>,
    /// By class id.
    pub kpt_names: Vec<(usize, Vec<String>)>,
}

/// The label file of an item: its relative path with the first `images`
/// folder left out, under `labels/`, with `.txt` for the extension.
/// `images/train/a.jpg` → `labels/train/a.txt`; `obj/b.png` → `labels/obj/b.txt`.
pub fn label_path_for(rel_path: &str) -> String {
    let mut parts: Vec<&str> = rel_path.split('/').filter(|p| !p.is_empty()).collect();
    if parts.len() > 1
        && let Some(pos) = parts.iter().position(|p| p.eq_ignore_ascii_case("images"))
    {
        parts.remove(pos);
    }
    let joined = parts.join("/");
    let stem = match joined.rfind('.') {
        Some(dot) if !joined[dot..].contains('/') => &joined[..dot],
        _ => joined.as_str(),
    };
    format!("labels/{stem}.txt")
}

/// The split folders of exported label paths (`labels/<split>/…`), sorted.
/// Empty when labels sit directly in `labels/`.
pub fn split_names<'a>(label_paths: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut splits = BTreeSet::new();
    for path in label_paths {
        let mut parts = path.split('/').skip(1);
        if let (Some(first), Some(_)) = (parts.next(), parts.next()) {
            splits.insert(first.to_string());
        }
    }
    splits.into_iter().collect()
}

/// Writes an Ultralytics `data.yaml`: `path`, a `train`/`val`/`test` entry
/// for the splits it recognises, `nc` and `names` as an id → name map. Names
/// are written as JSON strings, which YAML reads as double-quoted scalars.
/// A pose dataset adds [`PoseYaml`]'s keys.
pub fn write_data_yaml(
    names: &[&str],
    splits: &[String],
    pose: Option<&PoseYaml>,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        w,
        "# Written by Shugu. Label files are under labels/; images are not copied:"
    )?;
    writeln!(
        w,
        "# put them under images/ with the same relative paths to train on this."
    )?;
    writeln!(w, "path: .")?;
    let role = |split: &str| {
        let s = split.to_ascii_lowercase();
        if s.starts_with("train") {
            Some("train")
        } else if s.starts_with("val") {
            Some("val")
        } else if s.starts_with("test") {
            Some("test")
        } else {
            None
        }
    };
    let mut written = BTreeSet::new();
    for split in splits {
        if let Some(role) = role(split)
            && written.insert(role)
        {
            writeln!(w, "{role}: {}", quoted(&format!("images/{split}")))?;
        }
    }
    if written.is_empty() {
        writeln!(w, "train: images")?;
        writeln!(w, "val: images")?;
    }
    writeln!(w, "nc: {}", names.len())?;
    writeln!(w, "names:")?;
    for (id, name) in names.iter().enumerate() {
        writeln!(w, "  {id}: {}", quoted(name))?;
    }
    if let Some(pose) = pose {
        let KptShape { points, dims } = pose.kpt_shape;
        writeln!(w, "kpt_shape: [{points}, {dims}]")?;
        let flip: Vec<String> = pose.flip_idx.iter().map(usize::to_string).collect();
        writeln!(w, "flip_idx: [{}]", flip.join(", "))?;
        if !pose.kpt_names.is_empty() {
            writeln!(w, "kpt_names:")?;
            for (id, names) in &pose.kpt_names {
                writeln!(w, "  {id}:")?;
                for name in names {
                    writeln!(w, "    - {}", quoted(name))?;
                }
            }
        }
    }
    Ok(())
}

fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}
