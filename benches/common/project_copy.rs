//! Fresh writable copies of a template project, so each timed import starts
//! from the same empty state. Shared by the import benchmarks.

use shugu::project::{Access, Project};
use std::path::Path;

/// Copies the files of a project folder (not its lock) into a new folder,
/// with the empty `images/` the templates use as their image root.
pub fn copy_project(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("images")).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() && entry.file_name() != "shugu.lock" {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// A fresh, writable copy of the template, in a temporary folder.
pub fn fresh_copy(template: &Path) -> (tempfile::TempDir, Project) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project");
    copy_project(template, &dir);
    let project = Project::open(&dir, Access::ReadWrite).unwrap();
    (tmp, project)
}
