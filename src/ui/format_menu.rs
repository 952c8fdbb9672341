//! File → Import ▸ and Export ▸ entries, one per format of the registry
//! ([`crate::jobs::registry`]) for the open project's kind: a file-or-folder
//! import gets an entry for each, and a format that imports predictions as
//! an option (YOLO) an entry of its own for them, listed with the formats
//! that only import predictions. Each entry's label, dialog title and what
//! its dialog picks come from the registry.

use crate::jobs::registry::{self, Direction, FileType, Format, FormatOption, Place, Settled};
use crate::project::ProjectKind;
use rust_i18n::t;

/// What an entry's dialog picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    File(FileType),
    Folder,
}

/// One menu entry.
#[derive(Clone, Copy, Debug)]
pub struct MenuEntry {
    pub format: &'static Format,
    pub direction: Direction,
    pub pick: Pick,
    /// YOLO predictions read as proposals.
    pub as_proposals: bool,
}

impl MenuEntry {
    /// The i18n key of the entry's label.
    pub fn label_key(&self) -> String {
        let key = self.format.key;
        match (self.direction, self.as_proposals, self.pick) {
            (Direction::Export, ..) => format!("menu.export_{key}"),
            (Direction::Import, true, _) => format!("menu.import_{key}_predictions"),
            (Direction::Import, false, Pick::Folder) if self.has_file_entry() => {
                format!("menu.import_{key}_folder")
            }
            (Direction::Import, false, _) => format!("menu.import_{key}"),
        }
    }

    /// The i18n key of its dialog's title.
    pub fn title_key(&self) -> String {
        let key = self.format.key;
        match (self.direction, self.as_proposals, self.pick) {
            (Direction::Export, ..) => format!("{key}.export_title"),
            (Direction::Import, true, _) => "predictions.title".to_string(),
            (Direction::Import, false, Pick::Folder) if self.has_file_entry() => {
                format!("{key}.import_folder_title")
            }
            (Direction::Import, false, _) => format!("{key}.import_title"),
        }
    }

    pub fn label(&self) -> String {
        let key = self.label_key();
        t!(&key).into_owned()
    }

    pub fn title(&self) -> String {
        let key = self.title_key();
        t!(&key).into_owned()
    }

    /// Whether the entry reads a model's predictions.
    pub fn is_predictions(&self) -> bool {
        self.as_proposals
            || (self.format.carries.contains(&registry::Carries::Proposals)
                && self
                    .format
                    .settles(Direction::Import, FormatOption::AsProposals)
                    .is_none())
    }

    fn has_file_entry(&self) -> bool {
        matches!(
            self.format.place(self.direction),
            Some(Place::FileOrFolder(_))
        )
    }
}

/// The entries of the File → Import ▸ or Export ▸ menu of a `kind` project,
/// in order: the formats, then (imports) those of predictions.
pub fn menu_entries(kind: ProjectKind, direction: Direction) -> Vec<MenuEntry> {
    let mut entries = Vec::new();
    let mut predictions = Vec::new();
    for format in registry::formats(kind, direction) {
        let Some(place) = format.place(direction) else {
            continue;
        };
        let picks = match place {
            Place::File(file) => vec![Pick::File(file)],
            Place::Folder => vec![Pick::Folder],
            Place::FileOrFolder(file) => vec![Pick::File(file), Pick::Folder],
        };
        for pick in picks {
            let entry = MenuEntry {
                format,
                direction,
                pick,
                as_proposals: false,
            };
            if entry.is_predictions() {
                predictions.push(entry);
            } else {
                entries.push(entry);
            }
        }
        if format.settles(direction, FormatOption::AsProposals) == Some(Settled::MenuEntry) {
            predictions.push(MenuEntry {
                format,
                direction,
                pick: picks_for_predictions(place),
                as_proposals: true,
            });
        }
    }
    entries.extend(predictions);
    entries
}

fn picks_for_predictions(place: Place) -> Pick {
    match place {
        Place::File(file) => Pick::File(file),
        Place::Folder | Place::FileOrFolder(_) => Pick::Folder,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every label and title the menus look up is in every language.
    #[test]
    fn every_entry_has_its_label_and_title_in_every_language() {
        // What a missing key looks up as, so the check below can tell.
        let absent = "menu.import_no_such_format";
        let missing = t!(absent, locale = "en");
        assert!(missing.ends_with(absent), "{missing}");
        for kind in [ProjectKind::Images, ProjectKind::Text] {
            for direction in [Direction::Import, Direction::Export] {
                for entry in menu_entries(kind, direction) {
                    for key in [entry.label_key(), entry.title_key()] {
                        for locale in ["en", "zh-CN"] {
                            let text = t!(&key, locale = locale);
                            assert!(
                                text != key.as_str() && !text.ends_with(key.as_str()),
                                "{locale} has no text for {key} ({entry:?})"
                            );
                        }
                    }
                }
            }
        }
    }
}
