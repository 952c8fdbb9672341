//! A project whose image folder this workstation cannot reach (a share not
//! mounted, mounted under another name, a project folder moved from another
//! machine): the message, picking the local folder, and the settings' list
//! of such mappings. A mapping is this workstation's (in `settings.ron`);
//! the project and its database are not changed.

use super::settings::Settings;
use eframe::egui;
use rust_i18n::t;
use std::path::PathBuf;

/// The image folder the open project names, which is not reachable here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreachableImages {
    /// The project's image root as stored (what a mapping maps).
    pub stored: PathBuf,
}

/// What the user chose in the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImagesAction {
    Nothing,
    PickFolder,
    Dismiss,
}

impl UnreachableImages {
    pub fn message(&self) -> String {
        t!("images.unreachable", folder = self.stored.display()).into_owned()
    }

    pub fn show(&self, ctx: &egui::Context) -> ImagesAction {
        let mut action = ImagesAction::Nothing;
        egui::Window::new(t!("images.unreachable_title"))
            .id(egui::Id::unique("unreachable_images"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(self.message());
                ui.horizontal(|ui| {
                    if ui.button(t!("images.choose_local")).clicked() {
                        action = ImagesAction::PickFolder;
                    }
                    if ui.button(t!("images.later")).clicked() {
                        action = ImagesAction::Dismiss;
                    }
                });
            });
        action
    }
}

/// The settings' list of image folder mappings, each removable; true when
/// one was removed.
pub fn mappings_ui(ui: &mut egui::Ui, settings: &mut Settings) -> bool {
    if settings.image_roots.is_empty() {
        return false;
    }
    ui.label(t!("images.mappings"));
    let mut removed = None;
    for (i, mapping) in settings.image_roots.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("{} → {}", mapping.stored, mapping.local.display()));
            if ui.small_button(t!("images.remove_mapping")).clicked() {
                removed = Some(i);
            }
        });
    }
    if let Some(i) = removed {
        settings.image_roots.remove(i);
    }
    removed.is_some()
}
