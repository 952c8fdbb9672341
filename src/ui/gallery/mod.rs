//! The gallery: the filtered items as a grid of thumbnails, to review hundreds at a
//! glance and act on many at once.
//!
//! - Virtualised: only the tiles in view are laid out, read and painted
//!   ([`GridLayout::visible`]), so 100k items cost what 200 do.
//! - Thumbnails come from the project's disk cache (`cache/thumbnails/`, made there
//!   when missing) through an [`ImageLoader`] of its own with a bounded texture
//!   budget; tiles are requested farthest from the middle of the view first, so the
//!   loader's newest-first queue serves the nearest first.
//! - Selection ([`selection`]): click, Ctrl-click, Shift-click, rubber band, Ctrl+A.
//!   Bulk actions ([`bulk`]) are each one `Edit::Batch`: one undo step.
//! - The arrow keys move the focus (with Shift, extending the selection), and the
//!   grid scrolls to it.
//! - Enter or a double click opens the item in the single view; Esc there comes back
//!   to the grid where it was.

mod bulk;
mod layout;
mod selection;
mod tile;
mod workspace_actions;

pub use layout::{DEFAULT_TILE, GridLayout, MAX_TILE, MIN_TILE};
pub use selection::{ClickKeys, Selection};
pub use tile::TileFacts;

use crate::jobs::thumbnails::project_cache;
use crate::media::{ImageLoader, LoadState};
use crate::model::{ItemId, LabelId};
use crate::project::Project;
use eframe::egui::{self, Pos2, Rect, Sense, Stroke};
use rust_i18n::t;
use std::collections::HashMap;

/// Texture memory for thumbnails: ~400 tiles of 256×144, twice a full screen of
/// the smallest tiles.
const THUMBNAIL_BUDGET: usize = 64 << 20;
/// Tile facts kept before the table starts over (a long scroll through 100k items).
const MAX_FACTS: usize = 4_096;

/// What the grid asks the workspace to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GridCommand {
    /// Open the item at this position in the single view.
    Open(usize),
    /// Set, or clear from all, an image label on the selection.
    ToggleLabel(LabelId),
    Submit,
    Accept,
    /// Ask for the reason, then reject the selection.
    Reject,
}

/// The grid's state, kept while the single view is shown.
pub struct Gallery {
    /// The grid is shown instead of the single view.
    pub open: bool,
    /// The single view was opened from the grid: Esc goes back.
    pub opened_from_grid: bool,
    /// Tile side in points.
    pub tile: f32,
    pub selection: Selection,
    /// The item Enter opens: the last one clicked.
    pub focus: Option<usize>,
    scroll_top: f32,
    restore_scroll: bool,
    /// Where a rubber band started, in grid coordinates.
    band_from: Option<Pos2>,
    thumbnails: Option<ImageLoader>,
    facts: HashMap<ItemId, TileFacts>,
    facts_revision: u64,
    /// The tiles drawn last frame: item position and screen rectangle.
    tiles: Vec<(usize, Rect)>,
    /// How many of them had their thumbnail.
    ready_tiles: usize,
    /// Tiles a row in the last frame: how far ↑ and ↓ move.
    columns: usize,
    /// The focused tile moved by a key: scroll it into view.
    scroll_to_focus: bool,
}

impl Default for Gallery {
    fn default() -> Self {
        Gallery {
            open: false,
            opened_from_grid: false,
            tile: DEFAULT_TILE,
            selection: Selection::default(),
            focus: None,
            scroll_top: 0.0,
            restore_scroll: false,
            band_from: None,
            thumbnails: None,
            facts: HashMap::new(),
            facts_revision: 0,
            tiles: Vec::new(),
            ready_tiles: 0,
            columns: 1,
            scroll_to_focus: false,
        }
    }
}

impl Gallery {
    /// Back to the grid from the single view, scrolled where it was.
    pub fn return_to_grid(&mut self) {
        self.open = true;
        self.opened_from_grid = false;
        self.restore_scroll = true;
    }

    /// The tiles drawn in the last frame: each item's position in the project's item
    /// list and its rectangle on screen.
    pub fn tiles(&self) -> &[(usize, Rect)] {
        &self.tiles
    }

    /// Moves the focus `step` tiles through `shown` (from the first tile when
    /// none has it), selecting the tile reached, or with `extend` the range from
    /// the selection's anchor to it; the grid scrolls to it.
    pub fn move_focus(&mut self, step: isize, extend: bool, shown: &[usize]) {
        let Some(last) = shown.len().checked_sub(1) else {
            return;
        };
        let to = match self.focus.and_then(|f| shown.iter().position(|&p| p == f)) {
            // Up from the first row stays; down past the last row ends on the last tile.
            Some(at) => at.checked_add_signed(step).unwrap_or(at).min(last),
            None => 0,
        };
        let keys = ClickKeys {
            toggle: false,
            range: extend,
        };
        self.selection.click(shown[to], keys, shown);
        self.focus = Some(shown[to]);
        self.scroll_to_focus = true;
    }

