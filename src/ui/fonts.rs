//! The bundled CJK and emoji fonts. egui's own fonts have no Chinese glyphs
//! and no emoji, and the system font fallback depends on fontconfig and
//! installed fonts, so we ship a GB2312 subset of Noto Sans SC and the
//! monochrome Noto Emoji and put them after egui's fonts: Latin text keeps
//! egui's look, and neither Chinese nor the emoji of real reviews render as
//! tofu. (`assets/fonts/README.md` says where they come from.)

use eframe::egui;
use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};

/// The name the font is registered under in egui's font definitions.
pub const CJK_FONT_NAME: &str = "NotoSansSC-GB2312";

/// The name the emoji font is registered under.
pub const EMOJI_FONT_NAME: &str = "NotoEmoji-Regular";

static CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-GB2312.otf");
static EMOJI_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoEmoji-Regular.ttf");

/// Adds the CJK font, then the emoji font, as the last fallbacks of the
/// proportional and monospace families. Calling it again is a no-op.
pub fn install(ctx: &egui::Context) {
    for (name, font) in [(CJK_FONT_NAME, CJK_FONT), (EMOJI_FONT_NAME, EMOJI_FONT)] {
        let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
            .into_iter()
            .map(|family| InsertFontFamily {
                family,
                priority: FontPriority::Lowest,
            })
            .collect();
        ctx.add_font(FontInsert::new(
            name,
            egui::FontData::from_static(font),
            families,
        ));
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

    fn context_with_fonts() -> egui::Context {
        let ctx = egui::Context::default();
        install(&ctx);
        // Fonts are built at the start of a pass.
        pass(&ctx, egui::RawInput::default(), |_| {});
        ctx
    }

    fn families(ctx: &egui::Context, family: &egui::FontFamily) -> Vec<String> {
        ctx.fonts(|f| {
            f.definitions()
                .families
                .get(family)
                .cloned()
                .unwrap_or_default()
        })
    }

    #[test]
    fn cjk_then_emoji_fonts_are_fallbacks_after_the_default_fonts() {
        let ctx = context_with_fonts();
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            let names = families(&ctx, &family);
            let last_two: Vec<&str> = names
                .iter()
                .rev()
                .take(2)
                .rev()
                .map(String::as_str)
                .collect();
            assert_eq!(last_two, [CJK_FONT_NAME, EMOJI_FONT_NAME]);
            assert!(names.len() > 2, "egui's default fonts were dropped");
            assert_ne!(names[0], CJK_FONT_NAME, "CJK font must not come first");
        }
    }

    #[test]
    fn installing_twice_adds_the_font_once() {
        let ctx = context_with_fonts();
        install(&ctx);
        pass(&ctx, egui::RawInput::default(), |_| {});
        let names = families(&ctx, &egui::FontFamily::Proportional);
        assert_eq!(names.iter().filter(|n| *n == CJK_FONT_NAME).count(), 1);
        assert_eq!(names.iter().filter(|n| *n == EMOJI_FONT_NAME).count(), 1);
    }

    /// The characters of `text` that neither family can draw.
    fn missing_glyphs(ctx: &egui::Context, text: &str) -> std::collections::BTreeSet<char> {
        ctx.fonts_mut(|f| {
            text.chars()
                .filter(|c| !c.is_control())
                .filter(|c| {
                    !f.has_glyph(&egui::FontId::proportional(14.0), *c)
                        || !f.has_glyph(&egui::FontId::monospace(14.0), *c)
                })
                .collect()
        })
    }

    /// What the demos show: the reviews and pre-labels the demo text project
    /// is made from, the texts stored in it, and the demo projects' manifests
    /// (class and label names).
    fn demo_texts() -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut text = String::new();
        let mut files: Vec<_> = std::fs::read_dir(root.join("examples/demo_text"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect();
        for demo in ["demo-images", "demo-text"] {
            files.push(root.join("projects").join(demo).join("project.ron"));
        }
        assert!(files.len() >= 4, "{files:?}");
        for file in files {
            text.push_str(&std::fs::read_to_string(file).unwrap());
        }
        let project = crate::project::Project::open(
            &root.join("projects/demo-text"),
            crate::project::Access::ReadOnly,
        )
        .unwrap();
        assert!(!project.items().is_empty());
        for item in project.items() {
            text.push_str(&project.text(item.id).unwrap().unwrap_or_default().text);
        }
        text
    }

    #[test]
    fn every_character_of_the_demo_texts_has_a_glyph() {
        let ctx = context_with_fonts();
        let text = demo_texts();
        assert!(text.contains('👍') && text.contains('齁'));
        let missing = missing_glyphs(&ctx, &text);
        assert!(missing.is_empty(), "no glyph for {missing:?}");
    }

    #[test]
    fn every_character_of_the_ui_text_has_a_glyph() {
        let ctx = context_with_fonts();
        let text = concat!(
            include_str!("../../locales/zh-CN.yml"),
            include_str!("../../locales/en.yml")
        );
        let missing = missing_glyphs(&ctx, text);
        assert!(missing.is_empty(), "no glyph for {missing:?}");
    }

    #[test]
    fn without_the_font_chinese_is_missing() {
        // Guards the test above: it only means something if egui alone lacks CJK.
        let ctx = egui::Context::default();
        pass(&ctx, egui::RawInput::default(), |_| {});
        let has = ctx.fonts_mut(|f| f.has_glyph(&egui::FontId::proportional(14.0), '标'));
        assert!(!has);
    }
}
