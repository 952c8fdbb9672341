use super::{ProjectError, write_atomic};
use crate::model::LabelSchema;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The format of a project's manifest. 2 added `kind` (text projects); a
/// version-1 manifest is an image project.
pub const FORMAT_VERSION: u32 = 2;
/// The format of a team project's manifest, the newest this version reads:
/// it names the project's PostgreSQL database and holds nothing else (the
/// name, the kind, the image folder and the label schema live in the
/// database). An older Shugu refuses it as newer instead of making a
/// database of its own beside it.
pub const TEAM_FORMAT_VERSION: u32 = 3;
pub const MANIFEST_FILE: &str = "project.ron";

/// `project.ron`: what the project is, where its data lives, and its label schema.
/// Human-editable; paths are relative to the project folder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub name: String,
    /// The image folder, relative to the project folder (or absolute when it lives
    /// on another drive).
    pub image_root: String,
    #[serde(default)]
    pub kind: ProjectKind,
    pub schema: LabelSchema,
    /// A team project's database, `postgres://USER@HOST:PORT/DB` (never a
    /// password); `None` for a project of its own folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

/// A team project's manifest as written: only the database.
#[derive(Serialize, Deserialize)]
#[serde(rename = "Manifest")]
struct TeamManifestFile {
    format_version: u32,
    database: String,
}

/// What a project's items are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProjectKind {
    /// Image files under `image_root`; annotated with boxes and image labels.
    #[default]
    Images,
    /// Text records stored in the database; annotated with spans and document classes.
    Text,
}

/// Only the version, read first so a newer manifest is refused with a clear message
/// instead of a parse error about a field we don't know.
/// Named like `Manifest` because RON checks struct names: the saved file starts with
/// `Manifest(`.
#[derive(Deserialize)]
#[serde(rename = "Manifest")]
struct VersionProbe {
    format_version: u32,
}

impl Manifest {
    pub fn new(name: &str, image_root: &str, schema: LabelSchema) -> Self {
        Self {
            format_version: FORMAT_VERSION,
            name: name.to_string(),
            image_root: image_root.to_string(),
            kind: ProjectKind::Images,
            schema,
            database: None,
        }
    }

    /// A team project's manifest: it names the database, whose project
    /// fills in the rest.
    pub fn team(database: &str) -> Self {
        Self {
            format_version: TEAM_FORMAT_VERSION,
            name: String::new(),
            image_root: String::new(),
            kind: ProjectKind::Images,
            schema: LabelSchema::default(),
            database: Some(database.to_string()),
        }
    }

    pub fn load(path: &Path) -> Result<Self, ProjectError> {
        let text = std::fs::read_to_string(path).map_err(|e| ProjectError::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses manifest text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ProjectError> {
        let bad = |e: ron::error::SpannedError| ProjectError::Manifest {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let probe: VersionProbe = ron::from_str(text).map_err(bad)?;
        if probe.format_version > TEAM_FORMAT_VERSION {
            return Err(ProjectError::NewerFormat {
                path: path.to_path_buf(),
                found: probe.format_version,
                supported: TEAM_FORMAT_VERSION,
            });
        }
        if probe.format_version == TEAM_FORMAT_VERSION {
            let team: TeamManifestFile = ron::from_str(text).map_err(bad)?;
            return Ok(Self::team(&team.database));
        }
        // Older formats are migrated here, one version step at a time, once there are any.
        ron::from_str(text).map_err(bad)
    }

    /// Writes the manifest; a team project's only names its database.
    pub fn save(&self, path: &Path) -> Result<(), ProjectError> {
        let config = ron::ser::PrettyConfig::new().struct_names(true);
        let text = match &self.database {
            Some(database) => {
                let file = TeamManifestFile {
                    format_version: TEAM_FORMAT_VERSION,
                    database: database.clone(),
                };
                ron::ser::to_string_pretty(&file, config)
            }
            None => ron::ser::to_string_pretty(self, config),
        }
        .map_err(|e| ProjectError::Manifest {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        write_atomic(path, |w| w.write_all(text.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_ron() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        let m = Manifest::new(
            "街景",
            "images",
            LabelSchema::with_classes(&["car", "行人"]),
        );
        m.save(&path).unwrap();
        assert_eq!(Manifest::load(&path).unwrap(), m);
    }

    #[test]
    fn newer_format_is_refused_with_a_clear_message() {
        let text = "Manifest(format_version: 99, name: \"x\", image_root: \"i\", schema: (classes: []), future_field: 1)";
        let err = Manifest::parse(text, Path::new("p/project.ron")).unwrap_err();
        assert!(matches!(err, ProjectError::NewerFormat { found: 99, .. }));
        assert!(err.to_string().contains("newer Shugu"), "{err}");
    }

    #[test]
    fn a_version_1_manifest_is_an_image_project() {
        let text =
            "Manifest(format_version: 1, name: \"x\", image_root: \"i\", schema: (classes: []))";
        let m = Manifest::parse(text, Path::new("p/project.ron")).unwrap();
        assert_eq!(m.kind, ProjectKind::Images);
        assert!(!m.schema.allow_overlapping_spans);
    }

    #[test]
    fn a_team_manifest_names_its_database_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        let mut m = Manifest::team("postgres://标注员@10.0.0.5:5432/街景");
        // What the database filled in is not written back.
        m.name = "街景".into();
        m.schema = LabelSchema::with_classes(&["car"]);
        m.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("format_version: 3"), "{text}");
        assert!(!text.contains("car") && !text.contains("name"), "{text}");
        let back = Manifest::load(&path).unwrap();
        assert_eq!(back, Manifest::team("postgres://标注员@10.0.0.5:5432/街景"));
        let nameless =
            "Manifest(format_version: 3, name: \"x\", image_root: \"i\", schema: (classes: []))";
        let err = Manifest::parse(nameless, Path::new("p/project.ron")).unwrap_err();
        assert!(err.to_string().contains("database"), "{err}");
    }

    #[test]
    fn garbage_names_the_file() {
        let err = Manifest::parse("not ron at all {", Path::new("p/project.ron")).unwrap_err();
        assert!(err.to_string().starts_with("p/project.ron"), "{err}");
    }
}
