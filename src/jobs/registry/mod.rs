//! The one list of the formats Shugu reads and writes. Each [`Format`] says
//! what it is called (its `--format` name, its i18n key), which projects it
//! serves, whether it reads and writes one file or a folder, what it
//! carries, which options it takes and how each is settled, and which jobs
//! function imports and exports it. The CLI's `--format` values, flags and
//! help, the GUI's File → Import and Export menus and their file dialogs, and
//! the README's table are all built from [`FORMATS`]; nothing else lists
//! formats.
//!
//! Policy lives here too: an option is a CLI flag, and in the GUI it is
//! either asked after the read, when the data makes it matter
//! ([`Settled::Asked`]), a menu entry of its own ([`Settled::MenuEntry`]), or
//! its default ([`Settled::Default`]). The GUI and the CLI import through the
//! same [`import`] path, with the answers or the flags as its [`Decisions`].

mod export;
mod import;
mod list;
mod table;
mod text;

pub use export::{ExportFn, ExportOptions, ExportReport, export};
pub use import::{
    Decisions, ImportOptions, ImportPlan, ImportReport, Importer, ReadFn, ReadRequest, StoreFn,
    import,
};
pub use table::{README_END, README_START, markdown_table, option_help, with_readme_table};

use crate::model::ShapeKind;
use crate::project::ProjectKind;

/// Import or export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Import,
    Export,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Import => "import",
            Direction::Export => "export",
        }
    }
}

/// A file a format reads or writes: the file dialog's filter, its
/// extensions, and the name an export suggests (`{name}` is the project's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileType {
    pub filter: &'static str,
    pub extensions: &'static [&'static str],
    pub default_name: &'static str,
}

impl FileType {
    /// The file name an export of project `name` suggests.
    pub fn default_name_for(&self, name: &str) -> String {
        self.default_name.replace("{name}", name)
    }
}

/// Where a format's data is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    File(FileType),
    Folder,
    /// One file, or a folder of such files (CVAT: one per subset).
    FileOrFolder(FileType),
}

impl Place {
    /// The file of a one-file format.
    pub fn file(self) -> Option<FileType> {
        match self {
            Place::File(f) | Place::FileOrFolder(f) => Some(f),
            Place::Folder => None,
        }
    }

    fn describe(self) -> String {
        let exts = |f: FileType| {
            f.extensions
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join("/")
        };
        match self {
            Place::File(f) => format!("file ({})", exts(f)),
            Place::Folder => "folder".into(),
            Place::FileOrFolder(f) => format!("file ({}) or folder of them", exts(f)),
        }
    }
}

/// Something a format carries besides its shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Carries {
    Shape(ShapeKind),
    /// Item-level labels (tags, flags, choices, class folders).
    ImageLabels,
    /// Annotation attributes.
    Attributes,
    /// Text spans.
    Spans,
    /// Document classes.
    DocClasses,
    /// Model predictions, imported as proposals.
    Proposals,
}

impl Carries {
    pub fn as_str(self) -> &'static str {
        match self {
            Carries::Shape(kind) => kind.as_str(),
            Carries::ImageLabels => "image labels",
            Carries::Attributes => "attributes",
            Carries::Spans => "spans",
            Carries::DocClasses => "document classes",
            Carries::Proposals => "proposals",
        }
    }
}

/// An option a format may take; each is one CLI flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FormatOption {
    AddUnknownClasses,
    SkipOutside,
    MultiLabel,
    AsProposals,
    Source,
    Offsets,
    IncludeProposals,
    Val,
    Link,
}

impl FormatOption {
    pub const ALL: [FormatOption; 9] = [
        FormatOption::AddUnknownClasses,
        FormatOption::SkipOutside,
        FormatOption::MultiLabel,
        FormatOption::AsProposals,
        FormatOption::Source,
        FormatOption::Offsets,
        FormatOption::IncludeProposals,
        FormatOption::Val,
        FormatOption::Link,
    ];

