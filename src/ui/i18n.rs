//! UI language selection. Translations live in `locales/*.yml` and are compiled in
//! by `rust_i18n::i18n!` in `lib.rs`; look them up with `rust_i18n::t!("key")`.
//!
//! The current locale is process-global: tests must not switch it, or they race
//! with other tests that read UI text. To read another language in a test, use
//! `t!("key", locale = "zh-CN")`.

use crate::model::ItemStatus;
use serde::{Deserialize, Serialize};

/// rust-i18n reads `locales/` inside a proc macro, which cargo does not track,
/// so editing only a translation would not rebuild the crate. Including the
/// files here puts them in cargo's dependency info. Add new locale files too.
const _TRACK_LOCALE_FILES: [&str; 2] = [
    include_str!("../../locales/en.yml"),
    include_str!("../../locales/zh-CN.yml"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    English,
    Chinese,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Chinese];

    /// The rust-i18n locale name, which is also the file stem in `locales/`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Chinese => "zh-CN",
        }
    }

    /// The language's name in that language, for the language picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Chinese => "简体中文",
        }
    }

    /// The operating system's UI language: Chinese for any `zh*` locale, otherwise English.
    pub fn from_system() -> Language {
        sys_locale::get_locale()
            .map(|tag| Language::from_locale_tag(&tag))
            .unwrap_or(Language::English)
    }

    /// Maps a BCP 47 or POSIX locale tag (`zh-CN`, `zh_TW.UTF-8`, `en-US`) to a language.
    pub fn from_locale_tag(tag: &str) -> Language {
        if tag.trim().to_ascii_lowercase().starts_with("zh") {
            Language::Chinese
        } else {
            Language::English
        }
    }
}

/// Switches the UI language for every later `t!` lookup.
pub fn set_language(language: Language) {
    rust_i18n::set_locale(language.code());
}

