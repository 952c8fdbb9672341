//! The open project: item list on the left, canvas in the centre, classes and
//! labels on the right, status bar below. Turns keys and canvas actions into edits.
//! Keys and the class picker are in `keys`, the review actions in `review_actions`.

mod keys;
mod review_actions;

use super::canvas::{
    CanvasAction, CanvasInput, CanvasState, KeypointSpec, Picture, Scene, Tool, ToolKey, kind_name,
};
use super::class_panel;
use super::class_picker::{ClassPicker, PickLists, Picked, PickerMode, PickerOutcome, filter};
use super::gallery::Gallery;
use super::item_list::ItemList;
use super::keymap::{Action, KeyMap, Shortcut};
use super::scan_report;
use super::settings::{MAX_RECENT_PICKS, RecentPicks};
use super::status_bar;
use super::team::{LEASE, TeamSession};
use super::text_pane::TextPane;
use crate::jobs::scan::{BackgroundScan, SkippedFile, broken_paths};
use crate::media::{ImageLoader, LoadState};
use crate::model::{
    Annotation, AnnotationId, ClassId, Edit, ImageLabelMode, Item, ItemId, ItemStatus, LabelId,
    NewAnnotation, NewComment, NewSpan,
};
use crate::model::{Comment, CommentTarget, Proposal, ProposalId, ShapeKind, SpanId, SpanRef};
use crate::project::{ItemQuery, LogEntry, Project, ProjectError, ProjectKind, Queue};
use eframe::egui::{self, Vec2};
use rust_i18n::t;

/// Preset reasons offered when rejecting (translation keys).
const REJECT_REASONS: [&str; 3] = [
    "review.reason_missed",
    "review.reason_wrong_class",
    "review.reason_loose",
];

/// The annotations and labels of the current item, re-read when the project
/// changes.
#[derive(Default)]
struct ItemCache {
    key: Option<(ItemId, u64)>,
    annotations: Vec<Annotation>,
    labels: Vec<LabelId>,
    comments: Vec<Comment>,
    /// Model proposals waiting for review, best score first.
    proposals: Vec<Proposal>,
    /// The item's latest edit-log entries, newest first.
    history: Vec<LogEntry>,
    /// The annotations and proposals as the canvas draws them.
    scene: Scene,
}

/// Entries of the history kept for the current item.
const HISTORY_ROWS: usize = 50;

/// An open project and everything the annotator is doing with it.
pub struct Workspace {
    pub project: Project,
    loader: ImageLoader,
    /// Position in `project.items()` of the item on screen.
    pub current: Option<usize>,
    pub canvas: CanvasState,
    /// The document view of a text project.
    pub text: TextPane,
    pub tool: Tool,
    pub selected: Option<AnnotationId>,
    /// The class of the next shape, and of the selected annotation when a digit
    /// is pressed.
    pub active_class: Option<ClassId>,
    pub items: ItemList,
    cache: ItemCache,
    pub scan: Option<BackgroundScan>,
    /// The files the last scan did not take, with why (listed on request).
    pub skipped: Vec<SkippedFile>,
    pub show_skipped: bool,
    /// The last error, shown in the status bar until the next successful action.
    pub message: Option<String>,
    /// The name typed into the class panel's "add class" field.
    pub new_class_draft: String,
    /// Reviewer mode (from the settings): accept and reject keys work.
    pub reviewer: bool,
    /// The reason being written for a rejection, while its window is open.
    pub rejecting: Option<String>,
    /// A comment being written for the selected annotation or span.
    pub comment_draft: String,
    /// The selected model proposal (an annotation and a proposal are never
    /// both selected).
    pub selected_proposal: Option<ProposalId>,
    /// Proposals scoring at least this are accepted all at once, and drawn
    /// fully; weaker ones are drawn faintly.
    pub proposal_threshold: f32,
    /// The class picker, while it is open.
    pub picker: Option<ClassPicker>,
    /// The schema's names with their pinyin, for the picker.
    pick_lists: PickLists,
    /// The classes and labels used last, most recent first (kept in the
    /// settings per project).
    pub recent: RecentPicks,
    /// Whether `recent` changed since the app last saved it.
    pub recent_changed: bool,
    /// A team project's live changes and leases.
    pub team: Option<TeamSession>,
    /// The thumbnail grid, shown instead of the single view when open.
    pub gallery: Gallery,
}

