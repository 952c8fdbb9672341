//! Where a project's images are on this workstation. A project stores one
//! image root (`\\server\share\data`, `Z:/data`, `/mnt/data`, or a path
//! relative to the project folder); each workstation may map that root, or a
//! prefix of it, to a local folder of its own. The mapping is the user's (the
//! GUI's settings, the CLI's `SHUGU_IMAGE_MAP`), never the project's: opening
//! through it changes nothing stored.
//!
//! Paths are compared as text, whatever machine wrote them: `\` and `/` are
//! one separator, and Windows-style paths (a drive letter or a `\\server`
//! share) compare without case. The longest matching prefix wins.

use std::path::{Path, PathBuf};

/// The environment variable the CLI reads its mappings from:
/// `STORED=LOCAL`, several separated by `;`.
pub const IMAGE_MAP_ENV: &str = "SHUGU_IMAGE_MAP";

/// One mapping: image roots under `stored` are under `local` here.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageRootMapping {
    pub stored: String,
    pub local: PathBuf,
}

/// A workstation's mappings of stored image roots to local folders.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageRootMap {
    mappings: Vec<ImageRootMapping>,
}

impl ImageRootMap {
    pub fn new(mappings: Vec<ImageRootMapping>) -> Self {
        Self { mappings }
    }

    /// Reads `STORED=LOCAL;STORED=LOCAL` (the form of [`IMAGE_MAP_ENV`]).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut mappings = Vec::new();
        for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let Some((stored, local)) = entry.split_once('=') else {
                return Err(format!(
                    "{IMAGE_MAP_ENV}: \"{entry}\" is not STORED=LOCAL (the project's image root, \"=\", this workstation's folder)"
                ));
            };
            let (stored, local) = (stored.trim(), local.trim());
            for side in [stored, local] {
                refuse_url(side).map_err(|e| format!("{IMAGE_MAP_ENV}: {e}"))?;
            }
            if stored.is_empty() || local.is_empty() {
                return Err(format!(
                    "{IMAGE_MAP_ENV}: \"{entry}\" has an empty side; write STORED=LOCAL"
                ));
            }
            mappings.push(ImageRootMapping {
                stored: stored.to_string(),
                local: PathBuf::from(local),
            });
        }
        Ok(Self { mappings })
    }

    pub fn mappings(&self) -> &[ImageRootMapping] {
        &self.mappings
    }

    /// Maps `stored` to `local`, replacing a mapping of the same root.
    pub fn set(&mut self, stored: &str, local: &Path) {
        let key = PathKey::of(stored);
        self.mappings.retain(|m| PathKey::of(&m.stored) != key);
        self.mappings.push(ImageRootMapping {
            stored: stored.to_string(),
            local: local.to_path_buf(),
        });
    }

    /// The local folder of the image root `root` (absolute, as stored), or
    /// `None` when no mapping covers it.
    pub fn resolve(&self, root: &str) -> Option<PathBuf> {
        let root = PathKey::of(root);
        self.mappings
            .iter()
            .filter_map(|m| {
                let prefix = PathKey::of(&m.stored);
                root.strip_prefix(&prefix)
                    .map(|rest| (prefix.parts.len(), m, rest))
            })
            .max_by_key(|(len, _, _)| *len)
            .map(|(_, m, rest)| rest.iter().fold(m.local.clone(), |p, part| p.join(part)))
    }
}

/// Refuses a URL where a folder is wanted: `smb://server/share` is not a
/// path any program can open; the share is mounted (or mapped to a drive)
/// and that folder given instead.
pub fn refuse_url(text: &str) -> Result<(), String> {
    match text.split_once("://") {
        Some((scheme, _))
            if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            Err(format!(
                "{text} is a URL, not a folder: mount the share (or map it to a drive) and give that folder, such as /mnt/data or \\\\server\\share\\data"
            ))
        }
        _ => Ok(()),
    }
}

/// True when `text` is absolute on some system: POSIX `/…`, a drive `X:…`,
/// or a share `\\server\…`.
pub fn is_absolute_anywhere(text: &str) -> bool {
    PathKey::of(text).anchor != Anchor::Relative
}

/// The plain form of a path written on Windows: `\\?\UNC\server\share` is
/// `\\server\share`, `\\?\C:\x` is `C:\x` (what `canonicalize` returns
/// there, which no other program writes).
pub fn plain_form(text: &str) -> String {
    let verbatim = ["\\\\?\\", "//?/"];
    for v in verbatim {
        if let Some(rest) = text.strip_prefix(v) {
            for unc in ["UNC\\", "UNC/"] {
                if let Some(share) = rest.strip_prefix(unc) {
                    return format!("{}{share}", &v[..2]);
                }
            }
            return rest.to_string();
        }
    }
    text.to_string()
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Anchor {
    Relative,
    Posix,
    /// A drive letter, upper-case.
    Drive(char),
    /// `\\server\share…`; the server and share are the first parts.
    Share,
}

/// A path as text split into its anchor and parts, compared without case
/// when Windows-style.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PathKey {
    anchor: Anchor,
    parts: Vec<String>,
}

