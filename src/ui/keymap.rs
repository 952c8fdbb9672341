//! Keyboard shortcuts: actions, their keys, and the user's `keymap.ron`.
//!
//! The file is a RON map from action to a list of shortcuts,
//! `{ NextItem: ["D", "Right"], Redo: ["Ctrl+Shift+Z", "Ctrl+Y"] }`. The defaults
//! are `assets/keymap.default.ron`, compiled in; a user file only needs the
//! actions it changes.

use eframe::egui::{self, Key, Modifiers};
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The default keymap, also written out as the user's starting `keymap.ron`.
pub const DEFAULT_KEYMAP_RON: &str = include_str!("../../assets/keymap.default.ron");

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Action {
    PrevItem,
    NextItem,
    DoneAndNext,
    /// Copies the previous item's annotations (every shape). Keymaps written
    /// before shapes call it `CopyPrevBoxes`.
    #[serde(alias = "CopyPrevBoxes")]
    CopyPrevAnnotations,
    Undo,
    Redo,
    Delete,
    BoxTool,
    SelectTool,
    Fit,
    ZoomIn,
    ZoomOut,
    Deselect,
    ToggleHelp,
    /// Show or hide the statistics dashboard.
    ToggleDashboard,
    /// Reviewer mode: accept the item and go to the next.
    Accept,
    /// Reviewer mode: reject the item with a reason.
    Reject,
    /// Reviewer mode: mark the item golden (its annotations become the
    /// trusted answer), or not any more.
    ToggleGolden,
    /// Accept the selected model proposal: it becomes a box by the annotator.
    AcceptProposal,
    /// Reject (delete) the selected model proposal.
    RejectProposal,
    /// Accept every proposal of the item scoring at least the panel's threshold.
    AcceptProposalsAbove,
    /// A text project's document: larger text. (In an image project, the
    /// whole window, as egui does.)
    ReadingLarger,
    /// A text project's document: smaller text.
    ReadingSmaller,
    /// A text project's document: the default text size.
    ReadingReset,
    /// Open the class picker: find a class by name or pinyin, apply it to
    /// the selection and the next shape.
    ClassPicker,
    /// Open the picker on the image labels (a text project's document classes).
    LabelPicker,
    RotatedBoxTool,
    PolygonTool,
    PolylineTool,
    KeypointsTool,
    /// Turn the selected rotated box 1° counter-clockwise.
    RotateLeft,
    /// Turn the selected rotated box 1° clockwise.
    RotateRight,
    /// Turn the selected rotated box 15° counter-clockwise.
    RotateLeftFast,
    /// Turn the selected rotated box 15° clockwise.
    RotateRightFast,
    /// The selected keypoint's visibility: visible → occluded → not labelled;
    /// with the keypoint tool, the next point's (pressed twice: skip it).
    CycleVisibility,
    /// Switch between the single image and the thumbnail grid.
    ToggleGallery,
    /// The grid: select every item shown.
    SelectAll,
    /// The grid: submit the selected items.
    SubmitSelection,
    /// AI: run the chosen model on the image on screen (its finds become proposals).
    RunModel,
    /// AI: run the chosen model over the items the list shows.
    RunModelBatch,
}

impl Action {
    pub const ALL: [Action; 40] = [
        Action::PrevItem,
        Action::NextItem,
        Action::DoneAndNext,
        Action::CopyPrevAnnotations,
        Action::Undo,
        Action::Redo,
        Action::Delete,
        Action::BoxTool,
        Action::SelectTool,
        Action::Fit,
        Action::ZoomIn,
        Action::ZoomOut,
        Action::Deselect,
        Action::ToggleHelp,
        Action::ToggleDashboard,
        Action::Accept,
        Action::Reject,
        Action::ToggleGolden,
        Action::AcceptProposal,
        Action::RejectProposal,
        Action::AcceptProposalsAbove,
        Action::ReadingLarger,
        Action::ReadingSmaller,
        Action::ReadingReset,
        Action::ClassPicker,
        Action::LabelPicker,
        Action::RotatedBoxTool,
        Action::PolygonTool,
        Action::PolylineTool,
        Action::KeypointsTool,
        Action::RotateLeft,
        Action::RotateRight,
        Action::RotateLeftFast,
        Action::RotateRightFast,
        Action::CycleVisibility,
        Action::ToggleGallery,
        Action::SelectAll,
        Action::SubmitSelection,
        Action::RunModel,
        Action::RunModelBatch,
    ];