/// The proposal threshold a workspace starts with.
pub const DEFAULT_PROPOSAL_THRESHOLD: f32 = 0.5;

impl Workspace {
    pub fn new(mut project: Project, ctx: &egui::Context, texture_budget: usize) -> Self {
        let team = TeamSession::start(&project);
        // On a team project, the item this login still holds a lease on.
        let held = match &team {
            Some(_) => project
                .heartbeat(LEASE)
                .ok()
                .and_then(|h| h.first().copied()),
            None => None,
        };
        let current = held
            .or(project.current_item())
            .and_then(|id| project.position(id))
            .or(if project.items().is_empty() {
                None
            } else {
                Some(0)
            });
        let active_class = project.schema().classes.first().map(|c| c.id);
        Self {
            loader: ImageLoader::new(ctx.clone(), texture_budget),
            current,
            canvas: CanvasState::default(),
            text: TextPane::default(),
            tool: Tool::Box,
            selected: None,
            active_class,
            items: ItemList::default(),
            cache: ItemCache::default(),
            scan: None,
            skipped: Vec::new(),
            show_skipped: false,
            message: None,
            new_class_draft: String::new(),
            reviewer: false,
            rejecting: None,
            comment_draft: String::new(),
            selected_proposal: None,
            proposal_threshold: DEFAULT_PROPOSAL_THRESHOLD,
            picker: None,
            pick_lists: PickLists::default(),
            recent: RecentPicks::default(),
            recent_changed: false,
            team,
            gallery: Gallery::default(),
            project,
        }
    }

    /// Starts scanning the image root for files that aren't items yet.
    pub fn start_scan(&mut self) {
        self.scan = Some(BackgroundScan::start(self.project.image_root()));
    }

    /// Reads again, on a worker thread, the files of items that could not be
    /// read (a half-copied file may be whole now) and, when `walk`, looks for
    /// new files in the image folder. Nothing to do for a text project, a
    /// read-only one, or while a scan runs.
    pub fn start_rescan(&mut self, ctx: &egui::Context, walk: bool) {
        if self.is_text() || self.project.is_read_only() || self.scan.is_some() {
            return;
        }
        let broken = broken_paths(self.project.items());
        if broken.is_empty() && !walk {
            return;
        }
        let ctx = ctx.clone();
        let wake = move || ctx.request_repaint();
        let root = self.project.image_root();
        self.scan = Some(BackgroundScan::rescan(root, broken, walk, wake));
    }

    pub fn current_item(&self) -> Option<&Item> {
        self.current.and_then(|i| self.project.items().get(i))
    }

    /// The annotations of the current item (cached per project revision).
    pub fn annotations(&mut self) -> &[Annotation] {
        self.refresh_cache();
        &self.cache.annotations
    }

    pub fn image_labels(&mut self) -> &[LabelId] {
        self.refresh_cache();
        &self.cache.labels
    }

    /// The review comments of the current item, oldest first.
    pub fn comments(&mut self) -> &[Comment] {
        self.refresh_cache();
        &self.cache.comments
    }

    /// The current item's model proposals, best score first.
    pub fn proposals(&mut self) -> &[Proposal] {
        self.refresh_cache();
        &self.cache.proposals
    }

    /// The current item's latest changes, newest first.
    pub fn history(&mut self) -> &[LogEntry] {
        self.refresh_cache();
        &self.cache.history
    }

