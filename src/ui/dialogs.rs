//! Native file dialogs behind a trait, so tests and headless runs never open one
//! (rfd's portal backend can fall back to a blocking `zenity`).

use std::path::PathBuf;

pub trait Dialogs {
    /// Asks for a folder; `None` if the user cancelled.
    fn pick_folder(&mut self, title: &str) -> Option<PathBuf>;

    /// Asks for a file to open. `extensions` are without the dot.
    fn pick_file(&mut self, title: &str, filter_name: &str, extensions: &[&str])
    -> Option<PathBuf>;

    /// Asks where to save a file. `extensions` are without the dot (`["json"]`).
    fn save_file(
        &mut self,
        title: &str,
        default_name: &str,
        filter_name: &str,
        extensions: &[&str],
    ) -> Option<PathBuf>;
}

/// The real dialogs. They block the UI thread while open, which is what a modal
/// file dialog does anyway.
#[derive(Debug, Default, Clone, Copy)]
pub struct RfdDialogs;

impl Dialogs for RfdDialogs {
    fn pick_folder(&mut self, title: &str) -> Option<PathBuf> {
        rfd::FileDialog::new().set_title(title).pick_folder()
    }

    fn pick_file(
        &mut self,
        title: &str,
        filter_name: &str,
        extensions: &[&str],
    ) -> Option<PathBuf> {
        let mut dialog = rfd::FileDialog::new().set_title(title);
        if !extensions.is_empty() {
            dialog = dialog.add_filter(filter_name, extensions);
        }
        dialog.pick_file()
    }

    fn save_file(
        &mut self,
        title: &str,
        default_name: &str,
        filter_name: &str,
        extensions: &[&str],
    ) -> Option<PathBuf> {
        let mut dialog = rfd::FileDialog::new()
            .set_title(title)
            .set_file_name(default_name);
        if !extensions.is_empty() {
            dialog = dialog.add_filter(filter_name, extensions);
        }
        dialog.save_file()
    }
}

/// Canned answers for tests: each call takes the next path from the front of
/// its list, or `None` (cancel) when the list is empty.
#[derive(Debug, Default, Clone)]
pub struct FakeDialogs {
    pub folders: Vec<PathBuf>,
    pub files: Vec<PathBuf>,
    pub save_paths: Vec<PathBuf>,
}

fn take_first(paths: &mut Vec<PathBuf>) -> Option<PathBuf> {
    (!paths.is_empty()).then(|| paths.remove(0))
}

impl Dialogs for FakeDialogs {
    fn pick_folder(&mut self, _title: &str) -> Option<PathBuf> {
        take_first(&mut self.folders)
    }

    fn pick_file(&mut self, _title: &str, _filter: &str, _extensions: &[&str]) -> Option<PathBuf> {
        take_first(&mut self.files)
    }

    fn save_file(
        &mut self,
        _title: &str,
        _default_name: &str,
        _filter_name: &str,
        _extensions: &[&str],
    ) -> Option<PathBuf> {
        take_first(&mut self.save_paths)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_dialogs_answer_in_order_then_cancel() {
        let mut dialogs = FakeDialogs {
            folders: vec![PathBuf::from("/a"), PathBuf::from("/b")],
            files: vec![],
            save_paths: vec![PathBuf::from("/out.json")],
        };
        let d: &mut dyn Dialogs = &mut dialogs;
        assert_eq!(d.pick_folder("one"), Some(PathBuf::from("/a")));
        assert_eq!(d.pick_folder("two"), Some(PathBuf::from("/b")));
        assert_eq!(d.pick_folder("three"), None);
        assert_eq!(
            d.save_file("save", "x.json", "COCO", &["json"]),
            Some(PathBuf::from("/out.json"))
        );
        assert_eq!(d.save_file("save", "x.json", "COCO", &["json"]), None);
    }
}
