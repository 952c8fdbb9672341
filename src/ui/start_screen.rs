//! The start screen: recent projects, demo projects, New and Open.

use crate::project::Project;
use eframe::egui::{self, RichText};
use rust_i18n::t;
use std::path::{Path, PathBuf};

/// What the user asked for on the start screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartChoice {
    Open(PathBuf),
    NewFromFolder,
    /// A text project from a JSONL, CSV/TSV or TXT file.
    NewFromTextFile,
    OpenFolder,
}

/// Demo projects shipped under `projects/`: beside the working directory (a
/// `cargo run` checkout) or beside the executable (an installed copy).
pub fn find_demo_projects() -> Vec<PathBuf> {
    let mut roots = vec![PathBuf::from("projects")];
    if let Ok(exe) = std::env::current_exe() {
        roots.extend(exe.ancestors().skip(1).take(4).map(|a| a.join("projects")));
    }
    let mut found: Vec<PathBuf> = Vec::new();
    for root in roots {
        let Ok(entries) = std::fs::read_dir(&root) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| Project::is_project_dir(p))
            .collect();
        dirs.sort();
        for d in dirs {
            let canonical = std::fs::canonicalize(&d).unwrap_or(d);
            if !found.contains(&canonical) {
                found.push(canonical);
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    found
}

fn project_row(ui: &mut egui::Ui, dir: &Path) -> bool {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    ui.horizontal(|ui| {
        let clicked = ui.button(RichText::new(&name).strong()).clicked();
        ui.label(RichText::new(dir.display().to_string()).weak());
        clicked
    })
    .inner
}

pub fn show(ui: &mut egui::Ui, recent: &[PathBuf], demos: &[PathBuf]) -> Option<StartChoice> {
    let mut choice = None;
    ui.vertical_centered(|ui| {
        ui.add_space(24.0);
        ui.heading(RichText::new(t!("start.title")).size(28.0));
        ui.add_space(16.0);
        ui.horizontal(|ui| {
            if ui.button(t!("start.new_from_folder")).clicked() {
                choice = Some(StartChoice::NewFromFolder);
            }
            if ui.button(t!("start.new_from_text")).clicked() {
                choice = Some(StartChoice::NewFromTextFile);
            }
            if ui.button(t!("start.open_project")).clicked() {
                choice = Some(StartChoice::OpenFolder);
            }
        });
    });
    ui.add_space(16.0);
    ui.columns(2, |cols| {
        cols[0].heading(t!("start.recent"));
        if recent.is_empty() {
            cols[0].label(RichText::new(t!("start.no_recent")).weak());
        }
        for dir in recent {
            if project_row(&mut cols[0], dir) {
                choice = Some(StartChoice::Open(dir.clone()));
            }
        }
        cols[1].heading(t!("start.demos"));
        for dir in demos {
            if project_row(&mut cols[1], dir) {
                choice = Some(StartChoice::Open(dir.clone()));
            }
        }
    });
    choice
}