    fn refresh_cache(&mut self) {
        let Some(item) = self.current_item().map(|i| i.id) else {
            self.cache = ItemCache::default();
            return;
        };
        let key = Some((item, self.project.revision()));
        if self.cache.key == key {
            return;
        }
        let project = &self.project;
        let read = || -> Result<ItemCache, ProjectError> {
            Ok(ItemCache {
                key,
                annotations: project.annotations(item)?,
                labels: project.image_labels(item)?,
                comments: project.comments(item)?,
                proposals: project.proposals(item)?,
                history: project.history(Some(item), HISTORY_ROWS)?,
                scene: Scene::default(),
            })
        };
        self.cache = match read() {
            Ok(mut cache) => {
                cache.scene = Scene::from_annotations(&cache.annotations, &cache.proposals);
                cache
            }
            Err(e) => {
                self.message = Some(e.to_string());
                ItemCache {
                    key,
                    ..ItemCache::default()
                }
            }
        };
        if let Some(sel) = self.selected
            && !self.cache.annotations.iter().any(|a| a.id == sel)
        {
            self.selected = None;
        }
        if let Some(sel) = self.selected_proposal
            && !self.cache.proposals.iter().any(|p| p.id == sel)
        {
            self.selected_proposal = None;
        }
    }

    /// Applies an edit, reporting a refusal in the status bar.
    pub fn apply(&mut self, edit: Edit) -> Option<crate::project::Applied> {
        let result = self.project.apply(edit);
        self.report(result)
    }

    fn report<T>(&mut self, result: Result<T, ProjectError>) -> Option<T> {
        match result {
            Ok(v) => {
                self.message = None;
                Some(v)
            }
            Err(e) => {
                self.message = Some(e.to_string());
                None
            }
        }
    }

    /// Moves to the item at `pos` in `project.items()`.
    pub fn go_to(&mut self, pos: usize) {
        if pos >= self.project.items().len() || Some(pos) == self.current {
            return;
        }
        self.current = Some(pos);
        self.selected = None;
        self.selected_proposal = None;
        self.text.reset();
        self.canvas.reset_interaction();
        self.canvas.fit_pending = true;
        self.items.scroll_to_current = true;
        let id = self.project.items()[pos].id;
        let r = self.project.set_current_item(id);
        self.report(r);
    }

    /// Moves `step` items through the filtered list.
    /// Reviewer: lists the submitted items and goes to the first of them
    /// unless the current item is one.
    pub fn open_review_queue(&mut self) {
        self.items.filter = ItemQuery::review_queue();
        let queue = self.items.visible(&self.project);
        if let Some(&first) = queue.first()
            && self
                .current
                .is_none_or(|c| queue.binary_search(&c).is_err())
        {
            self.go_to(first);
        }
    }

    pub fn step(&mut self, step: isize) {
        if step > 0 && self.team.is_some() {
            self.next_by_lease();
            return;
        }
        let visible = self.items.visible(&self.project);
        if visible.is_empty() {
            return;
        }
        let here = self.current.unwrap_or(0);
        let target = match visible.binary_search(&here) {
            Ok(i) => i as isize + step,
            Err(i) if step > 0 => i as isize + step - 1,
            Err(i) => i as isize + step,
        };
        let clamped = target.clamp(0, visible.len() as isize - 1) as usize;
        let pos = visible[clamped];
        self.go_to(pos);
    }

    /// Next on a team project: the next item of the queue — to annotate,
    /// or in reviewer mode to review — leased to this login; an item left
    /// without submitting or deciding it is given back.
    fn next_by_lease(&mut self) {
        let queue = if self.reviewer {
            Queue::Review
        } else {
            Queue::Annotate
        };
        let claimed = self.project.claim_next(queue, LEASE);
        match self.report(claimed) {
            Some(Some(item)) => {
                if let Some(pos) = self.project.position(item) {
                    self.go_to(pos);
                }
            }
            Some(None) => self.message = Some(t!("team.nothing_to_claim").into_owned()),
            None => {}
        }
    }

    pub fn undo(&mut self) {
        let r = self.project.undo();
        if let Some(Some(applied)) = self.report(r) {
            self.show_touched(&applied.touched);
        }
    }

    pub fn redo(&mut self) {
        let r = self.project.redo();
        if let Some(Some(applied)) = self.report(r) {
            self.show_touched(&applied.touched);
        }
    }

    /// After undo or redo, shows the item that changed, so no change happens
    /// out of sight.
    fn show_touched(&mut self, touched: &[ItemId]) {
        if let [item] = touched
            && let Some(pos) = self.project.position(*item)
        {
            self.go_to(pos);
        }
    }

