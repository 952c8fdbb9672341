//! The class picker: for projects with more classes than digit keys. A key
//! opens it over the workspace; typing filters the classes by name or pinyin
//! (`filter`), the arrow keys choose, Enter applies the class to the selection
//! and to the next shape, Esc closes. Its second mode does the same for image
//! labels (document classes in a text project).

pub mod filter;

use super::settings::RecentPicks;
use super::theme;
use crate::model::{ClassId, LabelId, LabelSchema};
use eframe::egui::{self, Align2, Color32, Key, Modifiers, RichText, Sense, Vec2};
use filter::{Hit, PickList};
use rust_i18n::t;
use std::hash::{Hash, Hasher};

/// What the picker chooses from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerMode {
    /// Box classes (span classes in a text project).
    Classes,
    /// Image labels (document classes in a text project).
    Labels,
}

/// A class or label the annotator chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picked {
    Class(ClassId),
    Label(LabelId),
}

/// How a frame of the picker ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerOutcome {
    Apply(Picked),
    Close,
}

/// The schema's names with their pinyin, rebuilt only when the names change.
#[derive(Default)]
pub struct PickLists {
    /// The project revision last checked, and the names it had.
    checked: Option<(u64, u64)>,
    classes: Option<PickList<Picked>>,
    labels: Option<PickList<Picked>>,
    /// How many times the pinyin was worked out.
    builds: usize,
}

/// What the lists depend on: ids and names, in order.
fn names_fingerprint(schema: &LabelSchema) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for class in &schema.classes {
        (class.id, &class.name).hash(&mut hasher);
    }
    0xff_u8.hash(&mut hasher);
    for label in &schema.image_labels {
        (label.id, &label.name).hash(&mut hasher);
    }
    hasher.finish()
}

impl PickLists {
    /// Brings the lists up to date with `schema`. Cheap when nothing
    /// changed: the names are only looked at when the project's revision
    /// moves, and the pinyin only worked out again when they differ.
    pub fn refresh(&mut self, schema: &LabelSchema, revision: u64) {
        if self.checked.is_some_and(|(r, _)| r == revision) && self.classes.is_some() {
            return;
        }
        let fingerprint = names_fingerprint(schema);
        let same = self.checked.is_some_and(|(_, f)| f == fingerprint);
        self.checked = Some((revision, fingerprint));
        if same && self.classes.is_some() {
            return;
        }
        self.builds += 1;
        self.classes = Some(PickList::new(
            schema
                .classes
                .iter()
                .map(|c| (Picked::Class(c.id), c.name.as_str())),
        ));
        self.labels = Some(PickList::new(
            schema
                .image_labels
                .iter()
                .map(|l| (Picked::Label(l.id), l.name.as_str())),
        ));
    }

    fn find(&self, mode: PickerMode, query: &str, recent: &RecentPicks) -> Vec<Hit<Picked>> {
        let (list, recent): (_, Vec<Picked>) = match mode {
            PickerMode::Classes => (
                &self.classes,
                recent.classes.iter().map(|c| Picked::Class(*c)).collect(),
            ),
            PickerMode::Labels => (
                &self.labels,
                recent.labels.iter().map(|l| Picked::Label(*l)).collect(),
            ),
        };
        list.as_ref()
            .map(|l| l.find(query, &recent))
            .unwrap_or_default()
    }
}

const ROW_HEIGHT: f32 = 24.0;
const LIST_HEIGHT: f32 = 360.0;
const WIDTH: f32 = 440.0;
/// Rows PageUp/PageDown move by.
const PAGE: usize = 10;

/// The open picker.
pub struct ClassPicker {
    pub mode: PickerMode,
    /// Whether it chooses for a text project (it then names document classes).
    text_project: bool,
    pub query: String,
    /// The row the arrow keys chose.
    pub selected: usize,
    hits: Option<Vec<Hit<Picked>>>,
    /// The list's scroll offset last frame.
    scroll: f32,
}

impl ClassPicker {
    pub fn new(mode: PickerMode, text_project: bool) -> ClassPicker {
        ClassPicker {
            mode,
            text_project,
            query: String::new(),
            selected: 0,
            hits: None,
            scroll: 0.0,
        }
    }

