//! The bundled CJK font. egui's own fonts have no Chinese glyphs, and the system
//! font fallback depends on fontconfig and installed fonts, so we ship a GB2312
//! subset of Noto Sans SC and put it after egui's fonts: Latin text keeps egui's
//! look, and Chinese never renders as tofu.

use eframe::egui;
use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};

/// The name the font is registered under in egui's font definitions.
pub const CJK_FONT_NAME: &str = "NotoSansSC-GB2312";

static CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-GB2312.otf");

/// Adds the CJK font as the last fallback of the proportional and monospace
/// families. Calling it again is a no-op.
pub fn install(ctx: &egui::Context) {
    let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
        .into_iter()
        .map(|family| InsertFontFamily {
            family,
            priority: FontPriority::Lowest,
        })
        .collect();
    ctx.add_font(FontInsert::new(
        CJK_FONT_NAME,
        egui::FontData::from_static(CJK_FONT),
        families,
    ));
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
    fn cjk_font_is_a_fallback_after_the_default_fonts() {
        let ctx = context_with_fonts();
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            let names = families(&ctx, &family);
            assert_eq!(names.last().map(String::as_str), Some(CJK_FONT_NAME));
            assert!(names.len() > 1, "egui's default fonts were dropped");
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
    }

    #[test]
    fn every_character_of_the_ui_text_has_a_glyph() {
        let ctx = context_with_fonts();
        let text = concat!(
            include_str!("../../locales/zh-CN.yml"),
            include_str!("../../locales/en.yml")
        );
        let missing: Vec<char> = ctx.fonts_mut(|f| {
            text.chars()
                .filter(|c| !c.is_control())
                .filter(|c| {
                    !f.has_glyph(&egui::FontId::proportional(14.0), *c)
                        || !f.has_glyph(&egui::FontId::monospace(14.0), *c)
                })
                .collect()
        });
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