impl PathKey {
    fn of(text: &str) -> Self {
        let text = plain_form(text.trim());
        let bytes = text.as_bytes();
        let is_sep = |b: u8| b == b'/' || b == b'\\';
        let (anchor, rest) = if bytes.len() >= 2 && is_sep(bytes[0]) && is_sep(bytes[1]) {
            (Anchor::Share, &text[2..])
        } else if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
            (
                Anchor::Drive(bytes[0].to_ascii_uppercase() as char),
                &text[2..],
            )
        } else if bytes.first().is_some_and(|b| is_sep(*b)) {
            (Anchor::Posix, &text[1..])
        } else {
            (Anchor::Relative, &text[..])
        };
        let windows = matches!(anchor, Anchor::Share | Anchor::Drive(_));
        let parts = rest
            .split(['/', '\\'])
            .filter(|p| !p.is_empty() && *p != ".")
            .map(|p| {
                if windows {
                    p.to_lowercase()
                } else {
                    p.to_string()
                }
            })
            .collect();
        Self { anchor, parts }
    }

    /// The parts of `self` after `prefix`, as written, when `prefix` covers
    /// whole parts of it.
    fn strip_prefix(&self, prefix: &PathKey) -> Option<Vec<String>> {
        (self.anchor == prefix.anchor && self.parts.starts_with(&prefix.parts))
            .then(|| self.parts[prefix.parts.len()..].to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> ImageRootMap {
        ImageRootMap::new(
            pairs
                .iter()
                .map(|(s, l)| ImageRootMapping {
                    stored: s.to_string(),
                    local: PathBuf::from(l),
                })
                .collect(),
        )
    }

    #[test]
    fn a_share_maps_to_a_posix_mount_whatever_the_separators_and_case() {
        let m = map(&[(r"\\server\share\data", "/mnt/data")]);
        assert_eq!(
            m.resolve(r"\\server\share\data"),
            Some(PathBuf::from("/mnt/data"))
        );
        assert_eq!(
            m.resolve("//SERVER/Share/data/"),
            Some(PathBuf::from("/mnt/data"))
        );
        assert_eq!(
            m.resolve(r"\\?\UNC\server\share\data"),
            Some(PathBuf::from("/mnt/data"))
        );
    }

    #[test]
    fn a_drive_maps_to_a_mount_and_a_mount_to_a_drive() {
        let m = map(&[(r"Z:\data", "/mnt/data"), ("/mnt/data", r"Z:\data")]);
        assert_eq!(m.resolve("z:/data"), Some(PathBuf::from("/mnt/data")));
        assert_eq!(m.resolve("/mnt/data"), Some(PathBuf::from(r"Z:\data")));
        // POSIX paths keep their case.
        assert_eq!(m.resolve("/mnt/Data"), None);
    }

    #[test]
    fn a_prefix_maps_the_folders_under_it_and_the_longest_prefix_wins() {
        let m = map(&[
            (r"\\server\share", "/mnt/share"),
            (r"\\server\share\big", "/fast/big"),
        ]);
        assert_eq!(
            m.resolve(r"\\server\share\cats\2024"),
            Some(PathBuf::from("/mnt/share/cats/2024"))
        );
        assert_eq!(
            m.resolve(r"\\server\share\big\set"),
            Some(PathBuf::from("/fast/big/set"))
        );
        // A prefix covers whole folder names only.
        assert_eq!(m.resolve(r"\\server\shared\x"), None);
    }

    #[test]
    fn without_a_covering_mapping_nothing_resolves() {
        assert_eq!(ImageRootMap::default().resolve("/mnt/data"), None);
        let m = map(&[("/mnt/data", "/local")]);
        assert_eq!(m.resolve(r"\mnt\other"), None);
        assert_eq!(m.resolve(r"C:\mnt\data"), None);
        assert_eq!(m.resolve("mnt/data"), None);
    }

    #[test]
    fn set_replaces_the_mapping_of_the_same_root() {
        let mut m = map(&[(r"Z:\data", "/old")]);
        m.set("z:/data/", Path::new("/new"));
        assert_eq!(m.mappings().len(), 1);
        assert_eq!(m.resolve(r"Z:\data\x"), Some(PathBuf::from("/new/x")));
    }

    #[test]
    fn the_environment_form_is_read_and_urls_are_refused() {
        let m = ImageRootMap::parse(r" \\server\share\data=/mnt/data ; Z:\x=/srv/x ").unwrap();
        assert_eq!(
            m.resolve(r"\\server\share\data\a"),
            Some(PathBuf::from("/mnt/data/a"))
        );
        assert_eq!(m.resolve("Z:/x"), Some(PathBuf::from("/srv/x")));
        let url = ImageRootMap::parse("smb://server/share=/mnt/data").unwrap_err();
        assert!(url.contains("smb://server/share is a URL"), "{url}");
        assert!(
            ImageRootMap::parse("/mnt/data")
                .unwrap_err()
                .contains("STORED=LOCAL")
        );
        assert!(refuse_url(r"\\server\share").is_ok());
        assert!(refuse_url("C:/data").is_ok());
    }

    #[test]
    fn absolute_anywhere_and_plain_forms() {
        for absolute in [r"\\server\share", "Z:/data", "/mnt/data", r"\\?\C:\x"] {
            assert!(is_absolute_anywhere(absolute), "{absolute}");
        }
        assert!(!is_absolute_anywhere("../images"));
        assert_eq!(plain_form(r"\\?\UNC\server\share\d"), r"\\server\share\d");
        assert_eq!(plain_form(r"\\?\C:\d"), r"C:\d");
        assert_eq!(plain_form("//?/UNC/server/share"), "//server/share");
    }
}