    /// What the current query finds, best first.
    pub fn hits(&self) -> &[Hit<Picked>] {
        self.hits.as_deref().unwrap_or_default()
    }

    fn title(&self) -> std::borrow::Cow<'static, str> {
        match (self.mode, self.text_project) {
            (PickerMode::Classes, _) => t!("picker.classes"),
            (PickerMode::Labels, false) => t!("picker.image_labels"),
            (PickerMode::Labels, true) => t!("picker.doc_classes"),
        }
    }

    /// One frame of the picker, over everything else. Returns what the
    /// annotator chose, or that they closed it.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        lists: &PickLists,
        schema: &LabelSchema,
        recent: &RecentPicks,
    ) -> Option<PickerOutcome> {
        // Taken before the query field sees them: it would move its cursor,
        // or lose focus, on these.
        let (up, down, page_up, page_down, enter, escape) = ctx.input_mut(|i| {
            let mut take = |key| i.consume_key(Modifiers::NONE, key);
            (
                take(Key::ArrowUp),
                take(Key::ArrowDown),
                take(Key::PageUp),
                take(Key::PageDown),
                take(Key::Enter),
                take(Key::Escape),
            )
        });
        if escape {
            return Some(PickerOutcome::Close);
        }
        let area = egui::Modal::default_area(egui::Id::unique("class_picker"))
            .anchor(Align2::CENTER_TOP, Vec2::new(0.0, 60.0));
        let modal = egui::Modal::new(egui::Id::unique("class_picker"))
            .area(area)
            .show(ctx, |ui| {
                ui.set_width(WIDTH);
                let title = ui.label(RichText::new(self.title()).strong());
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.query)
                            .hint_text(t!("picker.hint"))
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(title.id);
                if !field.has_focus() {
                    field.request_focus();
                }
                if field.changed() || self.hits.is_none() {
                    self.hits = Some(lists.find(self.mode, &self.query, recent));
                    self.selected = 0;
                }
                let moved = self.move_selection(up, down, page_up, page_down);
                let clicked = self.list(ui, schema, moved);
                ui.label(RichText::new(t!("picker.keys")).weak().small());
                clicked
            });
        if let Some(picked) = modal.inner {
            return Some(PickerOutcome::Apply(picked));
        }
        if enter && let Some(hit) = self.hits().get(self.selected) {
            return Some(PickerOutcome::Apply(hit.key));
        }
        modal
            .backdrop_response
            .clicked()
            .then_some(PickerOutcome::Close)
    }

    /// Moves the chosen row; returns whether it moved.
    fn move_selection(&mut self, up: bool, down: bool, page_up: bool, page_down: bool) -> bool {
        let last = self.hits().len().saturating_sub(1);
        let before = self.selected;
        if up {
            self.selected = self.selected.saturating_sub(1);
        }
        if down {
            self.selected = (self.selected + 1).min(last);
        }
        if page_up {
            self.selected = self.selected.saturating_sub(PAGE);
        }
        if page_down {
            self.selected = (self.selected + PAGE).min(last);
        }
        self.selected != before
    }

    /// The matching names, virtualised; returns a clicked one.
    fn list(&mut self, ui: &mut egui::Ui, schema: &LabelSchema, follow: bool) -> Option<Picked> {
        let hits = self.hits.take().unwrap_or_default();
        if hits.is_empty() {
            ui.label(RichText::new(t!("picker.none")).weak());
        }
        let step = ROW_HEIGHT + ui.spacing().item_spacing.y;
        // The full height at once: the area would otherwise start at the
        // size it had when last closed and grow only on the next input.
        let height = LIST_HEIGHT.min(hits.len() as f32 * step);
        let mut area = egui::ScrollArea::vertical()
            .max_height(LIST_HEIGHT)
            .min_scrolled_height(height)
            .auto_shrink([false, true]);
        if follow {
            // Keep the chosen row in view.
            let top = self.selected as f32 * step;
            let offset = if top < self.scroll {
                top
            } else if top + step > self.scroll + LIST_HEIGHT {
                top + step - LIST_HEIGHT
            } else {
                self.scroll
            };
            area = area.vertical_scroll_offset(offset);
        }
        let mut clicked = None;
        let output = area.show_rows(ui, ROW_HEIGHT, hits.len(), |ui, rows| {
            for i in rows {
                if row(ui, schema, &hits[i], i == self.selected).clicked() {
                    clicked = Some(hits[i].key);
                }
            }
        });
        self.scroll = output.state.clamped_offset().y;
        self.hits = Some(hits);
        clicked
    }
}

