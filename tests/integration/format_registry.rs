//! One format registry (issue 15, acceptance 3): the CLI's `--format` values
//! and the GUI's File → Import ▸ / Export ▸ entries are built from
//! `jobs::registry` and are the same set, option for option; `--help` says
//! what the registry says; and the README's table is the registry's.

use crate::common::cli::{fails_cleanly, shugu};
use clap::CommandFactory;
use shugu::cli::Cli;
use shugu::jobs::registry::{self, Direction, FormatOption, Settled};
use shugu::project::ProjectKind;
use shugu::ui::format_menu::{Pick, menu_entries};
use std::collections::BTreeSet;

const KINDS: [ProjectKind; 2] = [ProjectKind::Images, ProjectKind::Text];
const DIRECTIONS: [Direction; 2] = [Direction::Import, Direction::Export];

/// The `--format` values `shugu import|export` accepts, as clap builds them.
fn cli_formats(direction: Direction) -> BTreeSet<String> {
    let mut cli = Cli::command();
    let sub = cli
        .find_subcommand_mut(direction.as_str())
        .expect("the subcommand");
    let format = sub
        .get_arguments()
        .find(|a| a.get_id() == "format")
        .expect("--format");
    format
        .get_possible_values()
        .iter()
        .map(|v| v.get_name().to_string())
        .collect()
}

#[test]
fn the_cli_and_the_gui_menus_offer_the_same_formats() {
    for direction in DIRECTIONS {
        let cli = cli_formats(direction);
        for kind in KINDS {
            // What the CLI takes for a project of this kind: the names the
            // registry resolves for it.
            let cli_kind: BTreeSet<String> = cli
                .iter()
                .filter(|name| registry::resolve(name, kind, direction).is_ok())
                .cloned()
                .collect();
            let entries = menu_entries(kind, direction);
            let gui: BTreeSet<String> = entries.iter().map(|e| e.format.name.to_string()).collect();
            assert_eq!(cli_kind, gui, "{direction:?} {kind:?}");
            assert!(!gui.is_empty(), "{direction:?} {kind:?}");

            for name in &cli_kind {
                let format = registry::resolve(name, kind, direction).unwrap();
                let entries: Vec<_> = entries.iter().filter(|e| e.format.name == *name).collect();
                // `--as-proposals` is a flag for exactly the formats that
                // have a predictions entry of their own.
                let flag = registry::check_options(format, direction, &[FormatOption::AsProposals]);
                assert_eq!(
                    flag.is_ok(),
                    entries.iter().any(|e| e.as_proposals),
                    "{name}"
                );
                // A file-or-folder import has an entry for each; the file
                // entries pick the registry's extensions.
                let place = format.place(direction).unwrap();
                let picks: BTreeSet<_> = entries
                    .iter()
                    .filter(|e| !e.as_proposals)
                    .map(|e| match e.pick {
                        Pick::File(f) => f.extensions.join(","),
                        Pick::Folder => "folder".into(),
                    })
                    .collect();
                let want: BTreeSet<String> = match place {
                    registry::Place::File(f) => [f.extensions.join(",")].into(),
                    registry::Place::Folder => ["folder".to_string()].into(),
                    registry::Place::FileOrFolder(f) => {
                        [f.extensions.join(","), "folder".into()].into()
                    }
                };
                assert_eq!(picks, want, "{name}");
            }
        }
        // And every name the CLI lists serves some project.
        let served: BTreeSet<String> = KINDS
            .iter()
            .flat_map(|&k| menu_entries(k, direction))
            .map(|e| e.format.name.to_string())
            .collect();
        assert_eq!(cli, served, "{direction:?}");
    }
}

/// What the issue named: COCO and labelled-text imports had no GUI entry,
/// and the GUI exported texts only as JSONL.
#[test]
fn coco_labelled_texts_and_every_text_export_are_in_the_menus() {
    let names = |kind, direction| -> BTreeSet<&str> {
        menu_entries(kind, direction)
            .iter()
            .map(|e| e.format.name)
            .collect()
    };
    assert!(names(ProjectKind::Images, Direction::Import).contains("coco"));
    let text_imports = names(ProjectKind::Text, Direction::Import);
    assert_eq!(text_imports, ["doccano", "jsonl", "labelstudio"].into());
    let text_exports = names(ProjectKind::Text, Direction::Export);
    assert_eq!(text_exports, ["doccano", "hf", "jsonl"].into());
}

