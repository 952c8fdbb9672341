//! Mouse and keyboard: drag or double-click to select, click a span or its
//! tag to pick it, Shift+click, Shift+arrows / Home / End to extend from the
//! caret.

use super::state::TextViewState;
use super::{clusters, stacking, tokens};
use eframe::egui::{self, Event, Key, Modifiers, PointerButton, Pos2, Response, Vec2};

#[derive(Default)]
pub struct InputOutcome {
    pub clicked_span: Option<usize>,
    pub hovered_span: Option<usize>,
    /// The caret moved by keyboard and should be scrolled into view.
    pub caret_moved: bool,
}

/// `origin` is the screen position of content (0, 0) this frame.
pub fn handle(
    ui: &egui::Ui,
    response: &Response,
    state: &mut TextViewState,
    placed: &[stacking::PlacedSpan],
    origin: Pos2,
    snap_to_token: bool,
) -> InputOutcome {
    let mut out = InputOutcome::default();
    let to_content = |p: Pos2| p - origin.to_vec2();
    if let Some(pos) = response.hover_pos() {
        out.hovered_span = span_at(state, placed, to_content(pos));
    }
    pointer(
        ui,
        response,
        state,
        placed,
        to_content,
        snap_to_token,
        &mut out,
    );
    if response.has_focus() {
        ui.memory_mut(|m| {
            m.set_focus_lock_filter(
                response.id,
                egui::EventFilter {
                    horizontal_arrows: true,
                    escape: true,
                    ..Default::default()
                },
            )
        });
        out.caret_moved = keyboard(ui, state, snap_to_token);
    }
    out
}

fn span_at(state: &TextViewState, placed: &[stacking::PlacedSpan], pos: Pos2) -> Option<usize> {
    // Tags are from the last frame: only trust one whose span is still there.
    let tag = state.tag_hits.iter().rev().find(|t| t.rect.contains(pos));
    if let Some(tag) = tag
        && placed
            .iter()
            .any(|p| p.index == tag.span && p.range.start == tag.start)
    {
        return Some(tag.span);
    }
    let index = state.layout.char_at(pos)?;
    stacking::smallest_at(placed, index)
}

fn pointer(
    ui: &egui::Ui,
    response: &Response,
    state: &mut TextViewState,
    placed: &[stacking::PlacedSpan],
    to_content: impl Fn(Pos2) -> Pos2,
    snap_to_token: bool,
    out: &mut InputOutcome,
) {
    let layout = &state.layout;
    if response.drag_started_by(PointerButton::Primary) {
        let press = ui.input(|i| i.pointer.press_origin());
        if let (Some(press), Some(now)) = (press, response.interact_pointer_pos()) {
            state.selection.anchor = Some(layout.boundary_at(to_content(press)));
            state.selection.cursor = layout.boundary_at(to_content(now));
            state.selecting = true;
            response.request_focus();
        }
    } else if state.selecting
        && response.dragged_by(PointerButton::Primary)
        && let Some(now) = response.interact_pointer_pos()
    {
        state.selection.cursor = layout.boundary_at(to_content(now));
        autoscroll(ui, response, now);
    }
    if state.selecting && response.drag_stopped() {
        state.selecting = false;
        if snap_to_token && let Some(range) = state.selection.range(&layout.doc.chars, true) {
            state.selection.set_keeping_direction(range);
        }
    }

    if response.double_clicked_by(PointerButton::Primary) {
        if let Some(pos) = response.interact_pointer_pos() {
            let pos = to_content(pos);
            let index = layout
                .char_at(pos)
                .unwrap_or_else(|| layout.boundary_at(pos));
            let token = tokens::token_at(&layout.doc.chars, index);
            state.selection.anchor = Some(token.start);
            state.selection.cursor = token.end;
        }
    } else if response.clicked_by(PointerButton::Primary) {
        response.request_focus();
        if let Some(pos) = response.interact_pointer_pos() {
            let pos = to_content(pos);
            let boundary = state.layout.boundary_at(pos);
            if shift_held_on_release(ui) {
                // Shift+click extends the selection from the caret.
                let caret = state.selection.cursor;
                state.selection.anchor.get_or_insert(caret);
            } else {
                out.clicked_span = span_at(state, placed, pos);
                state.selection.anchor = None;
            }
            state.selection.cursor = boundary;
        }
    }
}

/// Whether Shift was down when the primary button was released (the event
/// says so even if Shift was let go in the same frame).
fn shift_held_on_release(ui: &egui::Ui) -> bool {
    ui.input(|i| {
        i.modifiers.shift
            || i.events.iter().any(|e| {
                matches!(e, Event::PointerButton {
                    button: PointerButton::Primary,
                    pressed: false,
                    modifiers,
                    ..
                } if modifiers.shift)
            })
    })
}

/// Dragging past the top or bottom edge scrolls the text.
fn autoscroll(ui: &egui::Ui, response: &Response, pointer: Pos2) {
    let rect = response.rect;
    let dy = if pointer.y < rect.top() {
        pointer.y - rect.top()
    } else if pointer.y > rect.bottom() {
        pointer.y - rect.bottom()
    } else {
        return;
    };
    ui.scroll_with_delta(Vec2::new(0.0, -dy.clamp(-40.0, 40.0)));
    ui.ctx().request_repaint();
}

/// Returns whether the caret moved.
fn keyboard(ui: &egui::Ui, state: &mut TextViewState, snap_to_token: bool) -> bool {
    let events = ui.input(|i| i.events.clone());
    let mut moved = false;
    for event in events {
        let Event::Key {
            key,
            pressed: true,
            modifiers,
            ..
        } = event
        else {
            continue;
        };
        moved |= key_press(state, key, modifiers, snap_to_token);
    }
    moved
}

fn key_press(state: &mut TextViewState, key: Key, modifiers: Modifiers, snap: bool) -> bool {
    let chars = &state.layout.doc.chars;
    let sel = &mut state.selection;
    let caret = sel.cursor.min(chars.len());
    let target = match key {
        Key::ArrowRight if snap => tokens::next_token_boundary(chars, caret),
        Key::ArrowRight => clusters::next_boundary(chars, caret),
        Key::ArrowLeft if snap => tokens::previous_token_boundary(chars, caret),
        Key::ArrowLeft => clusters::previous_boundary(chars, caret),
        Key::Home if modifiers.command => 0,
        Key::End if modifiers.command => chars.len(),
        Key::Home => state.layout.row_range(caret).start,
        Key::End => state.layout.row_range(caret).end,
        Key::A if modifiers.command => {
            sel.anchor = Some(0);
            sel.cursor = chars.len();
            return false;
        }
        Key::Escape => {
            sel.anchor = None;
            return false;
        }
        _ => return false,
    };
    if modifiers.shift {
        sel.anchor.get_or_insert(caret);
    } else {
        sel.anchor = None;
    }
    sel.cursor = target;
    true
}