    pub fn is_text(&self) -> bool {
        self.project.kind() == ProjectKind::Text
    }

    /// Digit hotkey. Images: set the class of the selected annotation, and of
    /// the next shape. Texts: make the selected characters a span of the class, or else
    /// change the class of the selected span.
    pub fn pick_class(&mut self, class: ClassId) {
        self.active_class = Some(class);
        self.recent_changed |= filter::remember(&mut self.recent.classes, class, MAX_RECENT_PICKS);
        if self.is_text() {
            self.label_text(class);
        } else if let Some(id) = self.selected {
            self.apply(Edit::SetAnnotationClass { id, class });
        }
    }

    fn label_text(&mut self, class: ClassId) {
        let Some(item) = self.current_item().map(|i| i.id) else {
            return;
        };
        if let Some(range) = self.text.selection.clone() {
            let edit = Edit::AddSpans(vec![NewSpan {
                item,
                class,
                start: range.start as u32,
                end: range.end as u32,
            }]);
            if let Some(applied) = self.apply(edit) {
                self.text.clear_selection();
                self.text.selected = applied.created_spans.first().copied();
            }
        } else if let Some(id) = self.text.selected {
            let span = SpanRef { item, id };
            self.apply(Edit::SetSpanClass { span, class });
        }
    }

    /// Image-label hotkey or click: single mode picks (or clears) the label, multi
    /// mode toggles it.
    pub fn toggle_image_label(&mut self, label: LabelId) {
        let Some(item) = self.current_item().map(|i| i.id) else {
            return;
        };
        self.recent_changed |= filter::remember(&mut self.recent.labels, label, MAX_RECENT_PICKS);
        let mode = self.project.schema().image_label_mode;
        let mut labels = self.image_labels().to_vec();
        let had = labels.contains(&label);
        match (mode, had) {
            (_, true) => labels.retain(|l| *l != label),
            (ImageLabelMode::Single, false) => labels = vec![label],
            (ImageLabelMode::Multi, false) => labels.push(label),
        }
        self.apply(Edit::SetImageLabels { item, labels });
    }

    /// Copies the annotations of the previous item in the list onto this one
    /// (every shape, with its group and attributes, clamped to this image), as
    /// one step. Shapes with nothing inside this image are left out and counted.
    pub fn copy_previous_annotations(&mut self) {
        let Some(pos) = self.current.filter(|&p| p > 0) else {
            return;
        };
        let items = self.project.items();
        let (prev, here) = (items[pos - 1].id, items[pos].id);
        let previous = match self.project.annotations(prev) {
            Ok(a) => a,
            Err(e) => {
                self.message = Some(e.to_string());
                return;
            }
        };
        let (w, h) = (items[pos].width as f32, items[pos].height as f32);
        let count = previous.len();
        let new: Vec<NewAnnotation> = previous
            .into_iter()
            .filter_map(|a| {
                Some(NewAnnotation {
                    item: here,
                    class: a.class,
                    shape: a.shape.clamped(w, h)?,
                    group: a.group,
                    attributes: a.attributes,
                })
            })
            .collect();
        let outside = count - new.len();
        if let Some(applied) = self.apply(Edit::AddAnnotations(new)) {
            self.selected = applied.created.last().copied();
            if outside > 0 {
                self.message = Some(t!("workspace.copy_left_out", n = outside).into_owned());
            }
        }
    }

    /// Why a new annotation of this kind cannot be made now, if it cannot:
    /// the class it would get (the active one) does not take the kind, or,
    /// for keypoints, names no points; without an active class, when no class
    /// takes the kind.
    fn cannot_store(&self, kind: ShapeKind) -> Option<String> {
        let schema = self.project.schema();
        let shape = kind_name(kind);
        let Some(class) = self.active_class.and_then(|c| schema.class(c)) else {
            let any = schema.classes.iter().any(|c| c.takes(kind));
            return (!any).then(|| t!("canvas.no_class_takes", shape = shape).into_owned());
        };
        if !class.takes(kind) {
            Some(t!("canvas.cannot_store", class = class.name, shape = shape).into_owned())
        } else if kind == ShapeKind::Keypoints && class.keypoints.is_empty() {
            Some(t!("canvas.no_keypoint_names", class = class.name).into_owned())
        } else {
            None
        }
    }

