//! Matching the file names of an annotation format to project items, shared by
//! the formats that keep one label file per image (YOLO now; VOC and labelme
//! later).
//!
//! A label file is matched by its relative path with the extension dropped and
//! the format's own folders (`images`, `labels` for YOLO) left out, so that
//! `labels/train/a.txt` finds `images/train/a.jpg`, and also `train/a.jpg` in a
//! project whose image root is the `images` folder. Failing that, leading
//! folders of the label path are dropped one at a time (a project rooted at
//! `images/train`), and as a last resort a file stem that names exactly one
//! item matches it. Names compare in Unicode NFC, so a name written on macOS
//! (NFD) finds the same file written elsewhere (NFC).

use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// Why a `/`-separated path is not a plain path inside its root, if it is not.
/// Such a path is reported and never opened.
pub fn relative_problem(path: &str) -> Option<&'static str> {
    let bytes = path.as_bytes();
    if path.is_empty() {
        Some("the file name is empty")
    } else if path.starts_with('/') || path.starts_with('\\') {
        Some("the file name is an absolute path")
    } else if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        Some("the file name starts with a drive letter")
    } else if path.split(['/', '\\']).any(|part| part == "..") {
        Some("the file name leads out of the image root (`..`)")
    } else {
        None
    }
}

/// `path` as written in a file inside `base_dir` (both `/`-separated and
/// relative to a root), resolved to a path relative to that root: `.` and
/// `..` are folded. Absolute paths, drive letters and paths climbing above the
/// root are refused with the reason, and are never opened.
pub fn resolve_relative(base_dir: &str, path: &str) -> Result<String, &'static str> {
    match relative_problem(path) {
        Some(reason) if !reason.contains("..") => return Err(reason),
        _ => {}
    }
    let mut parts: Vec<&str> = base_dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("the file name leads out of the root (`..`)");
                }
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return Err("the file name is empty");
    }
    Ok(parts.join("/"))
}

/// How a label file found its item, or why it did not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathMatch<T> {
    Found(T),
    NotFound,
    /// Several items fit; their relative paths (at most a few).
    Ambiguous(Vec<String>),
}

/// Project items indexed for label-file lookups.
pub struct PathMatcher<T> {
    format_folders: Vec<String>,
    /// Key → the items with that key (several only when names differ by extension).
    by_key: HashMap<String, Vec<usize>>,
    by_stem: HashMap<String, Vec<usize>>,
    items: Vec<(String, T)>,
}

impl<T: Clone> PathMatcher<T> {
    /// `items` are (relative path with `/` separators, value); `format_folders`
    /// are the folder names the format adds (compared ignoring ASCII case).
    pub fn new(items: impl IntoIterator<Item = (String, T)>, format_folders: &[&str]) -> Self {
        let format_folders: Vec<String> = format_folders
            .iter()
            .map(|f| f.to_ascii_lowercase())
            .collect();
        let mut matcher = Self {
            format_folders,
            by_key: HashMap::new(),
            by_stem: HashMap::new(),
            items: Vec::new(),
        };
        for (pos, (path, value)) in items.into_iter().enumerate() {
            let key = matcher.key(&path);
            let stem = key.rsplit('/').next().unwrap_or_default().to_string();
            matcher.by_key.entry(key).or_default().push(pos);
            matcher.by_stem.entry(stem).or_default().push(pos);
            matcher.items.push((path, value));
        }
        matcher
    }