/// A class's or label's name, colour and hotkey.
fn describe(schema: &LabelSchema, picked: Picked) -> (&str, Option<Color32>, Option<&str>) {
    match picked {
        Picked::Class(id) => schema.class(id).map_or(("", None, None), |c| {
            (
                c.name.as_str(),
                Some(theme::class_color(c.color)),
                c.hotkey.as_deref(),
            )
        }),
        Picked::Label(id) => schema
            .image_labels
            .iter()
            .find(|l| l.id == id)
            .map_or(("", None, None), |l| {
                (l.name.as_str(), None, l.hotkey.as_deref())
            }),
    }
}

/// One row: colour, name, the pinyin the query matched, hotkey.
fn row(ui: &mut egui::Ui, schema: &LabelSchema, hit: &Hit<Picked>, chosen: bool) -> egui::Response {
    let (name, colour, hotkey) = describe(schema, hit.key);
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(Vec2::new(width, ROW_HEIGHT), Sense::click());
    response.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, chosen, name));
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let visuals = ui.visuals();
    let painter = ui.painter();
    if chosen {
        painter.rect_filled(rect, 3.0, visuals.selection.bg_fill);
    } else if response.hovered() {
        painter.rect_filled(rect, 3.0, visuals.widgets.hovered.weak_bg_fill);
    }
    let text_colour = if chosen {
        visuals.selection.stroke.color
    } else {
        visuals.text_color()
    };
    let weak = visuals.weak_text_color();
    let mid = rect.center().y;
    let mut x = rect.left() + 6.0;
    if let Some(colour) = colour {
        let swatch = egui::Rect::from_center_size(egui::pos2(x + 6.0, mid), Vec2::splat(12.0));
        painter.rect_filled(swatch, 2.0, colour);
    }
    x += 20.0;
    let font = egui::TextStyle::Body.resolve(ui.style());
    let name_rect = painter.text(
        egui::pos2(x, mid),
        Align2::LEFT_CENTER,
        name,
        font.clone(),
        text_colour,
    );
    if let Some(pinyin) = &hit.pinyin {
        painter.text(
            egui::pos2(name_rect.right() + 10.0, mid),
            Align2::LEFT_CENTER,
            pinyin,
            egui::TextStyle::Small.resolve(ui.style()),
            weak,
        );
    }
    if let Some(key) = hotkey {
        painter.text(
            egui::pos2(rect.right() - 8.0, mid),
            Align2::RIGHT_CENTER,
            key,
            egui::TextStyle::Monospace.resolve(ui.style()),
            weak,
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_rebuilt_only_when_names_change() {
        let mut schema = LabelSchema::with_classes(&["car", "行人"]);
        let mut lists = PickLists::default();
        lists.refresh(&schema, 1);
        let recent = RecentPicks::default();
        let found = |lists: &PickLists| -> Vec<Picked> {
            lists
                .find(PickerMode::Classes, "xr", &recent)
                .into_iter()
                .map(|h| h.key)
                .collect()
        };
        assert_eq!(found(&lists), vec![Picked::Class(ClassId(2))]);
        assert_eq!(lists.builds, 1);
        // A new revision with the same names keeps the lists.
        lists.refresh(&schema, 2);
        lists.refresh(&schema, 2);
        assert_eq!(lists.builds, 1);
        assert_eq!(lists.checked.map(|(r, _)| r), Some(2));
        // A renamed class is found by its new name.
        schema.classes[1].name = "小熊".into();
        lists.refresh(&schema, 3);
        assert_eq!(lists.builds, 2);
        assert!(found(&lists).is_empty());
        schema.add_image_label("夜间");
        lists.refresh(&schema, 4);
        let labels: Vec<Picked> = lists
            .find(PickerMode::Labels, "yj", &recent)
            .into_iter()
            .map(|h| h.key)
            .collect();
        assert_eq!(labels, vec![Picked::Label(LabelId(1))]);
    }
}