    /// Whether annotations of this kind can be made now (see
    /// [`Self::set_tool`]): the tools of the other kinds refuse to start.
    pub fn can_store(&self, kind: ShapeKind) -> bool {
        self.cannot_store(kind).is_none()
    }

    /// Picks a tool, unless it draws shapes the active class cannot take
    /// (then the status bar says why).
    pub fn set_tool(&mut self, tool: Tool) {
        match tool.creates().and_then(|kind| self.cannot_store(kind)) {
            Some(why) => self.message = Some(why),
            None => self.tool = tool,
        }
    }

    /// A shape is being drawn or dragged on the canvas: Enter, Esc and Delete
    /// are the canvas's.
    fn canvas_busy(&self) -> bool {
        !self.is_text() && self.canvas.is_busy(self.tool)
    }

    fn vertex_selected(&self) -> bool {
        !self.is_text() && self.canvas.selected_vertex(self.selected).is_some()
    }

    /// Pulls in scanned files and finishes the scan when it ends.
    fn poll_scan(&mut self) {
        let Some(scan) = &mut self.scan else { return };
        let result = scan.drain_into(&mut self.project);
        let done = scan.finished().is_some();
        if let Err(e) = result {
            self.message = Some(e.to_string());
        }
        if self.current.is_none() && !self.project.items().is_empty() {
            self.current = Some(0);
            self.canvas.fit_pending = true;
        }
        if done {
            let repaired = scan.repaired();
            let mut notes: Vec<String> = Vec::new();
            match scan.finished() {
                Some(Err(e)) => notes.push(format!("{}: {e}", t!("scan.failed"))),
                Some(Ok(summary)) => {
                    if scan.walks() && summary.broken > 0 {
                        notes.push(format!(
                            "{} ({} {})",
                            t!("scan.done", n = summary.images),
                            summary.broken,
                            t!("status.broken")
                        ));
                    }
                    if scan.walks() {
                        self.skipped = summary.skipped.clone();
                    }
                }
                None => {}
            }
            if repaired > 0 {
                notes.push(t!("scan.repaired", n = repaired).into_owned());
            }
            if !notes.is_empty() {
                self.message = Some(notes.join("; "));
            }
            self.scan = None;
        }
    }

    fn prefetch_neighbours(&mut self) {
        let Some(pos) = self
            .current
            .filter(|_| !self.is_text() && !self.gallery_open())
        else {
            return;
        };
        for p in [pos + 1, pos.wrapping_sub(1)] {
            if let Some(item) = self.project.items().get(p).filter(|i| !i.is_broken()) {
                let path = self.project.item_path(item);
                self.loader.prefetch(item.id.0 as u64, path);
            }
        }
    }

