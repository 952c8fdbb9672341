use super::progress_line;
use crate::jobs::thumbnails::{fill_cache, item_paths, project_cache};
use crate::project::{Access, Project, ProjectKind};
use std::path::Path;
use std::time::Instant;

/// `shugu thumbnails DIR`: fills the project's thumbnail cache. DIR is a project, or
/// an image folder opened in the GUI (its project is `DIR/.shugu`).
pub fn run(dir: &Path, threads: Option<usize>) -> anyhow::Result<()> {
    let hidden = dir.join(".shugu");
    let dir = if !Project::is_project_dir(dir) && Project::is_project_dir(&hidden) {
        hidden.as_path()
    } else {
        dir
    };
    let project = Project::open(dir, Access::ReadOnly)?;
    if project.kind() == ProjectKind::Text {
        anyhow::bail!("{}: a text project has no images", dir.display());
    }
    let paths = item_paths(&project);
    let cache = project_cache(project.dir());
    drop(project);
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let started = Instant::now();
    let report = fill_cache(&cache, &paths, threads, &mut progress_line("thumbnails"));
    for problem in &report.failed {
        eprintln!("{problem}");
    }
    println!(
        "thumbnails: {} made, {} already cached, {} unreadable, in {:.2} s",
        report.made,
        report.cached,
        report.failed.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
