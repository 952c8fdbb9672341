use super::split_list;
use crate::jobs::scan::BackgroundScan;
use crate::model::{ImageLabelMode, LabelSchema};
use crate::project::Project;
use std::io::{IsTerminal, Write};
use std::path::Path;

pub fn run(
    dir: &Path,
    images: &Path,
    classes: &str,
    image_labels: &str,
    multi_label: bool,
    name: Option<String>,
) -> anyhow::Result<()> {
    if !images.is_dir() {
        anyhow::bail!("{}: not a folder of images", images.display());
    }
    let mut schema = LabelSchema::with_classes(&split_list(classes));
    for label in split_list(image_labels) {
        schema.add_image_label(&label);
    }
    schema.image_label_mode = if multi_label {
        ImageLabelMode::Multi
    } else {
        ImageLabelMode::Single
    };
    let name = name.unwrap_or_else(|| {
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project".into())
    });
    let mut project = Project::create(dir, &name, images, schema)?;
    let interactive = std::io::stderr().is_terminal();
    let summary =
        BackgroundScan::start(project.image_root()).finish_into(&mut project, |found| {
            if interactive {
                eprint!("\rscanning… {found} images");
                let _ = std::io::stderr().flush();
            }
        })?;
    if interactive {
        eprintln!();
    }
    println!(
        "created project {:?} in {}: {} images, {} unreadable, {} other files skipped",
        project.name(),
        dir.display(),
        summary.images,
        summary.broken,
        summary.skipped_other
    );
    if !summary.errors.is_empty() {
        eprintln!("could not read {} file(s):", summary.errors.len());
        for (path, message) in &summary.errors {
            eprintln!("  {path}: {message}");
        }
    }
    Ok(())
}