    /// The translation key of the action's name, for menus and the help screen.
    pub fn label_key(self) -> &'static str {
        match self {
            Action::PrevItem => "action.prev",
            Action::NextItem => "action.next",
            Action::DoneAndNext => "action.done_next",
            Action::CopyPrevAnnotations => "action.copy_prev",
            Action::Undo => "action.undo",
            Action::Redo => "action.redo",
            Action::Delete => "action.delete",
            Action::BoxTool => "tool.box",
            Action::SelectTool => "tool.select",
            Action::Fit => "action.fit",
            Action::ZoomIn => "action.zoom_in",
            Action::ZoomOut => "action.zoom_out",
            Action::Deselect => "action.deselect",
            Action::ToggleHelp => "action.toggle_help",
            Action::ToggleDashboard => "action.toggle_dashboard",
            Action::Accept => "action.accept",
            Action::Reject => "action.reject",
            Action::ToggleGolden => "action.golden",
            Action::AcceptProposal => "action.accept_proposal",
            Action::RejectProposal => "action.reject_proposal",
            Action::AcceptProposalsAbove => "action.accept_proposals_above",
            Action::ReadingLarger => "action.reading_larger",
            Action::ReadingSmaller => "action.reading_smaller",
            Action::ReadingReset => "action.reading_reset",
            Action::ClassPicker => "action.class_picker",
            Action::LabelPicker => "action.label_picker",
            Action::RotatedBoxTool => "tool.rotated_box",
            Action::PolygonTool => "tool.polygon",
            Action::PolylineTool => "tool.polyline",
            Action::KeypointsTool => "tool.keypoints",
            Action::RotateLeft => "action.rotate_left",
            Action::RotateRight => "action.rotate_right",
            Action::RotateLeftFast => "action.rotate_left_fast",
            Action::RotateRightFast => "action.rotate_right_fast",
            Action::CycleVisibility => "action.cycle_visibility",
            Action::ToggleGallery => "action.toggle_gallery",
            Action::SelectAll => "action.select_all",
            Action::SubmitSelection => "action.submit_selection",
            Action::RunModel => "action.run_model",
            Action::RunModelBatch => "action.run_model_batch",
        }
    }

    /// Whether the action may share its key with a project hotkey: it takes
    /// the key only while it means something (the visibility key, while a
    /// keypoint is selected or placed), and otherwise leaves it to the project
    /// (`V` is also the fourth image label's key by default).
    pub fn is_contextual(self) -> bool {
        self == Action::CycleVisibility
    }

    /// Whether holding the key down repeats the action. Actions that change
    /// annotations or mark work done don't, so a long press can't, say, mark a
    /// run of images done or delete several boxes.
    pub fn repeats(self) -> bool {
        matches!(
            self,
            Action::PrevItem
                | Action::NextItem
                | Action::Undo
                | Action::Redo
                | Action::ZoomIn
                | Action::ZoomOut
                | Action::ReadingLarger
                | Action::ReadingSmaller
        )
    }
}

/// A key with modifiers, written like `"Ctrl+Shift+Z"`. `Ctrl` is egui's
/// `command` modifier: Ctrl on Windows/Linux, Cmd on macOS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shortcut {
    pub modifiers: Modifiers,
    pub key: Key,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShortcutParseError(String);

impl fmt::Display for ShortcutParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ShortcutParseError {}

impl Shortcut {
    pub const fn new(modifiers: Modifiers, key: Key) -> Self {
        Self { modifiers, key }
    }

    /// Parses `"Ctrl+Shift+Z"`-style text; `None` if it isn't a shortcut. Use
    /// `str::parse` for the reason.
    pub fn parse(text: &str) -> Option<Shortcut> {
        text.parse().ok()
    }

    pub fn to_keyboard_shortcut(self) -> egui::KeyboardShortcut {
        egui::KeyboardShortcut::new(self.modifiers, self.key)
    }

    /// Whether a key event is a press of this shortcut (modifiers matched
    /// logically, as egui does: an extra Shift or Alt is ignored).
    fn matches(&self, event: &egui::Event) -> bool {
        let egui::Event::Key {
            key,
            pressed: true,
            modifiers,
            ..
        } = event
        else {
            return false;
        };
        // Shift+arrow extends a text selection everywhere; a plain-arrow
        // binding must not take it.
        let extends_selection = modifiers.shift
            && !self.modifiers.shift
            && matches!(
                key,
                egui::Key::ArrowLeft
                    | egui::Key::ArrowRight
                    | egui::Key::ArrowUp
                    | egui::Key::ArrowDown
                    | egui::Key::Home
                    | egui::Key::End
            );
        *key == self.key && modifiers.matches_logically(self.modifiers) && !extends_selection
    }

    /// Consumes this frame's presses of the shortcut, returning whether there
    /// was a fresh one. Key-repeat presses are consumed but don't count, so
    /// holding a toggle key (an image label) doesn't flicker it.
    pub fn consume(&self, ctx: &egui::Context) -> bool {
        ctx.input_mut(|input| {
            let mut fresh = false;
            input.events.retain(|event| {
                if !self.matches(event) {
                    return true;
                }
                if let egui::Event::Key { repeat: false, .. } = event {
                    fresh = true;
                }
                false
            });
            fresh
        })
    }

    /// How many modifiers the shortcut needs; more specific shortcuts are matched first.
    fn specificity(&self) -> u8 {
        let m = self.modifiers;
        u8::from(m.alt) + u8::from(m.shift) + u8::from(m.command || m.ctrl || m.mac_cmd)
    }

