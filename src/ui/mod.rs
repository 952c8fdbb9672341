//! The GUI shell (egui/eframe): the app, one file per view or panel, the keymap,
//! theme, fonts and translations. It talks to a `Project` and to `media`; every
//! change to annotations goes through `Project::apply` as an `Edit`.

pub mod ai_assist;
pub mod app;
pub mod canvas;
pub mod class_panel;
pub mod class_picker;
pub mod dashboard;
pub mod dataset_jobs;
pub mod dataset_notices;
pub mod dialogs;
pub mod fonts;
pub mod format_menu;
pub mod gallery;
pub mod i18n;
pub mod image_folder;
pub mod item_list;
pub mod keymap;
pub mod packages;
pub mod scan_report;
pub mod settings;
pub mod start_screen;
pub mod status_bar;
pub mod team;
pub mod text_import;
pub mod text_pane;
pub mod text_view;
pub mod theme;
pub mod worker;
pub mod workspace;

use std::path::PathBuf;

/// What the window shows first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Startup {
    StartScreen,
    /// A project folder, or a plain image folder to offer a project for.
    Open(PathBuf),
}

/// Opens the main window and runs until it is closed.
pub fn run(startup: Startup) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("Shugu 数谷标注")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 500.0]),
        // SHUGU_RENDERER=glow picks OpenGL, which is faster on software rasterisers.
        renderer: match std::env::var("SHUGU_RENDERER").as_deref() {
            Ok("glow") => eframe::Renderer::Glow,
            _ => eframe::Renderer::default(),
        },
        ..Default::default()
    };
    eframe::run_native(
        "shugu",
        options,
        Box::new(move |cc| {
            Ok(Box::new(app::ShuguApp::new(
                &cc.egui_ctx,
                app::AppConfig::from_environment(),
                Box::new(dialogs::RfdDialogs),
                startup,
            )))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}
