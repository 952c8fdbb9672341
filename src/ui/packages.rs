//! File → "Split into work packages…" and "Merge work packages…": a small
//! form for the annotators and the overlap, and the reading and writing of
//! packages on a worker thread. Merging itself happens on the UI thread, as
//! edits of the open project, once the packages are read.

use super::worker::Worker;
use crate::jobs::packages::{
    LoadedPackage, PackageMerged, SplitOptions, load_package, parse_overlap, split_project,
};
use crate::jobs::split_list;
use crate::project::{Access, Project};
use eframe::egui;
use rust_i18n::t;
use std::path::{Path, PathBuf};

/// What a worker thread hands back.
pub enum PackagesDone {
    /// The notice to show: what a split made, or why the work failed.
    Notice(String),
    Loaded(Result<Vec<LoadedPackage>, String>),
}

struct SplitForm {
    annotators: String,
    overlap: String,
    error: Option<String>,
}

#[derive(Default)]
pub struct PackagesUi {
    form: Option<SplitForm>,
    job: Option<Worker<PackagesDone>>,
}

impl PackagesUi {
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    pub fn open_split_form(&mut self) {
        self.form = Some(SplitForm {
            annotators: String::new(),
            overlap: "10".into(),
            error: None,
        });
    }

    /// Shows the split form; returns the annotators and overlap once the user
    /// confirms input that reads.
    pub fn form_ui(&mut self, ctx: &egui::Context) -> Option<(Vec<String>, f64)> {
        let form = self.form.as_mut()?;
        let mut open = true;
        let mut chosen = None;
        egui::Window::new(t!("packages.split_title"))
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                let caption = ui.label(t!("packages.annotators"));
                ui.text_edit_singleline(&mut form.annotators)
                    .labelled_by(caption.id);
                let caption = ui.label(t!("packages.overlap"));
                ui.text_edit_singleline(&mut form.overlap)
                    .labelled_by(caption.id);
                if let Some(e) = &form.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                if ui.button(t!("packages.split")).clicked() {
                    let names = split_list(&form.annotators);
                    match parse_overlap(&form.overlap) {
                        Ok(_) if names.is_empty() => {
                            form.error = Some(t!("packages.annotators").into_owned());
                        }
                        Ok(overlap) => chosen = Some((names, overlap)),
                        Err(e) => form.error = Some(e),
                    }
                }
            });
        if !open || chosen.is_some() {
            self.form = None;
        }
        chosen
    }

    /// Splits the project in `dir` (it must have its identity already) on a
    /// worker thread.
    pub fn start_split(&mut self, dir: PathBuf, options: SplitOptions) {
        self.job = Some(Worker::spawn("split", move |_| {
            let result = Project::open(&dir, Access::ReadOnly)
                .map_err(|e| e.to_string())
                .and_then(|p| split_project(&p, &options, |_| {}).map_err(|e| e.to_string()));
            let notice = match result {
                Ok(made) => t!(
                    "packages.split_done",
                    n = made.len(),
                    path = options.out_dir.display()
                )
                .into_owned(),
                Err(e) => format!("{}: {e}", t!("packages.failed")),
            };
            PackagesDone::Notice(notice)
        }));
    }

    /// Reads the packages in or at `picked` on a worker thread.
    pub fn start_loading(&mut self, picked: PathBuf) {
        self.job = Some(Worker::spawn("load-packages", move |_| {
            let dirs = package_dirs(&picked);
            let loaded = if dirs.is_empty() {
                Err(t!("packages.none_found", path = picked.display()).into_owned())
            } else {
                dirs.iter()
                    .map(|d| load_package(d).map_err(|e| e.to_string()))
                    .collect()
            };
            PackagesDone::Loaded(loaded)
        }));
    }

    /// What the work ended with, once it has; a failed worker ends with a
    /// notice saying so.
    pub fn poll(&mut self) -> Option<PackagesDone> {
        let end = self.job.as_mut()?.poll()?;
        self.job = None;
        Some(
            end.unwrap_or_else(|e| PackagesDone::Notice(format!("{}: {e}", t!("packages.failed")))),
        )
    }
}

/// A project folder itself, or the project folders directly inside it.
fn package_dirs(picked: &Path) -> Vec<PathBuf> {
    if Project::is_project_dir(picked) {
        return vec![picked.to_path_buf()];
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(picked)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| Project::is_project_dir(p))
        .collect();
    dirs.sort();
    dirs
}

/// The notice after a merge.
pub fn merge_notice(merged: &[PackageMerged]) -> String {
    let mut text = t!(
        "packages.merge_done",
        n = merged.len(),
        changed = merged.iter().map(|m| m.changed).sum::<usize>(),
        conflicts = merged.iter().map(|m| m.conflicts.len()).sum::<usize>()
    )
    .into_owned();
    for path in merged.iter().flat_map(|m| &m.conflicts).take(20) {
        text.push_str(&format!("\n  {path}"));
    }
    text
}
