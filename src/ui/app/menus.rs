//! The app's menu bar and its Settings window.

use super::*;

impl ShuguApp {
    pub(super) fn menu_bar(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(t!("menu.file"), |ui| {
                if ui.button(t!("menu.new_project")).clicked() {
                    self.start_choice(&ctx, StartChoice::NewFromFolder);
                }
                if ui.button(t!("start.new_from_text")).clicked() {
                    self.start_choice(&ctx, StartChoice::NewFromTextFile);
                }
                if ui.button(t!("menu.open_project")).clicked() {
                    self.start_choice(&ctx, StartChoice::OpenFolder);
                }
                let open = self.workspace().is_some();
                let writable = self.workspace().is_some_and(|w| !w.project.is_read_only());
                let free = writable && !self.packages.busy();
                let images = self.workspace().is_some_and(|w| !w.is_text());
                let idle = self.dataset_job.is_none() && self.pending_import.is_none();
                let scanning = self.workspace().is_some_and(|w| w.scan.is_some());
                if ui
                    .add_enabled(
                        images && writable && !scanning,
                        egui::Button::new(t!("menu.rescan")),
                    )
                    .clicked()
                    && let Some(ws) = self.workspace_mut()
                {
                    ws.start_rescan(&ctx, true);
                }
                let kind = self.workspace().map(|w| w.project.kind());
                ui.add_enabled_ui(open, |ui| {
                    for (direction, label) in [
                        (Direction::Import, t!("menu.import")),
                        (Direction::Export, t!("menu.export")),
                    ] {
                        ui.menu_button(label, |ui| {
                            let entries =
                                kind.map_or_else(Vec::new, |k| menu_entries(k, direction));
                            let mut predictions = false;
                            for entry in entries {
                                if entry.is_predictions() && !predictions {
                                    predictions = true;
                                    ui.separator();
                                }
                                let enabled = match direction {
                                    Direction::Export => idle,
                                    // A direct import takes the project from
                                    // the workspace, scan and all.
                                    Direction::Import => idle && free && !scanning,
                                };
                                if ui
                                    .add_enabled(enabled, egui::Button::new(entry.label()))
                                    .clicked()
                                {
                                    match direction {
                                        Direction::Import => self.start_dataset_import(entry),
                                        Direction::Export => self.start_dataset_export(entry),
                                    }
                                }
                            }
                        });
                    }
                });
                ui.separator();
                if ui
                    .add_enabled(free, egui::Button::new(t!("menu.split_packages")))
                    .clicked()
                {
                    self.packages.open_split_form();
                }
                if ui
                    .add_enabled(free, egui::Button::new(t!("menu.merge_packages")))
                    .clicked()
                    && let Some(picked) = self.dialogs.pick_folder(&t!("packages.choose_merge"))
                {
                    self.packages.start_loading(picked);
                }
                ui.separator();
                if ui
                    .add_enabled(open, egui::Button::new(t!("menu.close_project")))
                    .clicked()
                {
                    self.screen = Screen::Start;
                }
                if ui.button(t!("menu.quit")).clicked() {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button(t!("menu.edit"), |ui| {
                let keys = &self.keymap;
                let undo_text = format!(
                    "{}    {}",
                    t!("menu.undo"),
                    keys.shortcut_text(Action::Undo)
                );
                let redo_text = format!(
                    "{}    {}",
                    t!("menu.redo"),
                    keys.shortcut_text(Action::Redo)
                );
                if let Screen::Workspace(ws) = &mut self.screen {
                    if ui
                        .add_enabled(ws.project.can_undo(), egui::Button::new(undo_text))
                        .clicked()
                    {
                        ws.undo();
                    }
                    if ui
                        .add_enabled(ws.project.can_redo(), egui::Button::new(redo_text))
                        .clicked()
                    {
                        ws.redo();
                    }
                }
            });
            ui.menu_button(t!("menu.view"), |ui| {
                let grid = self.workspace().map(|ws| (ws.gallery_open(), ws.is_text()));
                let mut checked = grid.is_some_and(|(open, _)| open);
                let enabled = grid.is_some_and(|(_, text)| !text);
                if ui
                    .add_enabled(
                        enabled,
                        egui::Checkbox::new(&mut checked, t!("menu.gallery")),
                    )
                    .clicked()
                    && let Some(ws) = self.workspace_mut()
                {
                    ws.toggle_gallery();
                }
                if ui.button(t!("menu.fit")).clicked()
                    && let Some(ws) = self.workspace_mut()
                {
                    ws.canvas.fit_pending = true;
                }
                let open = self.workspace().is_some();
                if ui
                    .add_enabled(open, egui::Button::new(t!("menu.dashboard")))
                    .clicked()
                {
                    self.dashboard.open = true;
                }
            });
            let can_run = self
                .workspace()
                .is_some_and(|w| !w.is_text() && !w.project.is_read_only());
            if let Some(request) = ai_menu(ui, &self.ai, &self.settings, &self.keymap, can_run) {
                self.ai_request(request);
            }
            if ui.button(t!("menu.settings")).clicked() {
                self.show_settings = true;
            }
            ui.menu_button(t!("menu.help"), |ui| {
                if ui.button(t!("menu.keys")).clicked() {
                    self.show_keys = true;
                }
            });
            if self.packages.busy() {
                ui.separator();
                ui.add(egui::Spinner::new());
                ui.label(t!("packages.working"));
            }
        });
    }

    pub(super) fn settings_ui(&mut self, ui: &mut egui::Ui) {
        let mut changed = false;
        ui.horizontal(|ui| {
            let mut lang = self.settings.effective_language();
            egui::ComboBox::from_label(t!("settings.language"))
                .selected_text(lang.native_name())
                .show_ui(ui, |ui| {
                    for l in i18n::Language::ALL {
                        changed |= ui.selectable_value(&mut lang, l, l.native_name()).changed();
                    }
                });
            if changed {
                self.settings.language = Some(lang);
                i18n::set_language(lang);
            }
        });
        ui.horizontal(|ui| {
            ui.label(t!("settings.role"));
            changed |= ui
                .radio_value(
                    &mut self.settings.role,
                    Role::Annotator,
                    t!("role.annotator"),
                )
                .changed();
            changed |= ui
                .radio_value(&mut self.settings.role, Role::Reviewer, t!("role.reviewer"))
                .changed();
        });
        ui.horizontal(|ui| {
            let caption = ui.label(t!("settings.reading_size"));
            let mut size = self.settings.reading_size;
            let slider =
                egui::Slider::new(&mut size, theme::READING_SIZE_MIN..=theme::READING_SIZE_MAX)
                    .step_by(0.5);
            if ui.add(slider).labelled_by(caption.id).changed() {
                let size = theme::reading_size(size);
                self.settings.reading_size = size;
                if let Some(ws) = self.workspace_mut() {
                    ws.text.reading_size = size;
                }
                changed = true;
            }
        });
        ui.horizontal(|ui| {
            let caption = ui.label(t!("settings.author"));
            let mut author = self.settings.author.clone().unwrap_or_default();
            let field = ui.text_edit_singleline(&mut author).labelled_by(caption.id);
            if field.changed() && !author.trim().is_empty() {
                self.settings.author = Some(author.trim().to_string());
                changed = true;
            }
        });
        if crate::ui::image_folder::mappings_ui(ui, &mut self.settings) {
            changed = true;
            self.apply_image_map(&ui.ctx().clone());
        }
        changed |= library_setting(ui, &mut self.settings);
        if changed {
            self.save_settings();
            let author = self.author();
            if let Some(ws) = self.workspace_mut() {
                ws.project.set_author(&author);
            }
        }
    }
}
