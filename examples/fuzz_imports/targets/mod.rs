//! The importers under test, each reached the way the CLI reaches it: the
//! `jobs` read (or plan) function on the input, against a temporary project
//! made once per importer, and when asked the store step too (the plan
//! applied through `Project::apply`, then undone).

mod images;
mod text;

use crate::rng::Rng;
use shugu::jobs::scan::BackgroundScan;
use shugu::model::LabelSchema;
use shugu::project::Project;
use std::path::{Path, PathBuf};

/// One file to mutate: the seed's bytes and where it goes.
#[derive(Clone)]
pub struct Seed {
    /// The dataset folder the file belongs to, for importers that read a
    /// folder; `None` for importers that read one file.
    pub template: Option<PathBuf>,
    /// Relative to the template, or the file's name.
    pub file: String,
    pub bytes: Vec<u8>,
    /// The images the project is made over: the template's, or for a file
    /// its own when the importer's usual ones do not fit it.
    pub images: Option<PathBuf>,
}

impl Seed {
    /// A file read alone, for the importer's usual images.
    fn file(file: &str, bytes: Vec<u8>) -> Seed {
        Seed {
            template: None,
            file: file.to_string(),
            bytes,
            images: None,
        }
    }

    fn read(file: &str, path: &Path) -> anyhow::Result<Seed> {
        let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        Ok(Seed::file(file, bytes))
    }

    /// Every text file of a dataset folder (images are left alone), each
    /// read with the folder and for its images.
    fn all_in(template: &Path) -> anyhow::Result<Vec<Seed>> {
        crate::workspace::files_under(template)
            .iter()
            .filter(|f| !is_image(f))
            .map(|f| {
                Ok(Seed {
                    template: Some(template.to_path_buf()),
                    images: Some(template.to_path_buf()),
                    ..Seed::read(f, &template.join(f))?
                })
            })
            .collect()
    }
}

fn is_image(name: &str) -> bool {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "png" | "jpg" | "jpeg" | "bmp" | "gif" | "webp" | "tif" | "tiff"
    )
}

/// One input to read.
pub struct Input<'a> {
    /// A file, or a dataset folder when the seeds have a template.
    pub path: &'a Path,
    /// The images the project's items are (the seed's); `None`: the
    /// importer's usual ones.
    pub images: Option<&'a Path>,
    pub rng: &'a mut Rng,
    /// Also store what was read in the project (and undo it again).
    pub store: bool,
}

pub trait Importer {
    fn seeds(&self) -> &[Seed];
    /// Reads the input as the CLI would and says what it found. Errors are
    /// the importer refusing the input, which is fine; only panics, hangs and
    /// memory are failures.
    fn run(&mut self, input: Input) -> anyhow::Result<String>;
    /// Makes the project afresh (after a panic, or when it has grown).
    fn reset(&mut self) -> anyhow::Result<()>;
}

/// The importers by name, in the order they run.
pub const NAMES: &[&str] = &[
    "coco",
    "coco-results",
    "yolo",
    "dota",
    "voc",
    "cvat",
    "labelme",
    "label-studio",
    "label-studio-text",
    "doccano",
    "jsonl",
    "texts",
];

/// Sets up the importer `name` in the work folder `work`.
pub fn make(name: &str, work: &Path) -> anyhow::Result<Box<dyn Importer>> {
    std::fs::create_dir_all(work)?;
    Ok(match name {
        "coco" => Box::new(images::coco(work)?),
        "coco-results" => Box::new(images::coco_results(work)?),
        "yolo" => Box::new(images::yolo(work)?),
        "dota" => Box::new(images::dota(work)?),
        "voc" => Box::new(images::voc(work)?),
        "cvat" => Box::new(images::cvat(work)?),
        "labelme" => Box::new(images::labelme(work)?),
        "label-studio" => Box::new(images::label_studio(work)?),
        "label-studio-text" | "doccano" | "jsonl" => Box::new(text::Labelled::new(name, work)?),
        "texts" => Box::new(text::Texts::new(work)?),
        _ => anyhow::bail!(
            "unknown importer `{name}`; the importers: {}",
            NAMES.join(", ")
        ),
    })
}

/// An image project over a folder of images, remade on reset.
pub struct ImageProject {
    pub project: Project,
    dir: PathBuf,
    images: PathBuf,
    schema: LabelSchema,
    /// Stores since the project was made.
    stores: usize,
}

/// Stores after which the project (whose schema grows with every import's
/// new classes) is made afresh.
const STORES_PER_PROJECT: usize = 200;

impl ImageProject {
    /// Makes a project in `dir` over the images in `images`.
    pub fn new(dir: PathBuf, images: &Path, schema: LabelSchema) -> anyhow::Result<Self> {
        let project = scanned(&dir, images, schema.clone())?;
        Ok(ImageProject {
            project,
            dir,
            images: images.to_path_buf(),
            schema,
            stores: 0,
        })
    }

    pub fn reset(&mut self) -> anyhow::Result<()> {
        self.project = scanned(&self.dir, &self.images, self.schema.clone())?;
        self.stores = 0;
        Ok(())
    }

    /// Undoes the store that just succeeded, and remakes the project now
    /// and then. An edit that was applied and cannot be undone is a failure
    /// of the store side, reported as a panic.
    pub fn stored(&mut self) -> anyhow::Result<()> {
        if let Err(e) = self.project.undo() {
            panic!("undoing the import that was just stored failed: {e}");
        }
        self.stores += 1;
        if self.stores >= STORES_PER_PROJECT {
            self.reset()?;
        }
        Ok(())
    }
}

fn scanned(dir: &Path, images: &Path, schema: LabelSchema) -> anyhow::Result<Project> {
    // The old project is dropped (its lock released) by the caller's
    // assignment only after this returns, so make the new one beside it.
    let fresh = dir.with_extension("new");
    crate::workspace::remove_any(&fresh)?;
    let mut project = Project::create(&fresh, "fuzz", images, schema)?;
    BackgroundScan::start(project.image_root()).finish_into(&mut project, |_| {})?;
    drop(project);
    crate::workspace::remove_any(dir)?;
    std::fs::rename(&fresh, dir)?;
    Ok(Project::open(dir, shugu::project::Access::ReadWrite)?)
}
