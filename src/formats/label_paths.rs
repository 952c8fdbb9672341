//! Finding the project item that a name written in a label file means: the one
//! place where every importer (YOLO, VOC, CVAT, labelme, Label Studio, COCO and
//! COCO results) turns a file name, a path or a URL into an item.
//!
//! A name is only a key: matching it opens nothing, so it is normalised
//! liberally ([`forms::name_forms`]: URL prefixes, roots and drive letters
//! dropped, percent escapes decoded, Label Studio's upload prefix removed, all
//! in Unicode NFC). [`relative_problem`] stays for the names of files that are
//! opened. The forms are tried level by level, every form at one level before
//! any at the next, so an exact match always beats a fuzzy one:
//! 1. [`MatchLevel::Exact`]: the item's relative path, extension included;
//! 2. [`MatchLevel::Key`]: the same key: extension and the format's own folders
//!    (`images`, `labels`, `JPEGImages`, …) dropped;
//! 3. [`MatchLevel::Suffix`]: the item's key ends with the name's (the project's
//!    root lies above the dataset's);
//! 4. [`MatchLevel::InsideRoot`]: the name's leading folders dropped down to one
//!    named like the image root's own folder (the dataset's root lies above the
//!    project's: `labels/train/a.txt` in a project over `images/train/`); the
//!    folders further out may differ (another machine's mount point);
//! 5. [`MatchLevel::FileName`]: a bare file name (or one left bare by level 4's
//!    dropping), unique in the project.
//!
//! So a name that names a folder (a split) only ever matches inside that
//! folder. When several items fit at one level, those with the name's
//! extension win; if that leaves several, the name is [`PathMatch::Ambiguous`]
//! and never guessed. [`ItemClaims`] keeps two records from merging onto one
//! item silently.
//!
//! Items are indexed by hashes of their path, key and key suffixes, so a lookup
//! costs a few hash probes whatever the number of items.

mod claims;
mod forms;

pub use claims::{ItemClaims, Refused, remove_ranges};
pub use forms::name_forms;

use forms::{nfc, written_form};
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};

/// Why a `/`-separated path is not a plain path inside its root, if it is not.
/// Only for files that are opened: such a path is reported and never opened.
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

/// `written`, a path written in a file inside the folder `base` (`/` or `\`
/// separated, relative to `base` or absolute), relative to `root`, or why it
/// is not inside `root`. `root` and `base` are absolute, without `..`.
/// Lexical: nothing is opened.
pub fn resolve_in_root(root: &Path, base: &Path, written: &str) -> Result<String, &'static str> {
    let bytes = written.as_bytes();
    let drive = bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic();
    let (mut path, rest) = if drive {
        if !cfg!(windows) {
            return Err("it names a drive (`C:`) of another system");
        }
        (PathBuf::from(format!("{}\\", &written[..2])), &written[2..])
    } else if written.starts_with(['/', '\\']) {
        (PathBuf::from(std::path::MAIN_SEPARATOR_STR), written)
    } else {
        (base.to_path_buf(), written)
    };
    for part in rest.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if !path.pop() {
                    return Err("it lies outside the image root");
                }
            }
            other => path.push(other),
        }
    }
    let inside = path
        .strip_prefix(root)
        .map_err(|_| "it lies outside the image root")?;
    let parts: Option<Vec<&str>> = inside
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    match parts {
        Some(parts) if !parts.is_empty() => Ok(parts.join("/")),
        Some(_) => Err("it names the image root itself"),
        None => Err("it is not valid Unicode"),
    }
}

/// How closely a name matched its item, closest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchLevel {
    /// The item's relative path, extension included.
    Exact,
    /// The same path without extension and format folders.
    Key,
    /// The item's path ends with the name's.
    Suffix,
    /// The name's leading folders, down to the image root's own, dropped.
    InsideRoot,
    /// A bare file name (or one left bare by dropping folders down to the
    /// image root's own), unique in the project.
    FileName,
}

const LEVELS: [MatchLevel; 5] = [
    MatchLevel::Exact,
    MatchLevel::Key,
    MatchLevel::Suffix,
    MatchLevel::InsideRoot,
    MatchLevel::FileName,
];

