//! The workspace's side of the gallery: switching views, the grid's keys, and the
//! bulk actions applied through the project as one edit each.

use super::{GridCommand, bulk};
use crate::model::{ItemId, ItemStatus, LabelId};
use crate::ui::keymap::{Action, Shortcut};
use crate::ui::workspace::Workspace;
use eframe::egui;
use rust_i18n::t;

impl Workspace {
    /// Whether the grid is what the centre shows.
    pub fn gallery_open(&self) -> bool {
        self.gallery.open && !self.is_text()
    }

    /// The View menu's and the key's toggle between the single view and the grid.
    pub fn toggle_gallery(&mut self) {
        if self.is_text() {
            return;
        }
        if self.gallery.open {
            self.open_in_single_view(self.current.or(self.gallery.focus));
        } else {
            self.gallery.return_to_grid();
            self.gallery.focus = self.current;
        }
    }

    /// Shows `position` in the single view; Esc there comes back to the grid.
    pub fn open_in_single_view(&mut self, position: Option<usize>) {
        self.gallery.open = false;
        self.gallery.opened_from_grid = true;
        if let Some(position) = position {
            self.gallery.focus = Some(position);
            self.go_to(position);
        }
    }

    /// The grid in the centre panel.
    pub(crate) fn gallery_ui(&mut self, ui: &mut egui::Ui) {
        let shown = self.items.visible(&self.project).to_vec();
        let command = self.gallery.show(ui, &self.project, &shown, self.reviewer);
        if let Some(command) = command {
            self.run_grid_command(command);
        }
    }

    pub(crate) fn run_grid_command(&mut self, command: GridCommand) {
        match command {
            GridCommand::Open(position) => self.open_in_single_view(Some(position)),
            GridCommand::ToggleLabel(label) => self.bulk_toggle_label(label),
            GridCommand::Submit => self.bulk_status(ItemStatus::Submitted),
            GridCommand::Accept if self.reviewer => self.bulk_status(ItemStatus::Accepted),
            GridCommand::Reject if self.reviewer && !self.gallery.selection.is_empty() => {
                self.rejecting = Some(String::new());
            }
            GridCommand::Accept | GridCommand::Reject => {}
        }
    }

    /// The keymap's actions while the grid is shown. Returns whether the grid took
    /// the action (the others go to the single view's handling).
    pub(crate) fn grid_action(&mut self, action: Action) -> bool {
        match action {
            Action::ToggleGallery => self.toggle_gallery(),
            Action::SelectAll => {
                let shown = self.items.visible(&self.project).to_vec();
                self.gallery.selection.select_all(&shown);
            }
            Action::Deselect => self.gallery.selection.clear(),
            Action::NextItem | Action::PrevItem => {
                let shown = self.items.visible(&self.project).to_vec();
                let step = if action == Action::NextItem { 1 } else { -1 };
                self.gallery.move_focus(step, false, &shown);
            }
            // Enter, bound to "done and next" in the single view, opens the item.
            Action::DoneAndNext => {
                let focus = self
                    .gallery
                    .focus
                    .or_else(|| self.gallery.selection.items().next());
                self.open_in_single_view(focus);
            }
            Action::SubmitSelection => self.run_grid_command(GridCommand::Submit),
            Action::Accept => self.run_grid_command(GridCommand::Accept),
            Action::Reject => self.run_grid_command(GridCommand::Reject),
            Action::Undo => self.undo_in_place(),
            Action::Redo => self.redo_in_place(),
            _ => return false,
        }
        true
    }

    /// Image-label keys on the grid: the label goes on (or off) the selection.
    pub(crate) fn grid_label_keys(&mut self, ctx: &egui::Context) {
        let keys: Vec<(LabelId, Shortcut)> = self
            .project
            .schema()
            .image_labels
            .iter()
            .filter_map(|l| Some((l.id, l.hotkey.as_deref()?.parse::<Shortcut>().ok()?)))
            .collect();
        for (label, key) in keys {
            if ctx.input_mut(|i| i.consume_shortcut(&key.to_keyboard_shortcut())) {
                self.bulk_toggle_label(label);
            }
        }
    }

    fn selected_ids(&self) -> Vec<ItemId> {
        let items = self.project.items();
        self.gallery
            .selection
            .items()
            .filter_map(|p| items.get(p).map(|i| i.id))
            .collect()
    }

    fn bulk_toggle_label(&mut self, label: LabelId) {
        let mut current = Vec::new();
        for item in self.selected_ids() {
            match self.project.image_labels(item) {
                Ok(labels) => current.push((item, labels)),
                Err(e) => {
                    self.message = Some(e.to_string());
                    return;
                }
            }
        }
        let mode = self.project.schema().image_label_mode;
        if let Some(edit) = bulk::toggle_label(&current, label, mode) {
            self.apply(edit);
        }
    }

    fn bulk_status(&mut self, status: ItemStatus) {
        if let Some(edit) = bulk::set_status(&self.selected_ids(), status) {
            self.apply(edit);
        }
    }

    /// The reviewer's rejection of the selection, with the reason typed once.
    pub(crate) fn bulk_reject(&mut self, reason: &str) {
        if let Some(edit) = bulk::reject(&self.selected_ids(), reason)
            && self.apply(edit).is_some()
        {
            self.rejecting = None;
            let n = self.gallery.selection.len();
            self.message = Some(t!("gallery.rejected", n = n).into_owned());
        }
    }

    /// Undo on the grid: stays on the grid instead of opening the changed item.
    fn undo_in_place(&mut self) {
        let r = self.project.undo();
        if let Err(e) = r {
            self.message = Some(e.to_string());
        }
    }

    fn redo_in_place(&mut self) {
        let r = self.project.redo();
        if let Err(e) = r {
            self.message = Some(e.to_string());
        }
    }
}
