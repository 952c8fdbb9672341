//! The AI menu's entries: what each asks the [`AiAssist`](super::AiAssist) to do.

use super::AiAssist;
use crate::jobs::predict::ItemFilter;
use crate::ui::keymap::{Action, KeyMap};
use crate::ui::settings::Settings;
use eframe::egui;
use rust_i18n::t;

/// What the menu or a key asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum AiRequest {
    /// Make this model the one that runs.
    Choose(String),
    AddModelFile,
    ImportYaml,
    /// The chosen model on the image on screen.
    RunCurrent,
    /// The chosen model over the item list's current filter, these items of it.
    RunBatch(ItemFilter),
    Cancel,
}

/// The label of each item filter in the menu.
fn filter_label(filter: ItemFilter) -> std::borrow::Cow<'static, str> {
    match filter {
        ItemFilter::All => t!("ai.items_all"),
        ItemFilter::New => t!("ai.items_new"),
        ItemFilter::Unlabelled => t!("ai.items_unlabelled"),
    }
}

/// The AI menu; `can_run`: an image project is open and writable.
pub fn ai_menu(
    ui: &mut egui::Ui,
    ai: &AiAssist,
    settings: &Settings,
    keymap: &KeyMap,
    can_run: bool,
) -> Option<AiRequest> {
    let mut request = None;
    ui.menu_button(t!("menu.ai"), |ui| {
        let chosen = ai.chosen(settings).map(|m| m.name.clone());
        ui.menu_button(t!("ai.choose_model"), |ui| {
            if ai.models.models.is_empty() {
                ui.label(egui::RichText::new(t!("ai.no_models")).weak());
            }
            for m in &ai.models.models {
                let picked = chosen.as_deref() == Some(m.name.as_str());
                if ui.selectable_label(picked, &m.name).clicked() {
                    request = Some(AiRequest::Choose(m.name.clone()));
                }
            }
        });
        if ui.button(t!("ai.add_model")).clicked() {
            request = Some(AiRequest::AddModelFile);
        }
        if ui.button(t!("ai.import_yaml")).clicked() {
            request = Some(AiRequest::ImportYaml);
        }
        ui.separator();
        let ready = can_run && chosen.is_some() && !ai.is_running();
        let run_text = format!(
            "{}    {}",
            t!("ai.run_current"),
            keymap.shortcut_text(Action::RunModel)
        );
        if ui.add_enabled(ready, egui::Button::new(run_text)).clicked() {
            request = Some(AiRequest::RunCurrent);
        }
        ui.add_enabled_ui(ready, |ui| {
            ui.menu_button(t!("ai.run_batch"), |ui| {
                for filter in ItemFilter::ALL {
                    if ui.button(filter_label(filter)).clicked() {
                        request = Some(AiRequest::RunBatch(filter));
                    }
                }
            });
        });
        if ui
            .add_enabled(ai.is_running(), egui::Button::new(t!("ai.cancel")))
            .clicked()
        {
            request = Some(AiRequest::Cancel);
        }
        if let Some(m) = &chosen {
            ui.separator();
            ui.label(egui::RichText::new(t!("ai.chosen", name = m)).weak());
        }
    });
    request
}
