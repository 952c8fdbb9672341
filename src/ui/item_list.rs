//! The item list: every item with its status, filtered by status, class,
//! annotator and how recently it changed.
//! Virtualised with `ScrollArea::show_rows`, so 100k items cost only the visible rows.

use super::theme;
use crate::model::{ItemId, ItemStatus};
use crate::project::{ItemQuery, Project, ProjectKind, StatusFilter};
use eframe::egui::{self, RichText};
use rust_i18n::t;
use std::collections::HashMap;

/// How recently an item must have changed to be listed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Recency {
    #[default]
    Any,
    LastHour,
    LastDay,
    LastWeek,
}

impl Recency {
    const ALL: [Recency; 4] = [
        Recency::Any,
        Recency::LastHour,
        Recency::LastDay,
        Recency::LastWeek,
    ];

    fn window_ms(self) -> Option<i64> {
        const HOUR: i64 = 3_600_000;
        match self {
            Recency::Any => None,
            Recency::LastHour => Some(HOUR),
            Recency::LastDay => Some(24 * HOUR),
            Recency::LastWeek => Some(7 * 24 * HOUR),
        }
    }

    fn name(self) -> std::borrow::Cow<'static, str> {
        match self {
            Recency::Any => t!("filter.any_time"),
            Recency::LastHour => t!("filter.last_hour"),
            Recency::LastDay => t!("filter.last_day"),
            Recency::LastWeek => t!("filter.last_week"),
        }
    }
}

#[derive(Default)]
pub struct ItemList {
    pub filter: ItemQuery,
    /// The choice behind `filter.changed_since_ms`, fixed when it is made.
    recency: Recency,
    /// Positions in `project.items()` that pass the filter, and what they were
    /// computed for.
    visible: Vec<usize>,
    computed_for: Option<(ItemQuery, u64, usize)>,
    pub scroll_to_current: bool,
    /// Everyone who annotated, and the project revision they were read at:
    /// reading them scans every box, so not every frame the menu is open.
    annotators: Option<(u64, Vec<String>)>,
    /// The opening words of text items shown so far, read as rows scroll in.
    previews: HashMap<ItemId, String>,
}

/// Characters of a text shown in its row.
const PREVIEW_CHARS: usize = 40;
/// Previews kept before the cache starts over.
const MAX_PREVIEWS: usize = 10_000;

/// The start of a text on one line.
fn preview(text: &str) -> String {
    let mut line: String = text
        .chars()
        .take(PREVIEW_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(PREVIEW_CHARS).is_some() {
        line.push('…');
    }
    line
}

pub fn status_name(status: ItemStatus) -> std::borrow::Cow<'static, str> {
    match status {
        ItemStatus::New => t!("status.new"),
        ItemStatus::InProgress => t!("status.in_progress"),
        ItemStatus::Submitted => t!("status.submitted"),
        ItemStatus::Accepted => t!("status.accepted"),
        ItemStatus::Rejected => t!("status.rejected"),
    }
}

impl ItemList {
    /// The positions that pass the filter, recomputed when the filter, the project
    /// or the item count changes.
    pub fn visible(&mut self, project: &Project) -> &[usize] {
        let key = (
            self.filter.clone(),
            project.revision(),
            project.items().len(),
        );
        if self.computed_for.as_ref() != Some(&key) {
            self.visible = project.query_items(&self.filter).unwrap_or_default();
            self.computed_for = Some(key);
        }
        &self.visible
    }

