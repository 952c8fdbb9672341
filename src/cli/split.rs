use crate::jobs::packages::{SplitOptions, split_project};
use crate::project::Access;
use std::path::Path;

pub fn run(
    dir: &Path,
    annotators: Vec<String>,
    overlap_percent: f64,
    output: &Path,
) -> anyhow::Result<()> {
    let mut project = super::open_project(dir, Access::ReadWrite)?;
    project.identity()?;
    let options = SplitOptions {
        annotators,
        overlap_percent,
        out_dir: output.to_path_buf(),
    };
    let made = split_project(&project, &options, super::progress_line("splitting"))?;
    for p in made {
        println!(
            "{}: {} items ({} overlap, {} golden) for {}",
            p.dir.display(),
            p.items,
            p.overlap,
            p.golden,
            p.annotator
        );
    }
    Ok(())
}
