//! Headless commands for scripts and CI pipelines: `new`, `rescan`, `import`,
//! `export`, `stats`, `split` and `merge` (work packages), `predict` (models).
//! Errors go to stderr and make the exit code non-zero; per-record problems of an
//! import or export are listed on stderr and the rest of the work goes on.

mod claim;
mod db;
mod export;
mod import;
mod merge;
mod new;
mod predict;
mod split;
mod stats;
mod thumbnails;

use crate::jobs::registry::{
    self, Direction, ExportOptions, FormatOption, ImportOptions, option_help,
};
use crate::jobs::yolo::{ClassifyExportOptions, OutsidePolicy};
use crate::jobs::{ItemScope, split_list};
use crate::model::{ItemStatus, OffsetUnit};
use crate::project::{Access, IMAGE_MAP_ENV, ImageRootMap, Project};
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "shugu",
    version,
    about = "Shugu (数谷标注): label images with shapes and classes, texts with spans and classes; import and export them in the formats `shugu import --help` and `shugu export --help` list",
    long_about = "Shugu (数谷标注): a desktop annotation tool.\n\nRun without a command to open the start screen."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `--format`: the registry's names for `direction`, each with its line of
/// help.
fn format_values(direction: Direction) -> PossibleValuesParser {
    PossibleValuesParser::new(
        registry::names(direction)
            .into_iter()
            .map(|name| PossibleValue::new(name).help(registry::name_help(name, direction))),
    )
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a project in the GUI (given a plain image folder, offer to make a project for it)
    Open { dir: PathBuf },
    /// Create a project over a folder of images, or over a file of texts
    New {
        /// The project folder to create
        dir: PathBuf,
        /// The image folder (scanned recursively); on a team server, a folder
        /// every workstation reaches
        #[arg(long, required_unless_present_any = ["text", "db"], conflicts_with = "text")]
        images: Option<PathBuf>,
        /// A file of texts: .jsonl/.ndjson, .csv, .tsv (with a header) or .txt (one per line)
        #[arg(long)]
        text: Option<PathBuf>,
        /// The JSON field or CSV column holding the text
        #[arg(long, requires = "text")]
        text_field: Option<String>,
        /// Box classes, or span classes of a text project, comma-separated, e.g. "car,person,行人"
        #[arg(long, default_value = "")]
        classes: String,
        /// Image-level labels, or document classes of a text project, comma-separated
        #[arg(long, visible_alias = "doc-classes", default_value = "")]
        image_labels: String,
        /// Let an item take several image labels / document classes (default: one)
        #[arg(long)]
        multi_label: bool,
        /// Text projects: allow spans to overlap or nest
        #[arg(long, requires = "text")]
        overlapping_spans: bool,
        /// The project's name (default: the folder name)
        #[arg(long)]
        name: Option<String>,
        /// Make a team project on a PostgreSQL server: postgres://USER@HOST:PORT/DB,
        /// a database set up by `shugu db init`, USER one of its admins. The
        /// password comes from PGPASSWORD or ~/.pgpass and is never written into the
        /// project. Without --images or --text: join the project the database
        /// holds (another workstation's folder)
        #[arg(long)]
        db: Option<String>,
    },
    /// Import annotations into a project
    Import {
        dir: PathBuf,
        file: PathBuf,
        /// Default: coco for image projects, jsonl for text projects
        #[arg(long, value_parser = format_values(Direction::Import))]
        format: Option<String>,
        #[arg(long, help = option_help(FormatOption::Offsets, Direction::Import))]
        offsets: Option<OffsetUnit>,
        /// Who the imported annotations are attributed to
        #[arg(long, default_value = "import")]
        author: String,
        #[arg(long, help = option_help(FormatOption::AddUnknownClasses, Direction::Import))]
        add_unknown_classes: bool,
        #[arg(long, help = option_help(FormatOption::SkipOutside, Direction::Import))]
        skip_outside: bool,
        #[arg(long, help = option_help(FormatOption::MultiLabel, Direction::Import))]
        multi_label: bool,
        #[arg(long, help = option_help(FormatOption::AsProposals, Direction::Import))]
        as_proposals: bool,
        #[arg(long, help = option_help(FormatOption::Source, Direction::Import))]
        source: Option<String>,
    },
    /// Export a project's annotations
    Export {
        dir: PathBuf,
        /// Default: coco for image projects, jsonl for text projects
        #[arg(long, value_parser = format_values(Direction::Export))]
        format: Option<String>,
        #[arg(long, help = option_help(FormatOption::Offsets, Direction::Export))]
        offsets: Option<OffsetUnit>,
        /// Export only the items with this status: new, in_progress, submitted,
        /// accepted or rejected (default: all items)
        #[arg(long, value_parser = parse_status)]
        status: Option<ItemStatus>,
        /// Output file, or folder for the formats written as one
        #[arg(short, long)]
        output: PathBuf,
        #[arg(long, value_parser = crate::jobs::parse_percent, help = option_help(FormatOption::Val, Direction::Export))]
        val: Option<f64>,
        #[arg(long, help = option_help(FormatOption::Link, Direction::Export))]
        link: bool,
        #[arg(long, help = option_help(FormatOption::IncludeProposals, Direction::Export))]
        include_proposals: bool,
    },
    /// Read again the images that could not be read (a file copied since, or
    /// completed), and add the image files that appeared in the image folder
    Rescan { dir: PathBuf },
    /// Print counts of items, statuses, boxes and labels
    Stats {
        dir: PathBuf,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Cut a project into work packages, one project per annotator
    Split {
        dir: PathBuf,
        /// The annotators, comma-separated; each gets OUTPUT/NAME
        #[arg(long)]
        annotators: String,
        /// The share of items given to two annotators to measure agreement, e.g. 10%
        #[arg(long, default_value = "0%", value_parser = crate::jobs::packages::parse_overlap)]
        overlap: f64,
        /// The folder the packages go into
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Bring work packages back into the project they were split from
    Merge {
        dir: PathBuf,
        /// Package folders made by `shugu split`
        #[arg(required = true)]
        packages: Vec<PathBuf>,
    },
    /// Lease the next items of a team project to a login, as Next does in the
    /// GUI: the login's own rejected items first, then new and in-progress ones
    /// (with --review, submitted ones, for reviewers); prints their paths, one a
    /// line. Nobody else may change them until the lease ends: on submitting, or
    /// when it runs out. The password from PGPASSWORD or ~/.pgpass
    Claim {
        dir: PathBuf,
        /// The login to lease to (default: the user the project's address names)
        #[arg(long = "as", value_name = "NAME")]
        login: Option<String>,
        /// How many items
        #[arg(long, default_value_t = 1)]
        count: u32,
        /// How long the leases last: 90s, 30m, 2h (10 seconds to 24 hours)
        #[arg(long, default_value = "30m", value_parser = crate::project::postgres::parse_ttl)]
        lease: std::time::Duration,
        /// Take submitted items to review (reviewers)
        #[arg(long)]
        review: bool,
    },
    /// Run a model over the project's images and store what it finds as
    /// proposals (pre-labels) from that model, to accept or reject in review.
    /// ONNX Runtime is the `onnxruntime` Python wheel's library
    /// (ORT_DYLIB_PATH, --onnxruntime, or beside the binary); nothing is downloaded
    Predict {
        dir: PathBuf,
        /// The model file (.onnx); for OCR the text detection model
        #[arg(long, required_unless_present = "server", conflicts_with = "server")]
        model: Option<PathBuf>,
        /// OCR: the text recognition model (.onnx); its text goes into the `text` attribute
        #[arg(long, requires = "model")]
        rec: Option<PathBuf>,
        /// A model server instead of a file: http://HOST:PORT
        #[arg(long)]
        server: Option<String>,
        /// The X-AnyLabeling server's model id
        #[arg(long, requires = "server")]
        server_model: Option<String>,
        /// What the model is (default: read from the file; with --server, xanylabeling)
        #[arg(long, value_enum, default_value_t = predict::KindArg::Auto)]
        kind: predict::KindArg,
        /// Which items: all, new (not started) or unlabelled (no annotations, labels or proposals)
        #[arg(long, default_value = "all", value_parser = crate::jobs::predict::ItemFilter::parse)]
        items: crate::jobs::predict::ItemFilter,
        /// The lowest score a prediction keeps, 0..1
        #[arg(long)]
        threshold: Option<f32>,
        /// The model name the proposals record (default: the model file's name)
        #[arg(long)]
        source: Option<String>,
        /// The ONNX Runtime library, or the folder holding it (ORT_DYLIB_PATH wins)
        #[arg(long, value_name = "PATH")]
        onnxruntime: Option<PathBuf>,
    },
    /// Team projects on a PostgreSQL server: set up a database, give users roles
    Db {
        #[command(subcommand)]
        command: db::DbCommand,
    },
    /// Make the thumbnails of every item of a project (for the gallery), into its
    /// cache/ folder; images already done and unchanged are skipped
    Thumbnails {
        dir: PathBuf,
        /// Worker threads (default: one per core)
        #[arg(long)]
        threads: Option<usize>,
    },
}

/// Runs a headless command.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Open { .. } => anyhow::bail!("`open` starts the GUI"),
        Command::New {
            dir,
            images,
            text,
            text_field,
            classes,
            image_labels,
            multi_label,
            overlapping_spans,
            name,
            db,
        } => {
            let labels = new::Labels {
                classes: split_list(&classes),
                item_labels: split_list(&image_labels),
                multi_label,
                overlapping_spans,
            };
            let db = db.as_deref();
            match (images, text) {
                (_, Some(text)) => {
                    new::run_text(&dir, &text, text_field.as_deref(), labels, name, db)
                }
                (Some(images), None) => new::run(&dir, &images, labels, name, db),
                (None, None) => match db {
                    Some(db) => new::join(&dir, db),
                    None => anyhow::bail!("say what to annotate: --images FOLDER or --text FILE"),
                },
            }
        }
        Command::Import {
            dir,
            file,
            format,
            offsets,
            author,
            add_unknown_classes,
            skip_outside,
            multi_label,
            as_proposals,
            source,
        } => {
            let given = [
                (add_unknown_classes, FormatOption::AddUnknownClasses),
                (skip_outside, FormatOption::SkipOutside),
                (multi_label, FormatOption::MultiLabel),
                (as_proposals, FormatOption::AsProposals),
                (source.is_some(), FormatOption::Source),
                (offsets.is_some(), FormatOption::Offsets),
            ];
            let options = ImportOptions {
                outside: if skip_outside {
                    OutsidePolicy::Skip
                } else {
                    OutsidePolicy::Clamp
                },
                add_unknown_classes,
                multi_label,
                as_proposals,
                source,
                offsets,
            };
            let given = given_options(&given);
            import::run(&dir, &file, format.as_deref(), &author, &given, &options)
        }
        Command::Export {
            dir,
            format,
            offsets,
            status,
            output,
            val,
            link,
            include_proposals,
        } => {
            let given = [
                (offsets.is_some(), FormatOption::Offsets),
                (val.is_some(), FormatOption::Val),
                (link, FormatOption::Link),
                (include_proposals, FormatOption::IncludeProposals),
            ];
            let options = ExportOptions {
                scope: status.map_or(ItemScope::All, ItemScope::Status),
                offsets,
                include_proposals,
                classify: ClassifyExportOptions {
                    val_percent: val.unwrap_or(ClassifyExportOptions::default().val_percent),
                    link,
                },
            };
            export::run(
                &dir,
                format.as_deref(),
                &given_options(&given),
                &options,
                &output,
            )
        }
        Command::Rescan { dir } => new::rescan(&dir),
        Command::Stats { dir, json } => stats::run(&dir, json),
        Command::Split {
            dir,
            annotators,
            overlap,
            output,
        } => split::run(&dir, split_list(&annotators), overlap, &output),
        Command::Merge { dir, packages } => merge::run(&dir, &packages),
        Command::Claim {
            dir,
            login,
            count,
            lease,
            review,
        } => claim::run(
            &dir,
            claim::Claim {
                login: login.as_deref(),
                count,
                ttl: lease,
                review,
            },
        ),
        Command::Predict {
            dir,
            model,
            rec,
            server,
            server_model,
            kind,
            items,
            threshold,
            source,
            onnxruntime,
        } => predict::run(
            &dir,
            &predict::PredictArgs {
                model,
                rec,
                server,
                server_model,
                kind: kind.into(),
                items,
                threshold,
                source,
                onnxruntime,
            },
        ),
        Command::Db { command } => db::run(command),
        Command::Thumbnails { dir, threads } => thumbnails::run(&dir, threads),
    }
}

