//! Per-user settings (`settings.ron` in the user's config directory): things that
//! belong to the person at the machine, not to a project.

use super::i18n::Language;
use super::theme;
use crate::model::{ClassId, LabelId};
use crate::project::{ImageRootMap, ImageRootMapping};
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Overrides the config directory (tests, CI, portable installs).
pub const CONFIG_DIR_ENV: &str = "SHUGU_CONFIG_DIR";

pub const MAX_RECENT: usize = 10;

/// Classes (and labels) remembered per project for the class picker.
pub const MAX_RECENT_PICKS: usize = 10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Recorded as the author of new annotations.
    pub author: Option<String>,
    /// `None` follows the system language.
    pub language: Option<Language>,
    /// Project directories, most recent first, at most [`MAX_RECENT`], no duplicates.
    pub recent_projects: Vec<PathBuf>,
    /// GPU memory the image texture cache may use.
    pub texture_budget_mb: usize,
    /// Annotator, or reviewer (accepts and rejects submitted items).
    pub role: Role,
    /// Text size of a text project's document, in points.
    pub reading_size: f32,
    /// The classes and labels last applied in each recent project, for the
    /// class picker; kept for the projects in `recent_projects` only.
    pub recent_picks: BTreeMap<PathBuf, RecentPicks>,
    /// This workstation's folders for projects' stored image roots (a share
    /// mounted here under another name, a project moved from another machine).
    pub image_roots: Vec<ImageRootMapping>,
    /// The ONNX Runtime library (or the folder holding it, such as the
    /// `onnxruntime` wheel's `capi`), when `ORT_DYLIB_PATH` does not say.
    pub onnxruntime_library: Option<PathBuf>,
    /// The model the AI menu runs, by its name in the model list.
    pub ai_model: Option<String>,
}

/// A project's most recently used classes and image labels (or document
/// classes), most recent first, at most [`MAX_RECENT_PICKS`] each.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecentPicks {
    pub classes: Vec<ClassId>,
    pub labels: Vec<LabelId>,
}

impl RecentPicks {
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty() && self.labels.is_empty()
    }
}

/// What the person at the machine does with a project.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    #[default]
    Annotator,
    Reviewer,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            author: None,
            language: None,
            recent_projects: Vec::new(),
            texture_budget_mb: 512,
            role: Role::Annotator,
            reading_size: theme::READING_SIZE,
            recent_picks: BTreeMap::new(),
            image_roots: Vec::new(),
            onnxruntime_library: None,
            ai_model: None,
        }
    }
}

/// The directory holding `settings.ron` and `keymap.ron`: `$SHUGU_CONFIG_DIR` if
/// set, else the platform's config directory for Shugu.
pub fn config_dir() -> Option<PathBuf> {
    config_dir_from(std::env::var_os(CONFIG_DIR_ENV))
}

fn config_dir_from(env_override: Option<OsString>) -> Option<PathBuf> {
    match env_override {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => directories::ProjectDirs::from("cn", "Shugu", "shugu")
            .map(|dirs| dirs.config_dir().to_path_buf()),
    }
}

/// `settings.ron` → `settings.ron.bad`.
fn bad_file_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(OsString::from).unwrap_or_default();
    name.push(".bad");
    path.with_file_name(name)
}

impl Settings {
    pub fn default_path() -> Option<PathBuf> {
        config_dir().map(|dir| dir.join("settings.ron"))
    }