/// The item a name found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matched<T> {
    pub value: T,
    /// The item's relative path.
    pub path: String,
    pub level: MatchLevel,
}

/// How a name found its item, or why it did not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathMatch<T> {
    Found(Matched<T>),
    NotFound,
    /// Several items fit equally; their relative paths (at most a few).
    Ambiguous(Vec<String>),
}

impl<T> PathMatch<T> {
    /// The item's value, if one was found.
    pub fn found(self) -> Option<T> {
        match self {
            Self::Found(matched) => Some(matched.value),
            _ => None,
        }
    }
}

/// Project items indexed for name lookups.
pub struct PathMatcher<T> {
    format_folders: Vec<String>,
    /// The image root's innermost folder that is not a format folder.
    root_name: Option<String>,
    items: Vec<Entry<T>>,
    by_path: Index,
    by_key: Index,
    /// Every proper `/`-aligned suffix of every key.
    by_suffix: Index,
}

struct Entry<T> {
    /// NFC, `/` separators.
    path: String,
    key: String,
    value: T,
}

impl<T: Clone> PathMatcher<T> {
    /// `items` are (relative path with `/` separators, value); `format_folders`
    /// are the folder names the format adds (compared ignoring ASCII case).
    pub fn new(items: impl IntoIterator<Item = (String, T)>, format_folders: &[&str]) -> Self {
        let mut matcher = Self {
            format_folders: format_folders
                .iter()
                .map(|f| f.to_ascii_lowercase())
                .collect(),
            root_name: None,
            items: Vec::new(),
            by_path: Index::default(),
            by_key: Index::default(),
            by_suffix: Index::default(),
        };
        for (path, value) in items {
            let path = written_form(&path);
            let key = matcher.key(&path);
            let position = matcher.items.len() as u32;
            matcher.by_path.insert(&path, position);
            matcher.by_key.insert(&key, position);
            for (slash, _) in key.match_indices('/') {
                matcher.by_suffix.insert(&key[slash + 1..], position);
            }
            matcher.items.push(Entry { path, key, value });
        }
        matcher
    }

    /// Tells the matcher the project's image root, so that a name whose
    /// folders go above it can be matched inside it (level
    /// [`MatchLevel::InsideRoot`]); without it that level matches nothing.
    pub fn with_root(mut self, root: &Path) -> Self {
        let absolute = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let mut folders: Vec<String> = Vec::new();
        for component in absolute.components() {
            match component {
                Component::Normal(name) => folders.push(nfc(&name.to_string_lossy())),
                Component::ParentDir => {
                    folders.pop();
                }
                _ => {}
            }
        }
        self.root_name = folders
            .into_iter()
            .rev()
            .find(|f| !self.is_format_folder(f));
        self
    }

    fn is_format_folder(&self, part: &str) -> bool {
        self.format_folders
            .iter()
            .any(|f| part.eq_ignore_ascii_case(f))
    }

