//! The workspace's keys: the keymap's actions, the schema's class and label
//! hotkeys, and the class picker.

use super::*;

impl Workspace {
    pub(super) fn handle_action(&mut self, action: Action) {
        match action {
            Action::PrevItem => self.step(-1),
            Action::NextItem => self.step(1),
            Action::DoneAndNext if self.canvas_busy() => self.canvas.queue_key(ToolKey::Finish),
            Action::DoneAndNext => self.done_and_next(),
            Action::CopyPrevAnnotations => self.copy_previous_annotations(),
            Action::Undo => self.undo(),
            Action::Redo => self.redo(),
            Action::Delete if self.canvas_busy() || self.vertex_selected() => {
                self.canvas.queue_key(ToolKey::Delete)
            }
            Action::Delete => self.delete_selected(),
            Action::BoxTool => self.set_tool(Tool::Box),
            Action::SelectTool => self.set_tool(Tool::Select),
            Action::RotatedBoxTool => self.set_tool(Tool::RotatedBox),
            Action::PolygonTool => self.set_tool(Tool::Polygon),
            Action::PolylineTool => self.set_tool(Tool::Polyline),
            Action::KeypointsTool => self.set_tool(Tool::Keypoints),
            Action::RotateLeft => self.canvas.queue_key(ToolKey::Rotate(-1.0)),
            Action::RotateRight => self.canvas.queue_key(ToolKey::Rotate(1.0)),
            Action::RotateLeftFast => self.canvas.queue_key(ToolKey::Rotate(-15.0)),
            Action::RotateRightFast => self.canvas.queue_key(ToolKey::Rotate(15.0)),
            Action::CycleVisibility => self.canvas.queue_key(ToolKey::CycleVisibility),
            Action::Fit => self.canvas.fit_pending = true,
            Action::ZoomIn => self.canvas.zoom_centre(1.25),
            Action::ZoomOut => self.canvas.zoom_centre(0.8),
            Action::AcceptProposal => self.accept_selected_proposal(),
            Action::RejectProposal => self.reject_selected_proposal(),
            Action::AcceptProposalsAbove => self.accept_proposals_above(),
            Action::Deselect if self.canvas_busy() || self.vertex_selected() => {
                self.canvas.queue_key(ToolKey::Cancel)
            }
            Action::Deselect
                if self.gallery.opened_from_grid
                    && self.selected.is_none()
                    && self.selected_proposal.is_none()
                    && self.text.selected.is_none() =>
            {
                self.gallery.return_to_grid();
            }
            Action::ToggleGallery => self.toggle_gallery(),
            // The grid's own; see `grid_action`.
            Action::SelectAll | Action::SubmitSelection => {}
            Action::Deselect => {
                self.selected = None;
                self.selected_proposal = None;
                self.text.reset();
            }
            // The app's: help and the dashboard are its windows, the reading
            // size is a setting, the models are its AI menu's.
            Action::ToggleHelp
            | Action::ToggleDashboard
            | Action::RunModel
            | Action::RunModelBatch
            | Action::ReadingLarger
            | Action::ReadingSmaller
            | Action::ReadingReset => {}
            Action::Accept if self.reviewer => self.accept_and_next(),
            Action::Reject if self.reviewer && self.current_item().is_some() => {
                self.rejecting = Some(String::new());
            }
            Action::ClassPicker => self.open_picker(PickerMode::Classes),
            Action::LabelPicker => self.open_picker(PickerMode::Labels),
            Action::ToggleGolden if self.reviewer => self.toggle_golden(),
            Action::Accept | Action::Reject | Action::ToggleGolden => {}
        }
    }

    /// Opens the class picker, on the image labels when the project has no
    /// classes (a classification project) and the other way round.
    pub fn open_picker(&mut self, mode: PickerMode) {
        let schema = self.project.schema();
        let (has_classes, has_labels) =
            (!schema.classes.is_empty(), !schema.image_labels.is_empty());
        let mode = match mode {
            PickerMode::Classes if !has_classes && has_labels => PickerMode::Labels,
            PickerMode::Labels if !has_labels => PickerMode::Classes,
            mode => mode,
        };
        self.picker = Some(ClassPicker::new(mode, self.is_text()));
    }

    /// A frame of the open picker; applies what it picked.
    pub(super) fn picker_ui(&mut self, ctx: &egui::Context) {
        let Some(picker) = &mut self.picker else {
            return;
        };
        self.pick_lists
            .refresh(self.project.schema(), self.project.revision());
        let outcome = picker.show(ctx, &self.pick_lists, self.project.schema(), &self.recent);
        match outcome {
            None => {}
            Some(PickerOutcome::Close) => self.picker = None,
            Some(PickerOutcome::Apply(picked)) => {
                self.picker = None;
                match picked {
                    Picked::Class(class) => self.pick_class(class),
                    Picked::Label(label) => self.toggle_image_label(label),
                }
            }
        }
    }

    /// Class and image-label hotkeys from the schema, consumed from the input.
    pub(super) fn schema_hotkeys(&mut self, ctx: &egui::Context) {
        let pressed = |key: Option<&str>| {
            key.and_then(|k| k.parse::<Shortcut>().ok())
                .is_some_and(|sc| ctx.input_mut(|i| i.consume_shortcut(&sc.to_keyboard_shortcut())))
        };
        let schema = self.project.schema().clone();
        for class in &schema.classes {
            if pressed(class.hotkey.as_deref()) {
                self.pick_class(class.id);
            }
        }
        for label in &schema.image_labels {
            if pressed(label.hotkey.as_deref()) {
                self.toggle_image_label(label.id);
            }
        }
    }

    /// Keys, when no text field has focus. (The document view of a text
    /// project takes focus for Shift+arrows but types nothing, so it does not
    /// count.)
    ///
    /// The open class picker takes every key: its field does not count as
    /// focused when Esc is pressed (egui drops the focus first).
    pub fn handle_keys(&mut self, ctx: &egui::Context, keymap: &KeyMap) -> Vec<Action> {
        if ctx.text_edit_focused() || self.picker.is_some() {
            return Vec::new();
        }
        let (tool, selected) = (self.tool, self.selected);
        let visibility_key = self
            .canvas
            .wants_visibility_key(tool, selected, &self.cache.scene);
        let actions = keymap.triggered_where(ctx, |a| !a.is_contextual() || visibility_key);
        if self.gallery_open() {
            for &a in &actions {
                self.grid_action(a);
            }
            self.grid_label_keys(ctx);
            return actions;
        }
        for &a in &actions {
            self.handle_action(a);
        }
        self.schema_hotkeys(ctx);
        actions
    }
}