    /// Loads settings. A missing file gives the defaults silently. An unreadable
    /// or corrupt file gives the defaults and a warning for the user; a corrupt
    /// file is renamed to `settings.ron.bad` so the next save doesn't destroy it.
    pub fn load(path: &Path) -> (Settings, Option<String>) {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => return (Settings::default(), None),
            Err(e) => {
                let warning = t!("settings.unreadable", path = path.display(), error = e);
                return (Settings::default(), Some(warning.into_owned()));
            }
        };
        match ron::from_str::<Settings>(&text) {
            Ok(mut settings) => {
                settings.normalize();
                (settings, None)
            }
            Err(e) => {
                let backup = bad_file_path(path);
                let warning = match std::fs::rename(path, &backup) {
                    Ok(()) => t!(
                        "settings.corrupt",
                        path = path.display(),
                        error = e,
                        backup = backup.display()
                    ),
                    Err(rename_error) => t!(
                        "settings.corrupt_not_moved",
                        path = path.display(),
                        error = e,
                        backup = backup.display(),
                        rename_error = rename_error
                    ),
                };
                (Settings::default(), Some(warning.into_owned()))
            }
        }
    }

    /// Writes the settings atomically (temp file in the same directory, then
    /// rename), creating the directory if needed.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let fail = |error: &dyn std::fmt::Display| {
            t!("settings.save_failed", path = path.display(), error = error).into_owned()
        };
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|e| fail(&e))?;
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".settings.")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| fail(&e))?;
        tmp.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
        tmp.as_file().sync_all().map_err(|e| fail(&e))?;
        tmp.persist(path).map_err(|e| fail(&e.error))?;
        Ok(())
    }

    /// Puts `dir` at the front of the recent projects.
    pub fn add_recent(&mut self, dir: impl Into<PathBuf>) {
        let dir = dir.into();
        self.recent_projects.retain(|p| p != &dir);
        self.recent_projects.insert(0, dir);
        self.recent_projects.truncate(MAX_RECENT);
        self.forget_picks_of_old_projects();
    }

    pub fn remove_recent(&mut self, dir: &Path) {
        self.recent_projects.retain(|p| p != dir);
        self.forget_picks_of_old_projects();
    }

    /// The project's recently used classes and labels.
    /// The mappings of stored image roots to this workstation's folders.
    pub fn image_map(&self) -> ImageRootMap {
        ImageRootMap::new(self.image_roots.clone())
    }

    /// Finds the images stored under `stored` in `local` from now on.
    pub fn map_image_root(&mut self, stored: &str, local: &Path) {
        let mut map = self.image_map();
        map.set(stored, local);
        self.image_roots = map.mappings().to_vec();
    }

    pub fn recent_picks(&self, project: &Path) -> RecentPicks {
        self.recent_picks.get(project).cloned().unwrap_or_default()
    }

    pub fn set_recent_picks(&mut self, project: &Path, picks: RecentPicks) {
        if picks.is_empty() {
            self.recent_picks.remove(project);
        } else {
            self.recent_picks.insert(project.to_path_buf(), picks);
        }
        self.forget_picks_of_old_projects();
    }

    fn forget_picks_of_old_projects(&mut self) {
        let recent = &self.recent_projects;
        self.recent_picks.retain(|dir, _| recent.contains(dir));
        for picks in self.recent_picks.values_mut() {
            picks.classes.truncate(MAX_RECENT_PICKS);
            picks.labels.truncate(MAX_RECENT_PICKS);
        }
    }

    pub fn effective_language(&self) -> Language {
        self.language.unwrap_or_else(Language::from_system)
    }

    /// The author name, if one is set and not blank.
    pub fn author_name(&self) -> Option<&str> {
        self.author
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
    }

    /// Repairs what a hand-edited file may get wrong: duplicate or excess recent
    /// entries, a zero texture budget, a reading size out of bounds.
    fn normalize(&mut self) {
        let mut seen = Vec::with_capacity(self.recent_projects.len());
        self.recent_projects.retain(|p| {
            if seen.contains(p) {
                false
            } else {
                seen.push(p.clone());
                true
            }
        });
        self.recent_projects.truncate(MAX_RECENT);
        if self.texture_budget_mb == 0 {
            self.texture_budget_mb = Settings::default().texture_budget_mb;
        }
        self.reading_size = theme::reading_size(self.reading_size);
        self.forget_picks_of_old_projects();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_gives_defaults_without_warning() {
        let dir = tempfile::tempdir().unwrap();
        let (settings, warning) = Settings::load(&dir.path().join("settings.ron"));
        assert_eq!(settings, Settings::default());
        assert_eq!(warning, None);
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        // Also checks that save creates missing directories.
        let path = dir.path().join("nested").join("settings.ron");
        let mut settings = Settings {
            author: Some("李伟".into()),
            language: Some(Language::Chinese),
            texture_budget_mb: 256,
            ..Settings::default()
        };
        settings.add_recent("/data/标注/项目一");
        settings.add_recent("/data/two");
        settings.save(&path).unwrap();
        let (loaded, warning) = Settings::load(&path);
        assert_eq!(warning, None);
        assert_eq!(loaded, settings);
        // No temp files left behind.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![OsString::from("settings.ron")]);
    }

    #[test]
    fn save_replaces_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        std::fs::write(&path, "old").unwrap();
        let settings = Settings {
            author: Some("a".into()),
            ..Settings::default()
        };
        settings.save(&path).unwrap();
        assert_eq!(Settings::load(&path).0, settings);
    }

    #[test]
    fn save_into_an_impossible_place_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("not-a-dir");
        std::fs::write(&blocker, "").unwrap();
        let path = blocker.join("settings.ron");
        let err = Settings::default().save(&path).unwrap_err();
        assert!(err.contains(&path.display().to_string()), "{err}");
    }

    #[test]
    fn partial_file_keeps_defaults_for_missing_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        std::fs::write(&path, "(author: Some(\"Ann\"), future_field: 3)").unwrap();
        let (settings, warning) = Settings::load(&path);
        assert_eq!(warning, None);
        assert_eq!(settings.author.as_deref(), Some("Ann"));
        assert_eq!(settings.texture_budget_mb, 512);
        assert_eq!(settings.language, None);
    }

    #[test]
    fn corrupt_file_gives_defaults_and_is_kept_as_bad() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        let garbage = "(author: Some(\"Ann\"),\n recent_projects: [oops";
        std::fs::write(&path, garbage).unwrap();
        let (settings, warning) = Settings::load(&path);
        assert_eq!(settings, Settings::default());
        let warning = warning.expect("a warning");
        assert!(warning.contains(&path.display().to_string()), "{warning}");
        assert!(warning.contains("2:"), "no line number in {warning}");
        assert!(!path.exists());
        let bad = dir.path().join("settings.ron.bad");
        assert_eq!(std::fs::read_to_string(bad).unwrap(), garbage);
    }

    #[test]
    fn unreadable_file_gives_defaults_and_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be cannot be read as text.
        let path = dir.path().join("settings.ron");
        std::fs::create_dir(&path).unwrap();
        let (settings, warning) = Settings::load(&path);
        assert_eq!(settings, Settings::default());
        assert!(warning.unwrap().contains(&path.display().to_string()));
        assert!(path.is_dir(), "an unreadable file must be left alone");
    }

    #[test]
    fn recent_projects_are_most_recent_first_unique_and_capped() {
        let mut settings = Settings::default();
        for i in 0..15 {
            settings.add_recent(format!("/p/{i}"));
        }
        settings.add_recent("/p/12");
        assert_eq!(settings.recent_projects.len(), MAX_RECENT);
        assert_eq!(settings.recent_projects[0], PathBuf::from("/p/12"));
        assert_eq!(settings.recent_projects[1], PathBuf::from("/p/14"));
        assert_eq!(
            settings
                .recent_projects
                .iter()
                .filter(|p| p.as_path() == Path::new("/p/12"))
                .count(),
            1
        );
        assert!(!settings.recent_projects.contains(&PathBuf::from("/p/4")));
        settings.remove_recent(Path::new("/p/12"));
        assert_eq!(settings.recent_projects[0], PathBuf::from("/p/14"));
    }

    #[test]
    fn hand_edited_duplicates_are_cleaned_on_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        std::fs::write(
            &path,
            "(recent_projects: [\"/a\", \"/b\", \"/a\"], texture_budget_mb: 0)",
        )
        .unwrap();
        let (settings, _) = Settings::load(&path);
        assert_eq!(
            settings.recent_projects,
            vec![PathBuf::from("/a"), PathBuf::from("/b")]
        );
        assert_eq!(settings.texture_budget_mb, 512);
    }

    #[test]
    fn the_reading_size_is_kept_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        assert_eq!(Settings::load(&path).0.reading_size, theme::READING_SIZE);
        let settings = Settings {
            reading_size: 22.5,
            ..Settings::default()
        };
        settings.save(&path).unwrap();
        assert_eq!(Settings::load(&path).0.reading_size, 22.5);
        std::fs::write(&path, "(reading_size: 900.0)").unwrap();
        assert_eq!(
            Settings::load(&path).0.reading_size,
            theme::READING_SIZE_MAX
        );
    }

    #[test]
    fn recent_picks_are_kept_per_recent_project_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        let mut settings = Settings::default();
        settings.add_recent("/p/a");
        settings.add_recent("/p/b");
        let picks = RecentPicks {
            classes: (1..=20).rev().map(ClassId).collect(),
            labels: vec![LabelId(2)],
        };
        settings.set_recent_picks(Path::new("/p/a"), picks);
        // Not a recent project: not kept.
        settings.set_recent_picks(
            Path::new("/p/elsewhere"),
            RecentPicks {
                classes: vec![ClassId(1)],
                labels: vec![],
            },
        );
        settings.save(&path).unwrap();
        let (loaded, warning) = Settings::load(&path);
        assert_eq!(warning, None);
        let a = loaded.recent_picks(Path::new("/p/a"));
        assert_eq!(a.classes.len(), MAX_RECENT_PICKS);
        assert_eq!(a.classes[0], ClassId(20));
        assert_eq!(a.labels, vec![LabelId(2)]);
        assert_eq!(
            loaded.recent_picks(Path::new("/p/b")),
            RecentPicks::default()
        );
        assert_eq!(loaded.recent_picks.len(), 1);
        // A project that falls off the recent list takes its picks with it.
        let mut settings = loaded;
        for i in 0..MAX_RECENT {
            settings.add_recent(format!("/p/new{i}"));
        }
        assert!(settings.recent_picks.is_empty());
    }

    #[test]
    fn explicit_language_wins_over_the_system() {
        let settings = Settings {
            language: Some(Language::Chinese),
            ..Settings::default()
        };
        assert_eq!(settings.effective_language(), Language::Chinese);
        let settings = Settings {
            language: Some(Language::English),
            ..Settings::default()
        };
        assert_eq!(settings.effective_language(), Language::English);
        assert_eq!(
            Settings::default().effective_language(),
            Language::from_system()
        );
    }

    #[test]
    fn blank_author_counts_as_none() {
        let mut settings = Settings::default();
        assert_eq!(settings.author_name(), None);
        settings.author = Some("   ".into());
        assert_eq!(settings.author_name(), None);
        settings.author = Some(" 王芳 ".into());
        assert_eq!(settings.author_name(), Some("王芳"));
    }

    #[test]
    fn env_override_wins_over_platform_dir() {
        assert_eq!(
            config_dir_from(Some(OsString::from("/tmp/shugu-cfg"))),
            Some(PathBuf::from("/tmp/shugu-cfg"))
        );
        // An empty override is ignored rather than meaning the current directory.
        assert_ne!(
            config_dir_from(Some(OsString::new())),
            Some(PathBuf::from(""))
        );
    }

    #[test]
    fn bad_file_name_appends_suffix() {
        assert_eq!(
            bad_file_path(Path::new("/x/settings.ron")),
            PathBuf::from("/x/settings.ron.bad")
        );
    }
}