    /// Tiles a row, as last drawn.
    pub fn columns(&self) -> usize {
        self.columns
    }

    /// How many tiles of the last frame showed their thumbnail.
    pub fn thumbnails_ready(&self) -> usize {
        self.ready_tiles
    }

    /// The facts of `item` at the project's revision, read if needed.
    fn facts_of(&mut self, project: &Project, position: usize) -> Option<&TileFacts> {
        if self.facts_revision != project.revision() || self.facts.len() > MAX_FACTS {
            self.facts.clear();
            self.facts_revision = project.revision();
        }
        let item = project.items().get(position)?;
        Some(
            self.facts
                .entry(item.id)
                .or_insert_with(|| TileFacts::read(project, item).unwrap_or_default()),
        )
    }

    /// Draws the grid of `shown` (positions in the project's item list, the item
    /// list's filter applied) and returns what the user asked for.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        shown: &[usize],
        reviewer: bool,
    ) -> Option<GridCommand> {
        let mut command = self.toolbar(ui, project, reviewer);
        self.selection.keep_only(shown);
        // Ctrl+wheel: tile size.
        if ui.ui_contains_pointer() {
            let zoom = ui.input(|i| i.zoom_delta());
            if zoom != 1.0 {
                self.tile = (self.tile * zoom).clamp(MIN_TILE, MAX_TILE);
            }
        }
        if self.thumbnails.is_none() {
            let cache = project_cache(project.dir());
            self.thumbnails = Some(ImageLoader::thumbnails(
                ui.ctx().clone(),
                THUMBNAIL_BUDGET,
                cache,
            ));
        }
        let mut area = egui::ScrollArea::vertical()
            .id_salt("gallery_grid")
            .scroll_source(egui::scroll_area::ScrollSource {
                drag: egui::scroll_area::DragScroll::Never,
                ..egui::scroll_area::ScrollSource::ALL
            })
            .auto_shrink([false, false]);
        if std::mem::take(&mut self.restore_scroll) {
            area = area.vertical_scroll_offset(self.scroll_top);
        }
        if !ui.ctx().text_edit_focused() {
            // ↑ and ↓ by a row (← and → are the keymap's previous and next).
            let columns = self.columns.max(1) as isize;
            for (key, step) in [
                (egui::Key::ArrowUp, -columns),
                (egui::Key::ArrowDown, columns),
            ] {
                // Shift first: a pattern without Shift also matches a press with it.
                for (modifiers, extend) in [
                    (egui::Modifiers::SHIFT, true),
                    (egui::Modifiers::NONE, false),
                ] {
                    if ui.input_mut(|i| i.consume_key(modifiers, key)) {
                        self.move_focus(step, extend, shown);
                    }
                }
            }
        }
        let width = ui.available_width();
        let layout = GridLayout::new(width, self.tile, shown.len());
        self.columns = layout.columns;
        self.tiles.clear();
        self.ready_tiles = 0;
        let output = area.show_viewport(ui, |ui, viewport| {
            ui.set_min_size(egui::vec2(width, layout.height()));
            let origin = ui.min_rect().min;
            let grid_rect = Rect::from_min_size(origin, egui::vec2(width, layout.height()));
            let response = ui.interact(
                grid_rect,
                ui.scope_id().with("tiles"),
                Sense::click_and_drag(),
            );
            if std::mem::take(&mut self.scroll_to_focus)
                && let Some(index) = self.focus.and_then(|f| shown.iter().position(|&p| p == f))
            {
                let (x, y) = layout.corner(index);
                let rect =
                    Rect::from_min_size(origin + egui::vec2(x, y), egui::Vec2::splat(layout.tile));
                ui.scroll_to_rect(rect, None);
            }
            let range = layout.visible(viewport.min.y, viewport.height());
            self.request_thumbnails(project, shown, &range, &layout, viewport);
            let painter = ui.painter_at(ui.clip_rect());
            for index in range.clone() {
                let Some(&position) = shown.get(index) else {
                    break;
                };
                let Some(item) = project.items().get(position) else {
                    continue;
                };
                let (x, y) = layout.corner(index);
                let rect =
                    Rect::from_min_size(origin + egui::vec2(x, y), egui::Vec2::splat(layout.tile));
                let texture = match self.thumbnails.as_mut().map(|t| t.peek(item.id.0 as u64)) {
                    Some(Some(LoadState::Ready { texture, .. })) => Some(texture),
                    _ => None,
                };
                let selected = self.selection.contains(position);
                let focused = self.focus == Some(position);
                let facts = self.facts_of(project, position).cloned();
                let look = tile::TileLook {
                    item,
                    facts: facts.as_ref(),
                    texture: texture.as_ref(),
                    selected,
                    focused,
                };
                tile::paint(&painter, rect, &look, project.schema());
                self.tiles.push((position, rect));
                self.ready_tiles += usize::from(texture.is_some());
            }
            command = command.or(self.pointer(ui, &response, origin, &layout, shown));
        });
        self.scroll_top = output.state.clamped_offset().y;
        command
    }

    /// Requests the thumbnails in view, the nearest to the middle last (served first).
    fn request_thumbnails(
        &mut self,
        project: &Project,
        shown: &[usize],
        range: &std::ops::Range<usize>,
        layout: &GridLayout,
        viewport: Rect,
    ) {
        let Some(loader) = self.thumbnails.as_mut() else {
            return;
        };
        let middle = viewport.center();
        let mut order: Vec<(f32, usize)> = range
            .clone()
            .filter_map(|index| {
                let (x, y) = layout.corner(index);
                let d = Pos2::new(x + layout.tile / 2.0, y + layout.tile / 2.0).distance_sq(middle);
                shown.get(index).map(|&p| (d, p))
            })
            .collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, position) in order {
            if let Some(item) = project.items().get(position).filter(|i| !i.is_broken()) {
                loader.request(item.id.0 as u64, project.item_path(item));
            }
        }
    }

    /// Clicks, double clicks and the rubber band.
    fn pointer(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        origin: Pos2,
        layout: &GridLayout,
        shown: &[usize],
    ) -> Option<GridCommand> {
        let modifiers = ui.input(|i| i.modifiers);
        let keys = ClickKeys {
            toggle: modifiers.command,
            range: modifiers.shift,
        };
        let at = |p: Pos2| layout.at(p.x - origin.x, p.y - origin.y);
        if response.drag_started()
            && let Some(p) = response.interact_pointer_pos()
        {
            self.band_from = Some(Pos2::new(p.x - origin.x, p.y - origin.y));
        }
        if let (Some(from), Some(p)) = (self.band_from, response.interact_pointer_pos())
            && response.dragged()
        {
            let to = Pos2::new(p.x - origin.x, p.y - origin.y);
            let touched: Vec<usize> = layout
                .touched_by((from.x, from.y), (to.x, to.y))
                .into_iter()
                .filter_map(|i| shown.get(i).copied())
                .collect();
            self.selection.band(&touched, keys.toggle);
            let band = Rect::from_two_pos(origin + from.to_vec2(), origin + to.to_vec2());
            ui.painter().rect(
                band,
                0.0,
                crate::ui::theme::SELECTION_COLOR.gamma_multiply(0.15),
                Stroke::new(1.0, crate::ui::theme::SELECTION_COLOR),
                egui::StrokeKind::Inside,
            );
        }
        if response.drag_stopped() {
            self.band_from = None;
            self.selection.end_band();
        }
        let clicked_item = response
            .interact_pointer_pos()
            .and_then(at)
            .and_then(|i| shown.get(i).copied());
        if response.double_clicked()
            && let Some(position) = clicked_item
        {
            return Some(GridCommand::Open(position));
        }
        if response.clicked() {
            match clicked_item {
                Some(position) => {
                    self.selection.click(position, keys, shown);
                    self.focus = Some(position);
                }
                None if !keys.toggle && !keys.range => self.selection.clear(),
                None => {}
            }
        }
        None
    }

    /// The bar above the grid: what is selected and the bulk actions' buttons.
    fn toolbar(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        reviewer: bool,
    ) -> Option<GridCommand> {
        let mut command = None;
        ui.horizontal_wrapped(|ui| {
            ui.label(t!("gallery.selected", n = self.selection.len()));
            let any = !self.selection.is_empty();
            for label in &project.schema().image_labels {
                let text = match &label.hotkey {
                    Some(key) => format!("{} ({key})", label.name),
                    None => label.name.clone(),
                };
                if ui.add_enabled(any, egui::Button::new(text)).clicked() {
                    command = Some(GridCommand::ToggleLabel(label.id));
                }
            }
            ui.separator();
            if ui
                .add_enabled(any, egui::Button::new(t!("gallery.submit")))
                .clicked()
            {
                command = Some(GridCommand::Submit);
            }
            if reviewer {
                if ui
                    .add_enabled(any, egui::Button::new(t!("gallery.accept")))
                    .clicked()
                {
                    command = Some(GridCommand::Accept);
                }
                if ui
                    .add_enabled(any, egui::Button::new(t!("review.reject")))
                    .clicked()
                {
                    command = Some(GridCommand::Reject);
                }
            }
        });
        command
    }
}