    /// Text for menus and the help screen: `Cmd` instead of `Ctrl` on macOS, and
    /// arrows and punctuation as symbols.
    pub fn display_text(&self) -> String {
        let command = if cfg!(target_os = "macos") {
            "Cmd"
        } else {
            "Ctrl"
        };
        let key = match self.key {
            Key::ArrowLeft => "←",
            Key::ArrowRight => "→",
            Key::ArrowUp => "↑",
            Key::ArrowDown => "↓",
            Key::Plus => "+",
            Key::Minus => "-",
            Key::Equals => "=",
            Key::Slash => "/",
            Key::Comma => ",",
            Key::Period => ".",
            other => other.name(),
        };
        self.join(command, key)
    }

    fn join(&self, command: &str, key: &str) -> String {
        let mut parts = Vec::with_capacity(4);
        if self.modifiers.command || self.modifiers.ctrl || self.modifiers.mac_cmd {
            parts.push(command);
        }
        if self.modifiers.alt {
            parts.push("Alt");
        }
        if self.modifiers.shift {
            parts.push("Shift");
        }
        parts.push(key);
        parts.join("+")
    }
}

/// The canonical form used in `keymap.ron`, e.g. `Ctrl+Shift+Z`.
impl fmt::Display for Shortcut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.join("Ctrl", self.key.name()))
    }
}

fn parse_key(token: &str) -> Option<Key> {
    if let Some(key) = Key::from_name(token) {
        return Some(key);
    }
    let alias = match token.to_ascii_lowercase().as_str() {
        "del" => Some(Key::Delete),
        "ins" => Some(Key::Insert),
        "esc" => Some(Key::Escape),
        "return" => Some(Key::Enter),
        "pgup" => Some(Key::PageUp),
        "pgdn" | "pgdown" => Some(Key::PageDown),
        _ => None,
    };
    alias.or_else(|| {
        Key::ALL
            .iter()
            .copied()
            .find(|k| k.name().eq_ignore_ascii_case(token))
    })
}

fn parse_modifier(token: &str) -> Option<Modifiers> {
    match token.to_ascii_lowercase().as_str() {
        "ctrl" | "control" | "cmd" | "command" | "⌘" => Some(Modifiers::COMMAND),
        "shift" | "⇧" => Some(Modifiers::SHIFT),
        "alt" | "option" | "opt" | "⌥" => Some(Modifiers::ALT),
        _ => None,
    }
}

impl FromStr for Shortcut {
    type Err = ShortcutParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        // The key itself may be "+": "+" or "Ctrl++".
        let (mods_part, key_part) = if text == "+" {
            ("", "+")
        } else if let Some(prefix) = text.strip_suffix("++") {
            (prefix, "+")
        } else {
            match text.rfind('+') {
                Some(i) => (&text[..i], &text[i + 1..]),
                None => ("", text),
            }
        };
        let key_part = key_part.trim();
        if key_part.is_empty() {
            return Err(ShortcutParseError(format!("no key in shortcut \"{s}\"")));
        }
        let key = parse_key(key_part).ok_or_else(|| {
            ShortcutParseError(format!("unknown key \"{key_part}\" in shortcut \"{s}\""))
        })?;
        let mut modifiers = Modifiers::NONE;
        if !mods_part.trim().is_empty() {
            for token in mods_part.split('+').map(str::trim) {
                let modifier = parse_modifier(token).ok_or_else(|| {
                    ShortcutParseError(format!(
                        "unknown modifier \"{token}\" in shortcut \"{s}\" (use Ctrl, Cmd, Shift or Alt)"
                    ))
                })?;
                modifiers = modifiers.plus(modifier);
            }
        }
        Ok(Shortcut { modifiers, key })
    }
}

impl Serialize for Shortcut {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Shortcut {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

type KeymapFile = BTreeMap<Action, Vec<Shortcut>>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyMap {
    /// In [`Action::ALL`] order, each action's shortcuts in the order written.
    bindings: Vec<(Action, Shortcut)>,
}

impl Default for KeyMap {
    fn default() -> Self {
        // The embedded file is checked by a unit test; should it ever fail to
        // parse, an empty keymap is better than a crash.
        ron::from_str::<KeymapFile>(DEFAULT_KEYMAP_RON)
            .map(|file| KeyMap::from_file(&file))
            .unwrap_or(KeyMap {
                bindings: Vec::new(),
            })
    }
}

impl KeyMap {
    fn from_file(file: &KeymapFile) -> KeyMap {
        let bindings = Action::ALL
            .iter()
            .flat_map(|action| {
                file.get(action)
                    .into_iter()
                    .flatten()
                    .map(move |shortcut| (*action, *shortcut))
            })
            .collect();
        KeyMap { bindings }
    }

    /// The defaults with the actions in `text` replaced. Errors carry RON's line
    /// and column.
    pub fn from_ron_over_defaults(text: &str) -> Result<KeyMap, ron::error::SpannedError> {
        let user: KeymapFile = ron::from_str(text)?;
        let mut file: KeymapFile = ron::from_str(DEFAULT_KEYMAP_RON).unwrap_or_default();
        file.extend(user);
        Ok(KeyMap::from_file(&file))
    }