    /// The CLI flag.
    pub fn flag(self) -> &'static str {
        match self {
            FormatOption::AddUnknownClasses => "--add-unknown-classes",
            FormatOption::SkipOutside => "--skip-outside",
            FormatOption::MultiLabel => "--multi-label",
            FormatOption::AsProposals => "--as-proposals",
            FormatOption::Source => "--source",
            FormatOption::Offsets => "--offsets",
            FormatOption::IncludeProposals => "--include-proposals",
            FormatOption::Val => "--val",
            FormatOption::Link => "--link",
        }
    }

    /// What the option does, whatever the format, and its default.
    pub fn about(self) -> &'static str {
        match self {
            FormatOption::AddUnknownClasses => {
                "add the classes and image labels the project lacks and the dataset's own class list does not declare (default: report them and leave their annotations out)"
            }
            FormatOption::SkipOutside => {
                "skip shapes that reach outside their image (default: clamp them); either way each one is reported"
            }
            FormatOption::MultiLabel => {
                "when images get several image labels and the project takes one per image, switch the project to several, in the import's undo step (default: leave those images' labels out and say how many)"
            }
            FormatOption::AsProposals => {
                "import a model's predictions as proposals for annotators to accept or reject, not as annotations"
            }
            FormatOption::Source => {
                "the model name the proposals record (default: the file or folder name)"
            }
            FormatOption::Offsets => {
                "the unit the file's text offsets count: codepoint, utf16 or byte (default: the format's own)"
            }
            FormatOption::IncludeProposals => {
                "add the unreviewed model proposals as annotations with their `score` (default: left out)"
            }
            FormatOption::Val => {
                "the share of images put under val/, chosen by a hash of each image's path so the split is stable (default: 10%)"
            }
            FormatOption::Link => {
                "hard-link the images into the dataset instead of copying them (default: copy)"
            }
        }
    }
}

/// How the GUI settles an option the CLI takes as a flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// Asked after the read, when the data makes it matter (the read keeps
    /// everything the "yes" answer would store).
    Asked,
    /// A menu entry of its own (YOLO predictions as proposals).
    MenuEntry,
    /// Its default.
    Default,
}

/// An option a format takes: what it means for this format and how the GUI
/// settles it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionUse {
    pub option: FormatOption,
    /// What it does for this format, when that needs saying.
    pub here: &'static str,
    pub gui: Settled,
}

const fn opt(option: FormatOption, gui: Settled, here: &'static str) -> OptionUse {
    OptionUse { option, here, gui }
}

/// A format's import: where it reads from, its options and the function.
pub struct ImportSpec {
    pub place: Place,
    pub options: &'static [OptionUse],
    pub run: Importer,
}

/// A format's export: where it writes to, its options and the function.
pub struct ExportSpec {
    pub place: Place,
    pub options: &'static [OptionUse],
    pub run: ExportFn,
}

/// One format of one kind of project.
pub struct Format {
    /// The `--format` value; a name may serve both kinds of project
    /// (`labelstudio`), as two entries.
    pub name: &'static str,
    /// The i18n stem of its menu entries and dialog titles:
    /// `menu.import_{key}`, `menu.export_{key}`, `{key}.import_title`,
    /// `{key}.export_title` (and `…_folder` for a file-or-folder import,
    /// `menu.import_{key}_predictions` for one as proposals).
    pub key: &'static str,
    pub title: &'static str,
    pub kind: ProjectKind,
    /// One line for `--help` and the README.
    pub about: &'static str,
    pub carries: &'static [Carries],
    pub import: Option<ImportSpec>,
    pub export: Option<ExportSpec>,
}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} projects)", self.name, kind_name(self.kind))
    }
}

impl Format {
    /// The options of one direction.
    pub fn options(&self, direction: Direction) -> &'static [OptionUse] {
        match direction {
            Direction::Import => self.import.as_ref().map_or(&[], |i| i.options),
            Direction::Export => self.export.as_ref().map_or(&[], |e| e.options),
        }
    }

    pub fn place(&self, direction: Direction) -> Option<Place> {
        match direction {
            Direction::Import => self.import.as_ref().map(|i| i.place),
            Direction::Export => self.export.as_ref().map(|e| e.place),
        }
    }

    pub fn goes(&self, direction: Direction) -> bool {
        self.place(direction).is_some()
    }

    /// How the GUI settles `option` for this format, if it takes it.
    pub fn settles(&self, direction: Direction, option: FormatOption) -> Option<Settled> {
        self.options(direction)
            .iter()
            .find(|o| o.option == option)
            .map(|o| o.gui)
    }
}