    /// The lookup key of a path: NFC, `/` separators, no extension, no format folders.
    pub fn key(&self, path: &str) -> String {
        let normal: String = path.replace('\\', "/").nfc().collect();
        let without_ext = match normal.rfind('.') {
            Some(dot) if !normal[dot..].contains('/') => &normal[..dot],
            _ => normal.as_str(),
        };
        without_ext
            .split('/')
            .filter(|part| {
                !part.is_empty()
                    && *part != "."
                    && !self
                        .format_folders
                        .iter()
                        .any(|f| part.eq_ignore_ascii_case(f))
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The item a label file at `path` (relative to the format's root) belongs to.
    pub fn find(&self, path: &str) -> PathMatch<T> {
        let key = self.key(path);
        let mut rest = key.as_str();
        loop {
            if let Some(found) = self.by_key.get(rest) {
                return self.one_of(found);
            }
            match rest.split_once('/') {
                Some((_, shorter)) => rest = shorter,
                None => break,
            }
        }
        match self.by_stem.get(rest) {
            Some(found) => self.one_of(found),
            None => PathMatch::NotFound,
        }
    }

    fn one_of(&self, positions: &[usize]) -> PathMatch<T> {
        match positions {
            [one] => PathMatch::Found(self.items[*one].1.clone()),
            [] => PathMatch::NotFound,
            many => PathMatch::Ambiguous(
                many.iter()
                    .take(5)
                    .map(|&p| self.items[p].0.clone())
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(paths: &[&str]) -> PathMatcher<usize> {
        PathMatcher::new(
            paths.iter().enumerate().map(|(i, p)| (p.to_string(), i)),
            &["images", "labels"],
        )
    }

    #[test]
    fn ultralytics_and_darknet_layouts_match_by_relative_path() {
        let m = matcher(&["images/train/a.jpg", "images/val/a.jpg", "obj/b.png"]);
        assert_eq!(m.find("labels/train/a.txt"), PathMatch::Found(0));
        assert_eq!(m.find("labels/val/a.txt"), PathMatch::Found(1));
        assert_eq!(m.find("obj/b.txt"), PathMatch::Found(2));
    }

    #[test]
    fn a_project_rooted_inside_the_dataset_still_matches() {
        let m = matcher(&["a.jpg", "sub/b.jpg"]);
        assert_eq!(m.find("labels/train/a.txt"), PathMatch::Found(0));
        assert_eq!(m.find("labels/train/sub/b.txt"), PathMatch::Found(1));
    }

    #[test]
    fn a_unique_stem_is_the_last_resort_and_ambiguity_is_reported() {
        let m = matcher(&["x/a.jpg", "y/a.jpg", "z/c.jpg"]);
        assert_eq!(m.find("other/c.txt"), PathMatch::Found(2));
        assert_eq!(
            m.find("other/a.txt"),
            PathMatch::Ambiguous(vec!["x/a.jpg".into(), "y/a.jpg".into()])
        );
        assert_eq!(m.find("d.txt"), PathMatch::NotFound);
    }

    #[test]
    fn nfc_and_nfd_names_match() {
        let nfd = "images/cafe\u{301}.jpg";
        let m = matcher(&[nfd]);
        assert_eq!(m.find("labels/caf\u{e9}.txt"), PathMatch::Found(0));
    }

    #[test]
    fn escaping_paths_are_named() {
        assert!(relative_problem("../../etc/passwd").is_some());
        assert!(relative_problem("/etc/passwd").is_some());
        assert!(relative_problem("C:\\x.jpg").is_some());
        assert!(relative_problem("a\\..\\..\\b").is_some());
        assert!(relative_problem("images/a.jpg").is_none());
    }

    #[test]
    fn relative_paths_resolve_inside_the_root_only() {
        assert_eq!(
            resolve_relative("ann/x", "../../img/x/a.jpg"),
            Ok("img/x/a.jpg".into())
        );
        assert_eq!(resolve_relative("", "./a.jpg"), Ok("a.jpg".into()));
        assert_eq!(resolve_relative("sub", "..\\b.jpg"), Ok("b.jpg".into()));
        assert!(resolve_relative("ann", "../../etc/passwd").is_err());
        assert!(resolve_relative("ann", "/etc/passwd").is_err());
        assert!(resolve_relative("ann", "C:\\x\\a.jpg").is_err());
    }
}