    pub fn default_path() -> Option<PathBuf> {
        super::settings::config_dir().map(|dir| dir.join("keymap.ron"))
    }

    /// Loads the user's keymap over the defaults. A missing file gives the
    /// defaults silently; an unreadable or invalid one gives the defaults and a
    /// warning naming the file and the problem (the file is left for the user to
    /// fix). Shortcuts bound to two actions load, with a warning.
    pub fn load_or_default(path: &Path) -> (KeyMap, Option<String>) {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => return (KeyMap::default(), None),
            Err(e) => {
                let warning = t!("keymap.unreadable", path = path.display(), error = e);
                return (KeyMap::default(), Some(warning.into_owned()));
            }
        };
        match KeyMap::from_ron_over_defaults(&text) {
            Ok(keymap) => {
                let warnings: Vec<String> = keymap
                    .conflicts()
                    .into_iter()
                    .map(|(shortcut, first, second)| {
                        t!(
                            "keymap.conflict",
                            path = path.display(),
                            shortcut = shortcut,
                            first = t!(first.label_key()),
                            second = t!(second.label_key())
                        )
                        .into_owned()
                    })
                    .collect();
                let warning = (!warnings.is_empty()).then(|| warnings.join("\n"));
                (keymap, warning)
            }
            Err(e) => {
                let warning = t!(
                    "keymap.invalid",
                    path = path.display(),
                    line = e.span.start.line,
                    column = e.span.start.col,
                    error = e.code
                );
                (KeyMap::default(), Some(warning.into_owned()))
            }
        }
    }

    /// Writes the default keymap to `path` (creating its directory) unless a file
    /// is already there, so users have something to edit. Returns whether it wrote.
    pub fn write_default_if_missing(path: &Path) -> Result<bool, String> {
        let fail = |e: std::io::Error| {
            t!("keymap.write_failed", path = path.display(), error = e).into_owned()
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let mut file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(file) => file,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => return Ok(false),
            Err(e) => return Err(fail(e)),
        };
        file.write_all(DEFAULT_KEYMAP_RON.as_bytes())
            .map_err(fail)?;
        Ok(true)
    }

    /// Every binding, in [`Action::ALL`] order.
    pub fn bindings(&self) -> &[(Action, Shortcut)] {
        &self.bindings
    }

    pub fn shortcuts(&self, action: Action) -> impl Iterator<Item = Shortcut> + '_ {
        self.bindings
            .iter()
            .filter(move |(a, _)| *a == action)
            .map(|(_, s)| *s)
    }