    fn filter_ui(&mut self, ui: &mut egui::Ui, project: &Project) {
        let status_text = |f: StatusFilter| match f {
            StatusFilter::All => t!("filter.all"),
            StatusFilter::Is(s) => status_name(s),
            StatusFilter::Broken => t!("status.broken"),
        };
        ui.horizontal(|ui| {
            egui::ComboBox::from_label(t!("filter.status"))
                .selected_text(status_text(self.filter.status))
                .show_ui(ui, |ui| {
                    let mut options = vec![StatusFilter::All];
                    options.extend(ItemStatus::ALL.map(StatusFilter::Is));
                    options.push(StatusFilter::Broken);
                    for f in options {
                        ui.selectable_value(&mut self.filter.status, f, status_text(f));
                    }
                });
        });
        ui.horizontal(|ui| {
            let current = self
                .filter
                .class
                .and_then(|c| project.schema().class(c))
                .map(|c| c.name.clone())
                .unwrap_or_else(|| t!("filter.all").into_owned());
            egui::ComboBox::from_label(t!("filter.class"))
                .selected_text(current)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter.class, None, t!("filter.all"));
                    for c in &project.schema().classes {
                        ui.selectable_value(&mut self.filter.class, Some(c.id), &c.name);
                    }
                });
        });
        ui.horizontal(|ui| {
            let current = self
                .filter
                .annotator
                .clone()
                .unwrap_or_else(|| t!("filter.all").into_owned());
            egui::ComboBox::from_label(t!("filter.annotator"))
                .selected_text(current)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter.annotator, None, t!("filter.all"));
                    let revision = project.revision();
                    if self.annotators.as_ref().is_none_or(|(r, _)| *r != revision) {
                        let names = project.annotators().unwrap_or_default();
                        self.annotators = Some((revision, names));
                    }
                    for name in self.annotators.iter().flat_map(|(_, names)| names) {
                        let value = Some(name.clone());
                        ui.selectable_value(&mut self.filter.annotator, value, name);
                    }
                });
        });
        if project.kind() == ProjectKind::Images {
            ui.checkbox(&mut self.filter.with_proposals, t!("filter.with_proposals"));
        }
        ui.horizontal(|ui| {
            let before = self.recency;
            egui::ComboBox::from_label(t!("filter.changed"))
                .selected_text(self.recency.name())
                .show_ui(ui, |ui| {
                    for r in Recency::ALL {
                        ui.selectable_value(&mut self.recency, r, r.name());
                    }
                });
            if self.recency != before {
                self.filter.changed_since_ms = self
                    .recency
                    .window_ms()
                    .map(|w| crate::project::now_ms() - w);
            }
        });
    }

    /// Shows the list; returns the position of a clicked item.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        current: Option<usize>,
    ) -> Option<usize> {
        ui.heading(match project.kind() {
            ProjectKind::Images => t!("panel.items"),
            ProjectKind::Text => t!("panel.texts"),
        });
        self.filter_ui(ui, project);
        self.visible(project);
        let visible = &self.visible;
        ui.label(RichText::new(format!("{} / {}", visible.len(), project.items().len())).weak());
        ui.separator();
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        let mut clicked = None;
        let mut area = egui::ScrollArea::vertical().auto_shrink([false, false]);
        if self.scroll_to_current {
            if let Some(row) = current.and_then(|c| visible.binary_search(&c).ok()) {
                let spacing = ui.spacing().item_spacing.y;
                let target = row as f32 * (row_height + spacing);
                area = area.vertical_scroll_offset((target - 200.0).max(0.0));
            }
            self.scroll_to_current = false;
        }
        let text = project.kind() == ProjectKind::Text;
        if self.previews.len() > MAX_PREVIEWS {
            self.previews.clear();
        }
        let previews = &mut self.previews;
        area.show_rows(ui, row_height, visible.len(), |ui, range| {
            for &pos in &visible[range] {
                let item = &project.items()[pos];
                let caption = if text {
                    previews
                        .entry(item.id)
                        .or_insert_with(|| match project.text(item.id) {
                            Ok(Some(doc)) => preview(&doc.text),
                            _ => item.rel_path.clone(),
                        })
                        .as_str()
                } else {
                    item.rel_path.as_str()
                };
                let (dot, tip) = if item.is_broken() {
                    (
                        ui.visuals().error_fg_color,
                        item.error.clone().unwrap_or_default(),
                    )
                } else {
                    (
                        theme::status_color(item.status),
                        status_name(item.status).into_owned(),
                    )
                };
                ui.horizontal(|ui| {
                    ui.label(RichText::new("●").color(dot)).on_hover_text(tip);
                    let name = if item.is_broken() {
                        RichText::new(caption).color(ui.visuals().error_fg_color)
                    } else {
                        RichText::new(caption)
                    };
                    let row = ui.selectable_label(Some(pos) == current, name);
                    let row = if text {
                        row.on_hover_text(&item.rel_path)
                    } else {
                        row
                    };
                    if row.clicked() {
                        clicked = Some(pos);
                    }
                });
            }
        });
        clicked
    }
}

#[cfg(test)]
mod tests {
    use super::preview;

    #[test]
    fn a_preview_is_one_line_of_the_opening_characters() {
        assert_eq!(preview("贵州\r\n猕猴桃"), "贵州  猕猴桃");
        let long = "字".repeat(50);
        assert_eq!(preview(&long), format!("{}…", "字".repeat(40)));
        assert_eq!(preview(""), "");
    }
}