/// The GUI asks exactly where the registry says a choice is asked, and the
/// CLI takes that choice as the flag: labelme's and Label Studio's image
/// labels the schema lacks are one such choice (the GUI used to add them
/// always, the CLI only with `--add-unknown-classes`).
#[test]
fn adding_unknown_image_labels_is_one_policy_for_the_gui_and_the_cli() {
    for name in ["labelme", "labelstudio", "voc", "cvat", "coco-results"] {
        let format = registry::resolve(name, ProjectKind::Images, Direction::Import).unwrap();
        assert_eq!(
            format.settles(Direction::Import, FormatOption::AddUnknownClasses),
            Some(Settled::Asked),
            "{name}"
        );
        let options = registry::ImportOptions::for_asking(format, false);
        assert!(
            options.add_unknown_classes,
            "{name} reads what it asks about"
        );
    }
    let help = registry::option_help(FormatOption::AddUnknownClasses, Direction::Import);
    assert!(help.contains("labelme: flags the schema lacks"), "{help}");
}

#[test]
fn help_lists_the_registry_formats_and_their_options() {
    let out = shugu(["import", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for name in registry::names(Direction::Import) {
        assert!(help.contains(&format!("{name}:")), "{name} in\n{help}");
    }
    assert!(!help.contains("yolo-cls:"), "an export format in\n{help}");
    assert!(
        help.contains("voc: classes neither the project nor labelmap.txt names"),
        "{help}"
    );
    let out = shugu(["export", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("yolo-cls:") && help.contains("hf:"), "{help}");
    assert!(!help.contains("coco-results:"), "{help}");
}

/// A flag the format does not take is refused, naming the formats that do,
/// instead of being ignored.
#[test]
fn a_flag_the_format_does_not_take_is_refused_by_name() {
    let fx = crate::common::three_images();
    let out = shugu([
        "import".as_ref(),
        fx.project.as_os_str(),
        fx.images.as_os_str(),
        "--format".as_ref(),
        "yolo".as_ref(),
        "--multi-label".as_ref(),
    ]);
    let stderr = fails_cleanly(&out);
    assert!(
        stderr.contains("--multi-label does not apply to `import --format yolo`")
            && stderr.contains("cvat, labelme, labelstudio"),
        "{stderr}"
    );
    // `--source` names the model of proposals: with YOLO, only as proposals.
    let out = shugu([
        "import".as_ref(),
        fx.project.as_os_str(),
        fx.images.as_os_str(),
        "--format".as_ref(),
        "yolo-seg".as_ref(),
        "--source".as_ref(),
        "m".as_ref(),
    ]);
    let stderr = fails_cleanly(&out);
    assert!(stderr.contains("add --as-proposals"), "{stderr}");
    let out = shugu([
        "export".as_ref(),
        fx.project.as_os_str(),
        "--format".as_ref(),
        "hf".as_ref(),
        "-o".as_ref(),
        fx.root.path().join("out.jsonl").as_os_str(),
    ]);
    let stderr = fails_cleanly(&out);
    assert!(
        stderr.contains("hf is a format of text projects, and this is an image project"),
        "{stderr}"
    );
}

/// `README.md`'s table of formats is the registry's
/// (`cargo run --example readme_formats` rewrites it).
#[test]
fn the_readme_table_is_the_registry() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let (start, end) = (registry::README_START, registry::README_END);
    let from = readme.find(start).expect("the table's start marker") + start.len();
    let to = readme.find(end).expect("the table's end marker");
    assert_eq!(
        readme[from..to].trim(),
        registry::markdown_table().trim(),
        "README.md is out of date: run `cargo run --example readme_formats`"
    );
}