    /// The action bound to exactly this shortcut, if any. Lets callers check
    /// project hotkeys (class digits, image labels) against the keymap.
    pub fn action_for(&self, shortcut: &Shortcut) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(_, s)| s == shortcut)
            .map(|(a, _)| *a)
    }

    /// All of an action's shortcuts for display, e.g. `"A, ←"` (a comma, since `/` is a key); empty if unbound.
    pub fn shortcut_text(&self, action: Action) -> String {
        self.shortcuts(action)
            .map(|s| s.display_text())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Shortcuts bound to more than one action: `(shortcut, first, second)`,
    /// where `first` comes earlier in [`Action::ALL`] and wins.
    pub fn conflicts(&self) -> Vec<(Shortcut, Action, Action)> {
        let mut found = Vec::new();
        for (i, (first, shortcut)) in self.bindings.iter().enumerate() {
            for (second, other) in &self.bindings[i + 1..] {
                if other == shortcut && second != first {
                    found.push((*shortcut, *first, *second));
                }
            }
        }
        found
    }

    /// The actions whose keys were pressed since the last frame, in the order
    /// pressed. Consumes those key events so widgets don't also react to them.
    ///
    /// Call once per frame before drawing the panels. Does nothing while a text
    /// field has focus, so typing a name doesn't trigger shortcuts. egui matches
    /// modifiers logically (an extra Shift is ignored), so the most specific
    /// binding is tried first: Ctrl+Shift+Z is Redo, never Undo.
    pub fn triggered(&self, ctx: &egui::Context) -> Vec<Action> {
        self.triggered_where(ctx, |_| true)
    }

    /// As [`KeyMap::triggered`], for the actions `active` allows; the keys of
    /// the others are left for the widgets and the project's hotkeys.
    pub fn triggered_where(
        &self,
        ctx: &egui::Context,
        active: impl Fn(Action) -> bool,
    ) -> Vec<Action> {
        if ctx.text_edit_focused() {
            return Vec::new();
        }
        let mut ordered: Vec<&(Action, Shortcut)> =
            self.bindings.iter().filter(|(a, _)| active(*a)).collect();
        ordered.sort_by_key(|(_, s)| std::cmp::Reverse(s.specificity()));
        ctx.input_mut(|input| {
            let mut actions = Vec::new();
            input.events.retain(|event| {
                let Some((action, _)) = ordered.iter().find(|(_, s)| s.matches(event)) else {
                    return true;
                };
                let repeat = matches!(event, egui::Event::Key { repeat: true, .. });
                if !repeat || action.repeats() {
                    actions.push(*action);
                }
                false
            });
            actions
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs one egui pass. The texture updates a renderer would upload are
    /// dropped on purpose; egui asserts that they are not dropped silently.
    fn pass(ctx: &egui::Context, raw: egui::RawInput, run_ui: impl FnMut(&mut egui::Ui)) {
        ctx.run_ui(raw, run_ui).textures_delta.clear();
    }
    use crate::model::LabelSchema;

    fn sc(s: &str) -> Shortcut {
        s.parse().unwrap()
    }

    #[test]
    fn parses_keys_and_modifiers() {
        assert_eq!(sc("A"), Shortcut::new(Modifiers::NONE, Key::A));
        assert_eq!(sc("a"), Shortcut::new(Modifiers::NONE, Key::A));
        assert_eq!(
            sc("Ctrl+Shift+Z"),
            Shortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z)
        );
        assert_eq!(sc("Cmd+Z"), sc("Ctrl+Z"));
        assert_eq!(sc(" shift + ctrl + z "), sc("Ctrl+Shift+Z"));
        assert_eq!(sc("Del"), Shortcut::new(Modifiers::NONE, Key::Delete));
        assert_eq!(sc("delete"), sc("Delete"));
        assert_eq!(sc("Right"), Shortcut::new(Modifiers::NONE, Key::ArrowRight));
        assert_eq!(sc("Space"), Shortcut::new(Modifiers::NONE, Key::Space));
        assert_eq!(sc("F1"), Shortcut::new(Modifiers::NONE, Key::F1));
        assert_eq!(sc("f1"), sc("F1"));
        assert_eq!(sc("0"), Shortcut::new(Modifiers::NONE, Key::Num0));
        assert_eq!(sc("+"), Shortcut::new(Modifiers::NONE, Key::Plus));
        assert_eq!(sc("Ctrl++"), Shortcut::new(Modifiers::COMMAND, Key::Plus));
        assert_eq!(
            sc("Alt+Left"),
            Shortcut::new(Modifiers::ALT, Key::ArrowLeft)
        );
    }

    #[test]
    fn rejects_bad_shortcuts_with_a_reason() {
        let err = "Ctrl+Blah".parse::<Shortcut>().unwrap_err().to_string();
        assert!(err.contains("Blah"), "{err}");
        let err = "Hyper+A".parse::<Shortcut>().unwrap_err().to_string();
        assert!(err.contains("modifier") && err.contains("Hyper"), "{err}");
        assert!("".parse::<Shortcut>().is_err());
        assert!("Ctrl+".parse::<Shortcut>().is_err());
        assert!("A+B".parse::<Shortcut>().is_err());
    }

    #[test]
    fn every_key_round_trips_through_text() {
        let mods = [
            Modifiers::NONE,
            Modifiers::COMMAND,
            Modifiers::COMMAND | Modifiers::SHIFT,
            Modifiers::ALT | Modifiers::SHIFT,
        ];
        for key in Key::ALL {
            for modifiers in mods {
                let shortcut = Shortcut::new(modifiers, *key);
                let text = shortcut.to_string();
                assert_eq!(text.parse::<Shortcut>(), Ok(shortcut), "{text}");
            }
        }
        assert_eq!(sc("shift+ctrl+z").to_string(), "Ctrl+Shift+Z");
    }

    #[test]
    fn default_keymap_parses_and_binds_every_action() {
        let file: KeymapFile = ron::from_str(DEFAULT_KEYMAP_RON).unwrap();
        let keymap = KeyMap::default();
        for action in Action::ALL {
            assert!(file.contains_key(&action), "{action:?} not in default file");
            assert!(
                keymap.shortcuts(action).next().is_some(),
                "{action:?} unbound"
            );
        }
        assert_eq!(keymap.conflicts(), vec![]);
        // The bindings users come to the tool expecting (README, Keys).
        assert_eq!(keymap.action_for(&sc("W")), Some(Action::BoxTool));
        assert_eq!(keymap.action_for(&sc("B")), Some(Action::BoxTool));
        assert_eq!(keymap.action_for(&sc("A")), Some(Action::PrevItem));
        assert_eq!(keymap.action_for(&sc("Right")), Some(Action::NextItem));
        assert_eq!(keymap.action_for(&sc("Ctrl+Z")), Some(Action::Undo));
        assert_eq!(keymap.action_for(&sc("Ctrl+Shift+Z")), Some(Action::Redo));
        assert_eq!(keymap.action_for(&sc("Delete")), Some(Action::Delete));
        // Model proposals: E accepts, Shift+E rejects, Ctrl+E accepts all above
        // the threshold (Enter already submits the item).
        assert_eq!(keymap.action_for(&sc("E")), Some(Action::AcceptProposal));
        assert_eq!(
            keymap.action_for(&sc("Shift+E")),
            Some(Action::RejectProposal)
        );
        assert_eq!(
            keymap.action_for(&sc("Ctrl+E")),
            Some(Action::AcceptProposalsAbove)
        );
        // The class picker: `/` as in a browser's find, Ctrl+K where an
        // input method takes `/`; Ctrl+Shift+K for image labels.
        assert_eq!(keymap.action_for(&sc("/")), Some(Action::ClassPicker));
        assert_eq!(keymap.action_for(&sc("Ctrl+K")), Some(Action::ClassPicker));
        assert_eq!(
            keymap.action_for(&sc("Ctrl+Shift+K")),
            Some(Action::LabelPicker)
        );
        assert!(keymap.shortcut_text(Action::ClassPicker).starts_with("/, "));
        // The shape tools and the rotation keys: `,` and `.` turn by 1°, with
        // Shift by 15°.
        for (key, action) in [
            ("T", Action::RotatedBoxTool),
            ("O", Action::PolygonTool),
            ("L", Action::PolylineTool),
            ("K", Action::KeypointsTool),
            (",", Action::RotateLeft),
            (".", Action::RotateRight),
            ("Shift+,", Action::RotateLeftFast),
            ("Shift+.", Action::RotateRightFast),
            ("V", Action::CycleVisibility),
        ] {
            assert_eq!(keymap.action_for(&sc(key)), Some(action), "{key}");
        }
        assert_eq!(keymap.shortcut_text(Action::RotateRightFast), "Shift+.");
    }

    #[test]
    fn a_contextual_action_leaves_its_key_when_it_has_nothing_to_do() {
        let keymap = KeyMap::default();
        let ctx = egui::Context::default();
        let v = || vec![key_event(Key::V, Modifiers::NONE)];
        let mut seen = Vec::new();
        for active in [false, true] {
            let raw = egui::RawInput {
                events: v(),
                ..Default::default()
            };
            pass(&ctx, raw, |ui| {
                let actions = keymap.triggered_where(ui.ctx(), |a| !a.is_contextual() || active);
                let left = ui.input(|i| i.events.len());
                seen.push((actions, left));
            });
            // Let go of V, so the next press is not a repeat.
            let release = egui::Event::Key {
                key: Key::V,
                physical_key: None,
                pressed: false,
                repeat: false,
                modifiers: Modifiers::NONE,
            };
            pass(
                &ctx,
                egui::RawInput {
                    events: vec![release],
                    ..Default::default()
                },
                |_| {},
            );
        }
        assert_eq!(seen, vec![(vec![], 1), (vec![Action::CycleVisibility], 0)]);
    }

    #[test]
    fn defaults_leave_project_hotkeys_free() {
        let mut schema = LabelSchema::default();
        for i in 0..12 {
            schema.add_class(&format!("class{i}"));
            schema.add_image_label(&format!("label{i}"));
        }
        let hotkeys = schema
            .classes
            .iter()
            .filter_map(|c| c.hotkey.clone())
            .chain(schema.image_labels.iter().filter_map(|l| l.hotkey.clone()));
        let keymap = KeyMap::default();
        let mut checked = 0;
        for hotkey in hotkeys {
            let shortcut = sc(&hotkey);
            let taken = keymap.action_for(&shortcut);
            assert!(
                taken.is_none_or(Action::is_contextual),
                "{hotkey} is taken by {taken:?}"
            );
            checked += 1;
        }
        assert!(checked >= 9 + 7);
    }

    #[test]
    fn user_file_overrides_only_the_actions_it_names() {
        let keymap = KeyMap::from_ron_over_defaults("{ NextItem: [\"N\"], Delete: [] }").unwrap();
        assert_eq!(
            keymap.shortcuts(Action::NextItem).collect::<Vec<_>>(),
            vec![sc("N")]
        );
        assert_eq!(keymap.action_for(&sc("D")), None);
        assert_eq!(keymap.shortcuts(Action::Delete).count(), 0);
        assert_eq!(
            keymap.shortcuts(Action::PrevItem).collect::<Vec<_>>(),
            vec![sc("A"), sc("Left")]
        );
    }

    #[test]
    fn loads_a_user_file_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keymap.ron");
        std::fs::write(&path, "// mine\n{\n  Undo: [\"Ctrl+U\"],\n}\n").unwrap();
        let (keymap, warning) = KeyMap::load_or_default(&path);
        assert_eq!(warning, None);
        assert_eq!(keymap.action_for(&sc("Ctrl+U")), Some(Action::Undo));
        assert_eq!(keymap.action_for(&sc("Ctrl+Z")), None);
        assert_eq!(keymap.action_for(&sc("F1")), Some(Action::ToggleHelp));
    }

    #[test]
    fn missing_file_gives_defaults_silently() {
        let dir = tempfile::tempdir().unwrap();
        let (keymap, warning) = KeyMap::load_or_default(&dir.path().join("keymap.ron"));
        assert_eq!(keymap, KeyMap::default());
        assert_eq!(warning, None);
    }

    #[test]
    fn bad_key_gives_defaults_and_a_warning_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keymap.ron");
        std::fs::write(
            &path,
            "{\n  NextItem: [\"D\"],\n  Undo: [\"Ctrl+Blah\"],\n}\n",
        )
        .unwrap();
        let (keymap, warning) = KeyMap::load_or_default(&path);
        assert_eq!(keymap, KeyMap::default());
        let warning = warning.expect("a warning");
        assert!(warning.contains(&path.display().to_string()), "{warning}");
        assert!(warning.contains("Blah"), "{warning}");
        assert!(warning.contains(" 3"), "line 3 not named: {warning}");
        assert!(path.exists(), "the user's file must be left alone");
    }

    #[test]
    fn corrupt_file_or_unknown_action_gives_defaults_and_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keymap.ron");
        for text in ["{ NextItem: [\"D\" ", "{ Jump: [\"J\"] }", "not ron at all"] {
            std::fs::write(&path, text).unwrap();
            let (keymap, warning) = KeyMap::load_or_default(&path);
            assert_eq!(keymap, KeyMap::default(), "{text}");
            let warning = warning.unwrap_or_default();
            assert!(warning.contains("keymap.ron"), "{text}: {warning}");
        }
    }

    #[test]
    fn a_shortcut_on_two_actions_loads_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keymap.ron");
        std::fs::write(&path, "{ CopyPrevBoxes: [\"D\"] }").unwrap();
        let (keymap, warning) = KeyMap::load_or_default(&path);
        assert_eq!(
            keymap.conflicts(),
            vec![(sc("D"), Action::NextItem, Action::CopyPrevAnnotations)]
        );
        let warning = warning.expect("a warning");
        assert!(warning.contains("D"), "{warning}");
    }

    #[test]
    fn write_default_if_missing_writes_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cfg").join("keymap.ron");
        assert_eq!(KeyMap::write_default_if_missing(&path), Ok(true));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), DEFAULT_KEYMAP_RON);
        std::fs::write(&path, "{ Undo: [\"U\"] }").unwrap();
        assert_eq!(KeyMap::write_default_if_missing(&path), Ok(false));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ Undo: [\"U\"] }");
        let (keymap, warning) = KeyMap::load_or_default(&path);
        assert_eq!(warning, None);
        assert_eq!(keymap.action_for(&sc("U")), Some(Action::Undo));
    }

    #[test]
    fn shortcut_text_lists_every_binding() {
        let keymap = KeyMap::default();
        assert_eq!(keymap.shortcut_text(Action::PrevItem), "A, ←");
        let ctrl = if cfg!(target_os = "macos") {
            "Cmd"
        } else {
            "Ctrl"
        };
        assert_eq!(
            keymap.shortcut_text(Action::Redo),
            format!("{ctrl}+Shift+Z, {ctrl}+Y")
        );
        let unbound = KeyMap::from_ron_over_defaults("{ Fit: [] }").unwrap();
        assert_eq!(unbound.shortcut_text(Action::Fit), "");
    }

    #[test]
    fn every_action_has_a_label() {
        for action in Action::ALL {
            let label = t!(action.label_key(), locale = "en");
            assert_ne!(label, action.label_key(), "{action:?}");
            let label = t!(action.label_key(), locale = "zh-CN");
            assert!(!label.is_ascii(), "{action:?} has no Chinese label");
        }
    }

    #[test]
    fn parse_returns_none_for_bad_text() {
        assert_eq!(
            Shortcut::parse("1"),
            Some(Shortcut::new(Modifiers::NONE, Key::Num1))
        );
        assert_eq!(Shortcut::parse("Z"), Some(sc("Z")));
        assert_eq!(Shortcut::parse("Hyper+Z"), None);
    }

    // --- triggered(): a real egui frame with synthetic key events ---

    /// On Windows/Linux, egui-winit sets both `ctrl` and `command` for Ctrl.
    const CTRL: Modifiers = Modifiers {
        ctrl: true,
        command: true,
        ..Modifiers::NONE
    };

    /// A key press. egui decides itself whether it is a repeat (the key was
    /// already down), so there is no `repeat` argument.
    fn key_event(key: Key, modifiers: Modifiers) -> egui::Event {
        egui::Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers,
        }
    }

    /// Runs one frame with `events`, collecting `triggered()` and whatever key
    /// events are left for the widgets afterwards.
    fn run_frame(
        keymap: &KeyMap,
        ctx: &egui::Context,
        events: Vec<egui::Event>,
    ) -> (Vec<Action>, usize) {
        let raw = egui::RawInput {
            events,
            ..Default::default()
        };
        let mut actions = Vec::new();
        let mut left = 0;
        pass(ctx, raw, |ui| {
            actions = keymap.triggered(ui.ctx());
            left = ui.input(|i| {
                i.events
                    .iter()
                    .filter(|e| matches!(e, egui::Event::Key { .. }))
                    .count()
            });
        });
        (actions, left)
    }

    #[test]
    fn triggered_reports_and_consumes_bound_keys() {
        let keymap = KeyMap::default();
        let ctx = egui::Context::default();
        let (actions, left) = run_frame(
            &keymap,
            &ctx,
            vec![
                key_event(Key::D, Modifiers::NONE),
                key_event(Key::ArrowLeft, Modifiers::NONE),
                key_event(Key::Enter, Modifiers::NONE),
                key_event(Key::J, Modifiers::NONE),
            ],
        );
        assert_eq!(
            actions,
            vec![Action::NextItem, Action::PrevItem, Action::DoneAndNext]
        );
        assert_eq!(left, 1, "the unbound J must stay for the widgets");
    }

    #[test]
    fn ctrl_shift_z_is_redo_and_ctrl_z_is_undo() {
        let keymap = KeyMap::default();
        let ctx = egui::Context::default();
        let (actions, _) = run_frame(
            &keymap,
            &ctx,
            vec![key_event(Key::Z, CTRL | Modifiers::SHIFT)],
        );
        assert_eq!(actions, vec![Action::Redo]);
        let (actions, _) = run_frame(&keymap, &ctx, vec![key_event(Key::Z, CTRL)]);
        assert_eq!(actions, vec![Action::Undo]);
        let (actions, _) = run_frame(&keymap, &ctx, vec![key_event(Key::Y, CTRL)]);
        assert_eq!(actions, vec![Action::Redo]);
        // Plain Z is an image-label key, not Undo.
        let (actions, left) = run_frame(&keymap, &ctx, vec![key_event(Key::Z, Modifiers::NONE)]);
        assert_eq!((actions, left), (vec![], 1));
    }

    #[test]
    fn macos_command_matches_ctrl_bindings() {
        let keymap = KeyMap::default();
        let ctx = egui::Context::default();
        let mac_cmd = Modifiers {
            mac_cmd: true,
            command: true,
            ..Modifiers::NONE
        };
        let (actions, _) = run_frame(&keymap, &ctx, vec![key_event(Key::Z, mac_cmd)]);
        assert_eq!(actions, vec![Action::Undo]);
    }

    #[test]
    fn held_keys_repeat_navigation_but_not_done() {
        // egui marks a press as a repeat itself when the key is still down from
        // an earlier frame, so hold each key over two frames.
        let keymap = KeyMap::default();
        let ctx = egui::Context::default();
        let keys = [Key::D, Key::Enter, Key::Delete];
        let press = || keys.map(|k| key_event(k, Modifiers::NONE)).to_vec();
        let (first, _) = run_frame(&keymap, &ctx, press());
        assert_eq!(
            first,
            vec![Action::NextItem, Action::DoneAndNext, Action::Delete]
        );
        let (held, left) = run_frame(&keymap, &ctx, press());
        assert_eq!(held, vec![Action::NextItem]);
        assert_eq!(left, 0, "ignored repeats are still consumed");
    }

    #[test]
    fn consume_takes_fresh_presses_and_swallows_repeats() {
        let ctx = egui::Context::default();
        let z = sc("Z");
        let mut results = Vec::new();
        let release = egui::Event::Key {
            key: Key::Z,
            physical_key: None,
            pressed: false,
            repeat: false,
            modifiers: Modifiers::NONE,
        };
        for events in [
            vec![key_event(Key::Z, Modifiers::NONE)],
            // Still held: egui marks this press a repeat.
            vec![key_event(Key::Z, Modifiers::NONE), release],
            vec![key_event(Key::Z, CTRL)],
            vec![key_event(Key::X, Modifiers::NONE)],
        ] {
            let raw = egui::RawInput {
                events,
                ..Default::default()
            };
            pass(&ctx, raw, |ui| {
                let pressed = z.consume(ui.ctx());
                let left = ui.input(|i| {
                    i.events
                        .iter()
                        .filter(|e| matches!(e, egui::Event::Key { pressed: true, .. }))
                        .count()
                });
                results.push((pressed, left));
            });
        }
        // Fresh Z; repeated Z (consumed, not counted); Ctrl+Z is not Z; X untouched.
        assert_eq!(results, vec![(true, 0), (false, 0), (false, 1), (false, 1)]);
    }

    #[test]
    fn shortcuts_are_off_while_typing_in_a_text_field() {
        let keymap = KeyMap::default();
        let ctx = egui::Context::default();
        let mut name = String::new();
        let id = egui::Id::unique("author");
        // Frame 1: lay out the field and focus it.
        pass(&ctx, egui::RawInput::default(), |ui| {
            let response = ui.add(egui::TextEdit::singleline(&mut name).id(id));
            response.request_focus();
        });
        let mut actions = vec![Action::Fit];
        pass(
            &ctx,
            egui::RawInput {
                events: vec![key_event(Key::D, Modifiers::NONE)],
                ..Default::default()
            },
            |ui| {
                actions = keymap.triggered(ui.ctx());
                ui.add(egui::TextEdit::singleline(&mut name).id(id));
            },
        );
        assert_eq!(actions, vec![]);
    }
}