    /// The central canvas.
    fn canvas_ui(&mut self, ui: &mut egui::Ui) {
        let Some(item) = self.current_item().cloned() else {
            ui.centered_and_justified(|ui| {
                ui.label(t!("workspace.empty"));
            });
            return;
        };
        let state = match &item.error {
            Some(e) => LoadState::Failed(e.clone()),
            None => self
                .loader
                .request(item.id.0 as u64, self.project.item_path(&item)),
        };
        if let LoadState::Ready {
            warning: Some(warning),
            ..
        } = &state
        {
            let text = super::scan_report::warning_text(*warning);
            ui.colored_label(ui.visuals().warn_fg_color, text);
        }
        let picture = match &state {
            LoadState::Ready { texture, .. } => Picture::Texture(texture.id()),
            LoadState::Loading => Picture::Loading,
            LoadState::Failed(e) => Picture::Error(e),
        };
        self.refresh_cache();
        let editable = !self.project.is_read_only() && !item.is_broken();
        let commented: Vec<AnnotationId> = self
            .cache
            .comments
            .iter()
            .filter_map(Comment::on_annotation)
            .collect();
        let schema = self.project.schema();
        let keypoints = |class| {
            let c = schema.class(class).filter(|c| !c.keypoints.is_empty())?;
            Some(KeypointSpec {
                names: &c.keypoints,
                edges: &c.skeleton,
            })
        };
        let input = CanvasInput {
            picture,
            image_size: Vec2::new(item.width as f32, item.height as f32),
            scene: &self.cache.scene,
            schema: self.project.schema(),
            selected: self.selected,
            tool: self.tool,
            draw_class: self.active_class,
            keypoints: &keypoints,
            editable,
            commented: &commented,
            selected_proposal: self.selected_proposal,
            proposal_threshold: self.proposal_threshold,
        };
        let actions = self.canvas.show(ui, &input);
        for action in actions {
            match action {
                CanvasAction::SelectProposal(id) => {
                    self.selected_proposal = Some(id);
                    self.selected = None;
                }
                CanvasAction::Select(id) => {
                    self.selected = id;
                    self.selected_proposal = None;
                    if let Some(b) = self.cache.annotations.iter().find(|b| Some(b.id) == id) {
                        self.active_class = Some(b.class);
                    }
                }
                CanvasAction::Create { class, shape } => {
                    let edit =
                        Edit::AddAnnotations(vec![NewAnnotation::new(item.id, class, shape)]);
                    if let Some(applied) = self.apply(edit) {
                        self.selected = applied.created.first().copied();
                    }
                }
                CanvasAction::Modify { id, shape } => {
                    self.apply(Edit::SetShape { id, shape });
                }
            }
        }
    }

    /// The central document of a text project.
    fn text_ui(&mut self, ui: &mut egui::Ui) {
        let Some(item) = self.current_item().map(|i| i.id) else {
            ui.centered_and_justified(|ui| {
                ui.label(t!("workspace.empty"));
            });
            return;
        };
        let refreshed = self.text.refresh(&self.project, item);
        self.report(refreshed);
        self.refresh_cache();
        let commented: Vec<SpanId> = self
            .cache
            .comments
            .iter()
            .filter_map(Comment::on_span)
            .collect();
        if let Some(span) = self.text.show(ui, &self.project, &commented)
            && let Some(class) = self.text.class_of(span)
        {
            self.active_class = Some(class);
        }
    }

    /// Draws the workspace (below the menu bar, which the app owns).
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        if let Some(team) = &mut self.team
            && let Some(e) = team.tick(&mut self.project, ui.ctx())
        {
            self.message = Some(e.to_string());
        }
        self.reject_window(&ui.ctx().clone());
        self.picker_ui(&ui.ctx().clone());
        scan_report::skipped_window(ui.ctx(), &mut self.show_skipped, &self.skipped);
        self.poll_scan();
        self.prefetch_neighbours();
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            status_bar::show(ui, self);
        });
        egui::Panel::left("item_list")
            .resizable(true)
            .default_size(260.0)
            .show(ui, |ui| {
                if let Some(pos) = self.items.show(ui, &self.project, self.current) {
                    self.go_to(pos);
                }
            });
        egui::Panel::right("class_panel")
            .resizable(true)
            .default_size(240.0)
            .show(ui, |ui| {
                class_panel::show(ui, self);
            });
        egui::CentralPanel::default().show(ui, |ui| {
            if self.gallery_open() {
                self.gallery_ui(ui);
            } else if self.is_text() {
                self.text_ui(ui);
            } else {
                self.canvas_ui(ui);
            }
        });
    }

    /// Whether the current item's image is on screen (decoded and uploaded).
    pub fn shown_image_ready(&mut self) -> bool {
        self.image_ready(self.current)
    }

    /// Whether the next item's image has been prefetched.
    pub fn next_image_ready(&mut self) -> bool {
        self.image_ready(self.current.map(|p| p + 1))
    }

    fn image_ready(&mut self, position: Option<usize>) -> bool {
        let Some(item) = position.and_then(|p| self.project.items().get(p)) else {
            return false;
        };
        let key = item.id.0 as u64;
        matches!(self.loader.peek(key), Some(LoadState::Ready { .. }))
    }

    pub fn filter(&self) -> &ItemQuery {
        &self.items.filter
    }
}