/// The translation key for an item status.
pub fn status_key(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::New => "status.new",
        ItemStatus::InProgress => "status.in_progress",
        ItemStatus::Submitted => "status.submitted",
        ItemStatus::Accepted => "status.accepted",
        ItemStatus::Rejected => "status.rejected",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_i18n::t;
    use std::collections::{BTreeMap, BTreeSet};

    /// Keys the UI is written against; each must exist in every language.
    const REQUIRED: &[&str] = &[
        "review.reason_missed",
        "review.reason_wrong_class",
        "review.reason_loose",
        "action.accept",
        "action.reject",
        "action.toggle_dashboard",
        "status.to_review",
        "status.to_rework",
        "menu.dashboard",
        "dashboard.title",
        "dashboard.items",
        "dashboard.annotators",
        "dashboard.items_per_status",
        "dashboard.labels_per_class",
        "dashboard.items_per_hour",
        "dashboard.rejection_rate",
        "dashboard.hours",
        "dashboard.no_data",
        "dashboard.agreement",
        "dashboard.golden_accuracy",
        "action.golden",
        "menu.split_packages",
        "menu.merge_packages",
        "packages.split_title",
        "packages.annotators",
        "packages.overlap",
        "packages.split",
        "packages.choose_output",
        "packages.choose_merge",
        "packages.split_done",
        "packages.merge_done",
        "packages.none_found",
        "packages.failed",
        "packages.working",
        "app.title",
        "start.title",
        "start.recent",
        "start.demos",
        "start.new_from_folder",
        "start.open_project",
        "start.no_recent",
        "start.author_prompt",
        "start.author_placeholder",
        "start.continue",
        "menu.file",
        "menu.import",
        "menu.export",
        "menu.new_project",
        "menu.open_project",
        "menu.export_coco",
        "menu.import_yolo",
        "menu.export_yolo",
        "yolo.import_title",
        "yolo.export_title",
        "menu.import_yolo_seg",
        "menu.export_yolo_seg",
        "menu.import_yolo_obb",
        "menu.export_yolo_obb",
        "menu.import_yolo_pose",
        "menu.export_yolo_pose",
        "menu.import_dota",
        "menu.export_dota",
        "dota.import_title",
        "dota.export_title",
        "dataset.import_done_shapes",
        "export.converted",
        "dataset.import_done",
        "dataset.import_failed",
        "dataset.new_classes",
        "dataset.problems",
        "menu.close_project",
        "menu.quit",
        "menu.edit",
        "menu.undo",
        "menu.redo",
        "menu.view",
        "menu.fit",
        "menu.settings",
        "menu.help",
        "menu.keys",
        "tool.box",
        "tool.select",
        "panel.items",
        "panel.classes",
        "panel.image_labels",
        "panel.selected",
        "panel.history",
        "filter.status",
        "filter.class",
        "filter.all",
        "filter.changed",
        "filter.any_time",
        "filter.last_hour",
        "filter.last_day",
        "filter.last_week",
        "status.new",
        "status.in_progress",
        "status.submitted",
        "status.accepted",
        "status.rejected",
        "status.broken",
        "status.saved",
        "status.saving",
        "status.read_only",
        "status.item",
        "status.zoom",
        "status.cursor",
        "action.prev",
        "action.next",
        "action.done_next",
        "action.copy_prev",
        "action.delete",
        "action.undo",
        "action.redo",
        "action.fit",
        "settings.title",
        "settings.language",
        "settings.author",
        "settings.keymap_file",
        "settings.close",
        "export.done",
        "export.left_out",
        "export.labels_kept",
        "export.failed",
        "scan.progress",
        "scan.done",
        "scan.repaired",
        "scan.skipped",
        "scan.skipped_title",
        "scan.unsupported",
        "scan.not_an_image",
        "image.no_jpeg_end",
        "menu.rescan",
        "error.image",
        "error.open_project",
        "project.offer_create",
        "project.create",
        "project.cancel",
        "annotation.class",
        "annotation.delete",
        "labels.none",
        "keys.title",
        "class.add",
        "class.add_hint",
        "workspace.empty",
    ];

    fn messages(locale: &str) -> BTreeMap<String, String> {
        crate::_rust_i18n_backend()
            .messages_for_locale(locale)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    fn placeholders(text: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let mut rest = text;
        while let Some(start) = rest.find("%{") {
            let after = &rest[start + 2..];
            match after.find('}') {
                Some(end) => {
                    found.insert(after[..end].to_string());
                    rest = &after[end + 1..];
                }
                None => break,
            }
        }
        found
    }

    #[test]
    fn every_language_has_every_required_key() {
        for language in Language::ALL {
            let messages = messages(language.code());
            for key in REQUIRED {
                assert!(
                    messages.get(*key).is_some_and(|v| !v.trim().is_empty()),
                    "{} has no text for {key}",
                    language.code()
                );
            }
        }
    }

    #[test]
    fn languages_have_the_same_keys_and_placeholders() {
        let en = messages("en");
        let zh = messages("zh-CN");
        assert!(en.len() > REQUIRED.len() / 2, "en.yml was not loaded");
        let en_keys: BTreeSet<_> = en.keys().collect();
        let zh_keys: BTreeSet<_> = zh.keys().collect();
        assert_eq!(
            en_keys.symmetric_difference(&zh_keys).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "keys in only one of en.yml / zh-CN.yml"
        );
        for (key, en_text) in &en {
            assert_eq!(
                placeholders(en_text),
                placeholders(&zh[key]),
                "placeholders differ for {key}"
            );
        }
    }

    #[test]
    fn chinese_text_is_actually_chinese() {
        let zh = messages("zh-CN");
        for key in [
            "menu.undo",
            "action.done_next",
            "panel.classes",
            "app.title",
        ] {
            assert!(
                zh[key]
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{key} = {:?}",
                zh[key]
            );
        }
        assert_eq!(zh["menu.undo"], "撤销");
        assert_eq!(zh["menu.redo"], "重做");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            t!("status.item", locale = "en", n = 3, total = 10),
            "Image 3/10"
        );
        assert_eq!(
            t!("status.item", locale = "zh-CN", n = 3, total = 10),
            "第 3/10 张"
        );
    }

    /// A `t!("key", name = value, …)` call found in the source.
    struct Call {
        file: String,
        key: String,
        args: Vec<String>,
    }

    /// Finds the `t!` calls with a literal key in `text`. Splits arguments at
    /// top-level commas, skipping string literals and nested brackets.
    fn find_calls(file: &str, text: &str) -> Vec<Call> {
        let needle = ["t", "!("].concat();
        let mut calls = Vec::new();
        for (at, _) in text.match_indices(&needle) {
            let before = &text[..at];
            let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
            let preceded_by_ident = before
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            let rest = &text[at + needle.len()..];
            // Skip comments and calls whose key isn't a string literal.
            if line.contains("//") || preceded_by_ident || !rest.trim_start().starts_with('"') {
                continue;
            }
            let mut parts = vec![String::new()];
            let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
            for c in rest.chars() {
                if in_str {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        in_str = false;
                    }
                } else {
                    match c {
                        '"' => in_str = true,
                        '(' | '[' | '{' => depth += 1,
                        ')' | ']' | '}' if depth == 0 => break,
                        ')' | ']' | '}' => depth -= 1,
                        ',' if depth == 0 => {
                            parts.push(String::new());
                            continue;
                        }
                        _ => {}
                    }
                }
                if let Some(last) = parts.last_mut() {
                    last.push(c);
                }
            }
            let key = parts[0].trim().trim_matches('"').to_string();
            let args = parts[1..]
                .iter()
                .filter_map(|p| p.split_once('=').map(|(name, _)| name.trim()))
                .filter(|name| !name.is_empty() && *name != "locale")
                .map(|name| name.trim_matches('"').to_string())
                .collect();
            calls.push(Call {
                file: file.to_string(),
                key,
                args,
            });
        }
        calls
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn call_finder_reads_keys_and_argument_names() {
        let src = concat!(
            "ui.label(t!(\"status.item\", n = n, total = f(a, b)));\n",
            "t!(\n  \"status.cursor\",\n  x = \"a, b\",\n  y = format!(\"{:.1}\", p.y)\n);\n",
            "// t!(\"in.comment\")\n",
            "t!(action.label_key()); it!(\"x.y\"); t!(\"a.b\", locale = \"zh-CN\");"
        );
        let calls = find_calls("f.rs", src);
        let found: Vec<_> = calls
            .iter()
            .map(|c| (c.key.as_str(), c.args.clone()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("status.item", vec!["n".to_string(), "total".to_string()]),
                ("status.cursor", vec!["x".to_string(), "y".to_string()]),
                ("a.b", vec![]),
            ]
        );
    }

    /// Every `t!("key", …)` in the crate names a key that exists, passes every
    /// placeholder the text has, and passes nothing the text lacks: a wrong
    /// name shows up in the UI as a literal `%{name}`.
    #[test]
    fn every_t_call_in_the_crate_matches_the_translations() {
        let en = messages("en");
        // `file!()` is relative to the package root (absolute when included via #[path]).
        let this_file =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(std::path::Path::new(file!()));
        let Some(src) = this_file.parent().and_then(|ui| ui.parent()) else {
            panic!("no src dir above {}", this_file.display());
        };
        let mut files = Vec::new();
        rust_files(src, &mut files);
        assert!(!files.is_empty(), "no sources under {}", src.display());
        let mut problems = Vec::new();
        let mut checked = 0;
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for call in find_calls(&path.display().to_string(), &text) {
                checked += 1;
                let Some(message) = en.get(&call.key) else {
                    problems.push(format!("{}: unknown key {}", call.file, call.key));
                    continue;
                };
                let wanted = placeholders(message);
                let given: BTreeSet<String> = call.args.iter().cloned().collect();
                if wanted != given {
                    problems.push(format!(
                        "{}: {} has placeholders {wanted:?} but the call passes {given:?}",
                        call.file, call.key
                    ));
                }
            }
        }
        assert!(checked > 0);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn locale_tags_map_to_languages() {
        assert_eq!(Language::from_locale_tag("zh-CN"), Language::Chinese);
        assert_eq!(Language::from_locale_tag("zh_TW.UTF-8"), Language::Chinese);
        assert_eq!(Language::from_locale_tag("ZH-Hans"), Language::Chinese);
        assert_eq!(Language::from_locale_tag("en-US"), Language::English);
        assert_eq!(Language::from_locale_tag("de_DE"), Language::English);
        assert_eq!(Language::from_locale_tag(""), Language::English);
    }

    #[test]
    fn codes_are_available_locales() {
        let available = crate::_rust_i18n_backend().available_locales();
        for language in Language::ALL {
            assert!(
                available.iter().any(|l| l == language.code()),
                "{} missing from {available:?}",
                language.code()
            );
        }
    }

    #[test]
    fn every_status_has_text() {
        let en = messages("en");
        for status in ItemStatus::ALL {
            assert!(en.contains_key(status_key(status)));
        }
    }
}