fn parse_status(name: &str) -> Result<ItemStatus, String> {
    ItemStatus::parse(name).ok_or_else(|| {
        let names: Vec<&str> = ItemStatus::ALL.iter().map(|s| s.as_str()).collect();
        format!(
            "unknown status `{name}`: expected one of {}",
            names.join(", ")
        )
    })
}

/// The options among `flags` that were given.
fn given_options(flags: &[(bool, FormatOption)]) -> Vec<FormatOption> {
    flags
        .iter()
        .filter(|(given, _)| *given)
        .map(|(_, option)| *option)
        .collect()
}

/// The format called `name` (by default the project's usual one) for
/// `project`, with the options `given` checked against it.
fn format_for(
    project: &crate::project::Project,
    name: Option<&str>,
    direction: Direction,
    given: &[FormatOption],
) -> anyhow::Result<&'static registry::Format> {
    let kind = project.kind();
    let format = match name {
        Some(name) => registry::resolve(name, kind, direction).map_err(anyhow::Error::msg)?,
        None => registry::default_format(kind),
    };
    registry::check_options(format, direction, given).map_err(anyhow::Error::msg)?;
    Ok(format)
}

/// A progress line on stderr, redrawn in place when stderr is a terminal.
fn progress_line(what: &str) -> impl FnMut(crate::jobs::Progress) {
    use std::io::{IsTerminal, Write};
    let interactive = std::io::stderr().is_terminal();
    let what = what.to_string();
    move |p: crate::jobs::Progress| {
        if let (true, Some(f)) = (interactive, p.fraction()) {
            eprint!("\r{what}… {:>3.0}%", f * 100.0);
            if f >= 1.0 {
                eprintln!();
            }
            let _ = std::io::stderr().flush();
        }
    }
}

/// `project` with its images found through this workstation's mappings,
/// `SHUGU_IMAGE_MAP` (`STORED=LOCAL;…`; see the README's "Team server").
fn with_local_images(mut project: Project) -> anyhow::Result<Project> {
    if let Some(text) = std::env::var_os(IMAGE_MAP_ENV) {
        let map = ImageRootMap::parse(&text.to_string_lossy()).map_err(anyhow::Error::msg)?;
        project.set_image_map(map);
    }
    Ok(project)
}

/// Opens the project at `dir` with its images found through this
/// workstation's mappings.
fn open_project(dir: &Path, access: Access) -> anyhow::Result<Project> {
    with_local_images(Project::open(dir, access)?)
}
