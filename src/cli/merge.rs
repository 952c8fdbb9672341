use crate::jobs::packages::merge_packages;
use crate::project::Access;
use std::path::{Path, PathBuf};

pub fn run(dir: &Path, packages: &[PathBuf]) -> anyhow::Result<()> {
    let mut project = super::open_project(dir, Access::ReadWrite)?;
    project.set_author("merge");
    let merged = merge_packages(&mut project, packages)?;
    let mut conflicts = 0;
    for m in &merged {
        println!(
            "{} ({}): {} items changed, {} annotations and {} spans added, {} versions kept, {} conflicts",
            m.dir.display(),
            m.annotator,
            m.changed,
            m.copied_annotations,
            m.copied_spans,
            m.versions,
            m.conflicts.len()
        );
        conflicts += m.conflicts.len();
        for path in &m.conflicts {
            eprintln!("  conflict, flagged for review: {path}");
        }
    }
    if conflicts > 0 {
        eprintln!("{conflicts} items were changed both here and in a package; see their comments");
    }
    Ok(())
}
