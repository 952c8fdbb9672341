//! Headless commands for scripts and CI pipelines: `new`, `rescan`, `import`,
//! `export`, `stats`, `split` and `merge` (work packages).
//! Errors go to stderr and make the exit code non-zero; per-record problems of an
//! import or export are listed on stderr and the rest of the work goes on.

mod claim;
mod db;
mod export;
mod import;
mod merge;
mod new;
mod split;
mod stats;

use crate::jobs::yolo::ClassifyExportOptions;
use crate::jobs::{ItemScope, split_list};
use crate::model::{ItemStatus, OffsetUnit};
use crate::project::ProjectKind;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "shugu",
    version,
    about = "Shugu (数谷标注): label images with boxes and classes, texts with spans and classes; export COCO, YOLO, Pascal VOC, CVAT, labelme, Label Studio and JSONL",
    long_about = "Shugu (数谷标注): a desktop annotation tool.\n\nRun without a command to open the start screen."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// COCO instances JSON (image projects)
    Coco,
    /// COCO results JSON, a model's predictions (import only, as proposals):
    /// [{image_id or file_name, category_id, bbox, score}]
    CocoResults,
    /// Shugu's JSONL: text, labels, spans, offset_unit, meta (text projects)
    Jsonl,
    /// doccano JSONL (text projects; UTF-16 offsets unless --offsets says otherwise)
    Doccano,
    /// Label Studio JSON: text projects import only; image projects both ways
    /// (rectanglelabels and choices)
    Labelstudio,
    /// Hugging Face classification JSONL plus labels.json (export only)
    Hf,
    /// YOLO dataset folder (image projects): data.yaml or classes.txt, one label .txt per image
    Yolo,
    /// Ultralytics classification folders (image projects, export only):
    /// train/<label>/ and val/<label>/ holding each image under its one image label
    YoloCls,
    /// labelme JSON folder (image projects): one .json per image, rectangles and flags
    Labelme,
    /// Pascal VOC root (image projects): Annotations/*.xml with 1-based pixel corners,
    /// ImageSets/Main, labelmap.txt; difficult/truncated/occluded as box attributes.
    /// Without Annotations/, every .xml below the folder (labelImg saves one beside each image)
    Voc,
    /// CVAT for images 1.1 XML file (image projects): boxes with occluded and
    /// attributes, tags as image labels; or a folder of them, one per subset,
    /// as datumaro writes them
    Cvat,
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
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// What the file's text offsets count: codepoint, utf16 or byte
        /// (default: utf16 for doccano, codepoint otherwise)
        #[arg(long)]
        offsets: Option<OffsetUnit>,
        /// Who the imported boxes are attributed to
        #[arg(long, default_value = "import")]
        author: String,
        /// YOLO: add class ids the class list does not name as classes `class<id>`
        /// (default: report and skip their boxes). VOC: add classes that neither the
        /// project nor labelmap.txt names (default: report and skip their boxes).
        /// labelme and Label Studio: add image labels (flags, choices) the schema
        /// lacks (default: report them)
        #[arg(long)]
        add_unknown_classes: bool,
        /// CVAT: add labels that neither the project nor the file's <meta> declares
        /// (default: report and skip their boxes and tags).
        /// YOLO, VOC, CVAT, labelme, Label Studio and predictions: skip boxes that
        /// reach outside their image (default: clamp them); either way each one is
        /// reported
        #[arg(long)]
        skip_outside: bool,
        /// CVAT, labelme and Label Studio: when images get several image labels
        /// (tags, flags, choices) and the project takes one per image, switch the
        /// project to several, as part of the import's undo step (default: leave
        /// those images' labels out and say how many)
        #[arg(long)]
        multi_label: bool,
        /// Import a model's predictions as proposals for annotators to accept or
        /// reject, not as boxes: YOLO label files with a score column
        /// (`--format coco-results` always imports proposals)
        #[arg(long)]
        as_proposals: bool,
        /// The model name the proposals record (default: the file or folder name)
        #[arg(long)]
        source: Option<String>,
    },
    /// Export a project's annotations
    Export {
        dir: PathBuf,
        /// Default: coco for image projects, jsonl for text projects
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// The unit of exported text offsets: codepoint (default), utf16 or byte.
        /// doccano files are always UTF-16
        #[arg(long)]
        offsets: Option<OffsetUnit>,
        /// Export only the items with this status: new, in_progress, submitted,
        /// accepted or rejected (default: all items)
        #[arg(long, value_parser = parse_status)]
        status: Option<ItemStatus>,
        /// Output file (a folder for yolo, yolo-cls, labelme and voc; annotations.xml for cvat)
        #[arg(short, long)]
        output: PathBuf,
        /// yolo-cls: the share of images put under val/, e.g. 10% (chosen by a
        /// hash of each image's path, so the split is stable)
        #[arg(long, default_value = "10%", value_parser = crate::jobs::parse_percent)]
        val: f64,
        /// yolo-cls: hard-link the images into the dataset instead of copying them
        #[arg(long)]
        link: bool,
        /// COCO: add the unreviewed model proposals as annotations with their
        /// `score` (default: exports hold only boxes)
        #[arg(long)]
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
    /// Team projects on a PostgreSQL server: set up a database, give users roles
    Db {
        #[command(subcommand)]
        command: db::DbCommand,
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
            let yolo = crate::jobs::yolo::YoloImportOptions {
                outside: if skip_outside {
                    crate::jobs::yolo::OutsidePolicy::Skip
                } else {
                    crate::jobs::yolo::OutsidePolicy::Clamp
                },
                add_unknown_classes,
            };
            let proposals = match (format, as_proposals) {
                (Some(Format::CocoResults), _) => {
                    Some(crate::jobs::predictions::PredictionFormat::CocoResults)
                }
                (Some(Format::Yolo), true) => {
                    Some(crate::jobs::predictions::PredictionFormat::Yolo)
                }
                (_, true) => anyhow::bail!(
                    "--as-proposals reads model predictions: give --format yolo (or --format coco-results)"
                ),
                _ => None,
            };
            match proposals {
                Some(kind) => import::run_predictions(&dir, &file, kind, &author, yolo, source),
                None if source.is_some() => {
                    anyhow::bail!(
                        "--source names the model of imported proposals: add --as-proposals"
                    )
                }
                None => {
                    let import = import::Import {
                        format,
                        offsets,
                        author: &author,
                        multi_label,
                    };
                    import::run(&dir, &file, import, yolo)
                }
            }
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
            let scope = status.map_or(ItemScope::All, ItemScope::Status);
            let classify = ClassifyExportOptions {
                val_percent: val,
                link,
            };
            export::run(
                &dir,
                format,
                offsets,
                scope,
                classify,
                &output,
                include_proposals,
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
        Command::Db { command } => db::run(command),
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

/// The format a command uses when none is given.
fn default_format(kind: ProjectKind) -> Format {
    match kind {
        ProjectKind::Images => Format::Coco,
        ProjectKind::Text => Format::Jsonl,
    }
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