/// Every format, in the order menus and tables list them.
pub static FORMATS: &[Format] = list::FORMATS;

/// The formats of `kind` that go in `direction`.
pub fn formats(kind: ProjectKind, direction: Direction) -> impl Iterator<Item = &'static Format> {
    FORMATS
        .iter()
        .filter(move |f| f.kind == kind && f.goes(direction))
}

/// The `--format` names that go in `direction`, each once, in table order.
pub fn names(direction: Direction) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for f in FORMATS.iter().filter(|f| f.goes(direction)) {
        if !names.contains(&f.name) {
            names.push(f.name);
        }
    }
    names
}

/// What `--help` says of a `--format` name in `direction`: its entries'
/// lines, joined.
pub fn name_help(name: &str, direction: Direction) -> String {
    FORMATS
        .iter()
        .filter(|f| f.name == name && f.goes(direction))
        .map(|f| format!("{} ({} projects)", f.about, kind_name(f.kind)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The format a command uses when none is given.
pub fn default_format(kind: ProjectKind) -> &'static Format {
    let name = match kind {
        ProjectKind::Images => "coco",
        ProjectKind::Text => "jsonl",
    };
    FORMATS
        .iter()
        .find(|f| f.name == name && f.kind == kind)
        .expect("the default formats are in the table")
}

pub fn kind_name(kind: ProjectKind) -> &'static str {
    match kind {
        ProjectKind::Images => "image",
        ProjectKind::Text => "text",
    }
}

/// "an image", "a text".
fn a_kind(kind: ProjectKind) -> &'static str {
    match kind {
        ProjectKind::Images => "an image",
        ProjectKind::Text => "a text",
    }
}

/// The format called `name` for a project of `kind` in `direction`, or why
/// there is none.
pub fn resolve(
    name: &str,
    kind: ProjectKind,
    direction: Direction,
) -> Result<&'static Format, String> {
    let same_name: Vec<&Format> = FORMATS.iter().filter(|f| f.name == name).collect();
    if same_name.is_empty() {
        return Err(format!(
            "unknown format `{name}`: expected one of {}",
            names(direction).join(", ")
        ));
    }
    if let Some(f) = same_name
        .iter()
        .find(|f| f.kind == kind && f.goes(direction))
    {
        return Ok(f);
    }
    let others: Vec<&str> = formats(kind, direction).map(|f| f.name).collect();
    let why = if same_name.iter().any(|f| f.kind == kind) {
        let other = match direction {
            Direction::Import => Direction::Export,
            Direction::Export => Direction::Import,
        };
        format!("{name} is an {} format", other.as_str())
    } else {
        let kinds: Vec<&str> = same_name.iter().map(|f| kind_name(f.kind)).collect();
        format!(
            "{name} is a format of {} projects, and this is {} project",
            kinds.join(" and "),
            a_kind(kind)
        )
    };
    Err(format!(
        "{why}; {} {} project as one of {}",
        direction.as_str(),
        a_kind(kind),
        others.join(", ")
    ))
}

/// Refuses the options `given` that `format` does not take in `direction`,
/// naming the formats that do.
pub fn check_options(
    format: &Format,
    direction: Direction,
    given: &[FormatOption],
) -> Result<(), String> {
    for option in given {
        if format.settles(direction, *option).is_some() {
            continue;
        }
        let takers: Vec<&str> = names(direction)
            .into_iter()
            .filter(|name| {
                FORMATS
                    .iter()
                    .any(|f| f.name == *name && f.settles(direction, *option).is_some())
            })
            .collect();
        return Err(format!(
            "{} does not apply to `{} --format {}` in {} project; it goes with --format {}",
            option.flag(),
            direction.as_str(),
            format.name,
            a_kind(format.kind),
            takers.join(", ")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
