//! A text project made from a file exists whole or not at all: it is built
//! in a temporary folder beside its place and moved there only once its
//! items are in. A failed import leaves nothing that a second attempt would
//! take for a finished project.

use super::{Access, DB_FILE, MANIFEST_FILE, Project, ProjectError};
use crate::model::LabelSchema;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

impl Project {
    /// Creates a text project in `dir` and has `fill` add its items: all of
    /// it, or nothing. Until `fill` has succeeded the project lives in a
    /// temporary folder beside `dir`, which a failure (or a panic) removes;
    /// then it is renamed to `dir`, or, when `dir` is a folder already, its
    /// files are moved in, the manifest last, and the folder's own files
    /// stay. Parent folders made for it are removed again on failure.
    pub fn create_text_with<R, E: From<ProjectError>>(
        dir: &Path,
        name: &str,
        schema: LabelSchema,
        fill: impl FnOnce(&mut Project) -> Result<R, E>,
    ) -> Result<(Project, R), E> {
        if Self::is_project_dir(dir) {
            return Err(ProjectError::AlreadyExists(dir.to_path_buf()).into());
        }
        if dir.exists() && !dir.is_dir() {
            let not_a_folder = std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "it exists and is not a folder",
            );
            return Err(ProjectError::io(dir, not_a_folder).into());
        }
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let made_parent = parent.ancestors().take_while(|a| !a.exists()).last();
        let made_parent = made_parent.map(Path::to_path_buf);
        let built = std::fs::create_dir_all(&parent)
            .map_err(|e| ProjectError::io(&parent, e).into())
            .and_then(|()| build_beside(dir, &parent, name, schema, fill));
        if built.is_err()
            && let Some(made) = made_parent
        {
            let _ = std::fs::remove_dir_all(made);
        }
        built
    }
}

fn build_beside<R, E: From<ProjectError>>(
    dir: &Path,
    parent: &Path,
    name: &str,
    schema: LabelSchema,
    fill: impl FnOnce(&mut Project) -> Result<R, E>,
) -> Result<(Project, R), E> {
    let mut prefix = OsString::from(".");
    prefix.push(dir.file_name().unwrap_or_default());
    prefix.push(".shugu-new-");
    // Removed when dropped: on every way out before `keep`.
    let building = tempfile::Builder::new()
        .prefix(&prefix)
        .tempdir_in(parent)
        .map_err(|e| ProjectError::io(parent, e))?;
    let mut project = Project::create_text(building.path(), name, schema)?;
    let filled = fill(&mut project)?;
    // Closed, so nothing holds the files while they move.
    drop(project);
    move_into_place(building.path(), dir)?;
    drop(building);
    Ok((Project::open(dir, Access::ReadWrite)?, filled))
}

/// Moves a finished project folder to `dir`.
fn move_into_place(built: &Path, dir: &Path) -> Result<(), ProjectError> {
    if !dir.exists() {
        std::fs::rename(built, dir).map_err(|e| ProjectError::io(dir, e))?;
    } else {
        // Not a project (no manifest), so a database here is left from an
        // attempt that never finished; its journal must not meet the new one.
        for leftover in ["-wal", "-shm"] {
            let path = dir.join(format!("{DB_FILE}{leftover}"));
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(ProjectError::io(path, e));
                }
                _ => {}
            }
        }
        let mut names: Vec<OsString> = std::fs::read_dir(built)
            .map_err(|e| ProjectError::io(built, e))?
            .map(|entry| entry.map(|e| e.file_name()))
            .collect::<Result<_, _>>()
            .map_err(|e| ProjectError::io(built, e))?;
        // The manifest last: until it is there, `dir` is not a project.
        names.sort_by_key(|n| n == MANIFEST_FILE);
        for name in names {
            let to = dir.join(&name);
            std::fs::rename(built.join(&name), &to).map_err(|e| ProjectError::io(to, e))?;
        }
    }
    if let Some(parent) = dir.parent()
        && let Ok(d) = std::fs::File::open(parent)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TextDoc;
    use crate::project::NewTextItem;

    fn one_text(project: &mut Project) -> Result<usize, ProjectError> {
        let item = NewTextItem {
            rel_path: "t.txt:1".into(),
            doc: TextDoc {
                ext_id: None,
                meta: None,
                text: "很甜".into(),
            },
        };
        Ok(project.add_text_items(&[item])?.len())
    }

    fn entries(dir: &Path) -> Vec<OsString> {
        let mut names: Vec<OsString> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failed_fill_leaves_nothing_behind_not_even_the_parents_it_made() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b/评论");
        let failed = Project::create_text_with(&dir, "评论", LabelSchema::default(), |p| {
            one_text(p)?;
            Err::<(), _>(ProjectError::InvalidEdit("the file ended early".into()))
        });
        assert!(failed.is_err());
        assert_eq!(entries(tmp.path()), Vec::<OsString>::new());

        let (project, added) =
            Project::create_text_with(&dir, "评论", LabelSchema::default(), one_text).unwrap();
        assert_eq!((added, project.items().len()), (1, 1));
        assert_eq!(project.dir(), dir);
        assert_eq!(entries(dir.parent().unwrap()), ["评论"]);
    }

    #[test]
    fn a_panic_while_filling_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("评论");
        let panicked = std::panic::catch_unwind(|| {
            let _ = Project::create_text_with(&dir, "评论", LabelSchema::default(), |p| {
                one_text(p)?;
                panic!("a bug while importing");
                #[allow(unreachable_code)]
                Ok::<(), ProjectError>(())
            });
        });
        assert!(panicked.is_err());
        assert_eq!(entries(tmp.path()), Vec::<OsString>::new());
    }

    #[test]
    fn an_existing_folder_gets_the_project_and_keeps_its_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("评论");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("notes.md"), "mine").unwrap();
        // A database whose project never got its manifest, with a journal.
        std::fs::write(dir.join(DB_FILE), "stale").unwrap();
        std::fs::write(dir.join(format!("{DB_FILE}-wal")), "stale").unwrap();
        let failed = Project::create_text_with(&dir, "评论", LabelSchema::default(), |_| {
            Err::<(), _>(ProjectError::InvalidEdit("no".into()))
        });
        assert!(failed.is_err());
        assert!(!Project::is_project_dir(&dir));
        assert_eq!(
            std::fs::read_to_string(dir.join("notes.md")).unwrap(),
            "mine"
        );

        let (project, _) =
            Project::create_text_with(&dir, "评论", LabelSchema::default(), one_text).unwrap();
        assert_eq!(project.items().len(), 1);
        assert_eq!(
            std::fs::read_to_string(dir.join("notes.md")).unwrap(),
            "mine"
        );
        assert_eq!(entries(tmp.path()), ["评论"]);
        drop(project);
        let again = Project::open(&dir, Access::ReadOnly).unwrap();
        assert_eq!(again.items().len(), 1);
    }

    #[test]
    fn a_project_already_there_is_not_touched() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("评论");
        let (project, _) =
            Project::create_text_with(&dir, "评论", LabelSchema::default(), one_text).unwrap();
        drop(project);
        let again = Project::create_text_with(&dir, "评论", LabelSchema::default(), one_text);
        assert!(matches!(again, Err(ProjectError::AlreadyExists(_))));
        assert_eq!(
            Project::open(&dir, Access::ReadOnly).unwrap().items().len(),
            1
        );
    }
}
