//! Headless commands for scripts and CI pipelines: `new`, `import`, `export`, `stats`.
//! Errors go to stderr and make the exit code non-zero; per-record problems of an
//! import or export are listed on stderr and the rest of the work goes on.

mod export;
mod import;
mod new;
mod stats;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "shugu",
    version,
    about = "Shugu (数谷标注): label images with boxes and classes, review, export COCO",
    long_about = "Shugu (数谷标注): a desktop annotation tool.\n\nRun without a command to open the start screen."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Coco,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a project in the GUI (given a plain image folder, offer to make a project for it)
    Open { dir: PathBuf },
    /// Create a project over a folder of images
    New {
        /// The project folder to create
        dir: PathBuf,
        /// The image folder (scanned recursively)
        #[arg(long)]
        images: PathBuf,
        /// Box classes, comma-separated, e.g. "car,person,行人"
        #[arg(long, default_value = "")]
        classes: String,
        /// Image-level classification labels, comma-separated
        #[arg(long, default_value = "")]
        image_labels: String,
        /// Let an image take several image-level labels (default: one)
        #[arg(long)]
        multi_label: bool,
        /// The project's name (default: the folder name)
        #[arg(long)]
        name: Option<String>,
    },
    /// Import annotations into a project
    Import {
        dir: PathBuf,
        file: PathBuf,
        #[arg(long, value_enum, default_value = "coco")]
        format: Format,
        /// Who the imported boxes are attributed to
        #[arg(long, default_value = "import")]
        author: String,
    },
    /// Export a project's annotations
    Export {
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "coco")]
        format: Format,
        /// Output file
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print counts of items, statuses, boxes and labels
    Stats {
        dir: PathBuf,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

/// Runs a headless command.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Open { .. } => anyhow::bail!("`open` starts the GUI"),
        Command::New {
            dir,
            images,
            classes,
            image_labels,
            multi_label,
            name,
        } => new::run(&dir, &images, &classes, &image_labels, multi_label, name),
        Command::Import {
            dir,
            file,
            format,
            author,
        } => import::run(&dir, &file, format, &author),
        Command::Export {
            dir,
            format,
            output,
        } => export::run(&dir, format, &output),
        Command::Stats { dir, json } => stats::run(&dir, json),
    }
}

/// Splits a comma-separated list, dropping blanks (full-width commas count too).
fn split_list(list: &str) -> Vec<String> {
    list.split([',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