    /// The lookup key of a normalised path: no extension, no format folders.
    fn key(&self, path: &str) -> String {
        let without_ext = match path.rfind('.') {
            Some(dot) if !path[dot..].contains('/') => &path[..dot],
            _ => path,
        };
        without_ext
            .split('/')
            .filter(|part| !part.is_empty() && *part != "." && !self.is_format_folder(part))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The item `name` (a path relative to the format's root, an absolute
    /// path or a URL, as written in a file) means.
    pub fn find(&self, name: &str) -> PathMatch<T> {
        let forms = name_forms(name);
        let keys: Vec<String> = forms.iter().map(|f| self.key(f)).collect();
        for level in LEVELS {
            for (form, key) in forms.iter().zip(&keys) {
                if key.is_empty() {
                    continue;
                }
                let found = self.candidates(level, form, key);
                if !found.is_empty() {
                    return self.pick(found, form, level);
                }
            }
        }
        PathMatch::NotFound
    }

    /// The items that `form` (with the key `key`) matches at `level`.
    fn candidates(&self, level: MatchLevel, form: &str, key: &str) -> Vec<u32> {
        let items = &self.items;
        match level {
            MatchLevel::Exact => self
                .by_path
                .get(form)
                .filter(|&p| items[p as usize].path == form)
                .collect(),
            MatchLevel::Key => self.with_key(key),
            MatchLevel::Suffix if key.contains('/') => self.ending_with(key),
            MatchLevel::Suffix => Vec::new(),
            MatchLevel::InsideRoot => {
                for rest in self.inside_root(key) {
                    let found = self.with_key(rest);
                    if !found.is_empty() {
                        return found;
                    }
                }
                Vec::new()
            }
            MatchLevel::FileName => {
                let bare = match key.contains('/') {
                    false => Some(key),
                    true => self.inside_root(key).find(|rest| !rest.contains('/')),
                };
                bare.map_or_else(Vec::new, |bare| self.ending_with(bare))
            }
        }
    }

    /// What is left of `key` with its leading folders dropped down to one
    /// named like the image root's own, longest first.
    fn inside_root<'k>(&self, key: &'k str) -> impl Iterator<Item = &'k str> {
        let root = self.root_name.as_deref();
        key.match_indices('/').filter_map(move |(slash, _)| {
            let dropped = &key[..slash];
            (root.is_some() && dropped.rsplit('/').next() == root).then(|| &key[slash + 1..])
        })
    }

    /// The items whose key ends with `/` and `suffix`.
    fn ending_with(&self, suffix: &str) -> Vec<u32> {
        self.by_suffix
            .get(suffix)
            .filter(|&p| {
                let item = self.items[p as usize].key.as_str();
                item.len() > suffix.len()
                    && item.ends_with(suffix)
                    && item.as_bytes()[item.len() - suffix.len() - 1] == b'/'
            })
            .collect()
    }

    fn with_key(&self, key: &str) -> Vec<u32> {
        self.by_key
            .get(key)
            .filter(|&p| self.items[p as usize].key == key)
            .collect()
    }

    /// One item of several found at `level`: the only one, or the only one
    /// with the name's extension.
    fn pick(&self, mut found: Vec<u32>, form: &str, level: MatchLevel) -> PathMatch<T> {
        found.sort_unstable();
        found.dedup();
        if found.len() > 1 {
            let ext = extension(form);
            let same: Vec<u32> = found
                .iter()
                .copied()
                .filter(|&p| extension(&self.items[p as usize].path).eq_ignore_ascii_case(ext))
                .collect();
            if !same.is_empty() {
                found = same;
            }
        }
        match found.as_slice() {
            [one] => {
                let entry = &self.items[*one as usize];
                PathMatch::Found(Matched {
                    value: entry.value.clone(),
                    path: entry.path.clone(),
                    level,
                })
            }
            many => PathMatch::Ambiguous(
                many.iter()
                    .take(5)
                    .map(|&p| self.items[p as usize].path.clone())
                    .collect(),
            ),
        }
    }
}

/// The extension of a `/`-separated path's file name, without the dot.
fn extension(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or("", |(_, ext)| ext)
}

/// A multimap from the hash of a text to item positions; a hit is checked
/// against the text itself, so only the 64-bit hash is kept per entry.
#[derive(Default)]
struct Index {
    heads: HashMap<u64, u32>,
    /// (item position, next node of the same hash or `NONE`).
    nodes: Vec<(u32, u32)>,
}

const NONE: u32 = u32::MAX;

impl Index {
    fn insert(&mut self, text: &str, position: u32) {
        let node = self.nodes.len() as u32;
        let next = self.heads.insert(text_hash(text), node).unwrap_or(NONE);
        self.nodes.push((position, next));
    }

    fn get(&self, text: &str) -> impl Iterator<Item = u32> + '_ {
        let mut at = self.heads.get(&text_hash(text)).copied().unwrap_or(NONE);
        std::iter::from_fn(move || {
            let (position, next) = *self.nodes.get(at as usize)?;
            at = next;
            Some(position)
        })
    }
}

fn text_hash(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests;
