//! The span-labelling text view hosted alone in a kittest harness: mouse drags
//! between the screen positions of characters must report exactly those code
//! points (Chinese, emoji, ZWJ sequences, 𠮷, combining accents, CRLF), keys
//! extend the selection, clicks pick the smallest span, and snapping extends
//! to whole words.

use crate::common::gui::primary_button as button;
use eframe::egui::{Color32, Event, Key, Modifiers, PointerButton, Pos2, Vec2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use shugu::ui::text_view::{self, SpanPaint, TextViewOptions, TextViewState};
use std::ops::Range;

const MIXED: &str = "贵州猕猴桃😀 e\u{301} 𠮷 👨\u{200D}👩\u{200D}👧 tea\r\nline2";

struct View {
    text: String,
    spans: Vec<SpanPaint>,
    state: TextViewState,
    options: TextViewOptions,
    selection: Option<Range<usize>>,
    clicked: Vec<usize>,
}

fn harness(text: &str, spans: Vec<SpanPaint>, snap_to_token: bool) -> Harness<'static, View> {
    let view = View {
        text: text.to_string(),
        spans,
        state: TextViewState::default(),
        options: TextViewOptions {
            snap_to_token,
            ..Default::default()
        },
        selection: None,
        clicked: Vec::new(),
    };
    let mut h = Harness::builder()
        .with_size(Vec2::new(640.0, 420.0))
        // Real frame times, so two quick clicks make a double-click.
        .with_step_dt(1.0 / 60.0)
        .with_context_setup(shugu::ui::fonts::install)
        // 𠮷 (CJK Ext B) is outside the bundled GB2312 subset; it draws as a
        // box of its own width, which is all these tests need.
        .allow_missing_glyphs()
        .build_ui_state(
            |ui, v: &mut View| {
                let r = text_view::show(ui, &v.text, &v.spans, &mut v.state, &v.options);
                v.selection = r.selection;
                v.clicked.extend(r.clicked_span);
            },
            view,
        );
    h.run();
    h
}

fn span(start: usize, end: usize, label: &str) -> SpanPaint {
    SpanPaint {
        start,
        end,
        color: Color32::from_rgb(230, 120, 40),
        label: label.into(),
        selected: false,
    }
}

/// The screen point of the boundary before char `index` (mid-height of text).
fn boundary(h: &Harness<View>, index: usize) -> Pos2 {
    let r = h
        .state()
        .state
        .caret_rect(index)
        .unwrap_or_else(|| panic!("char {index} is not in view"));
    pos2(r.left(), r.center().y)
}

/// The centre of char `index` on screen.
fn center(h: &Harness<View>, index: usize) -> Pos2 {
    h.state().state.char_rect(index).unwrap().center()
}

/// Presses at `from` and releases at `to`. The pointer first moves down
/// 12 points (still on the same row): egui only calls it a drag after the
/// pointer has moved 6 points, and some chars (a tofu emoji) are narrower.
fn drag(h: &mut Harness<View>, from: Pos2, to: Pos2) {
    h.event(Event::PointerMoved(from));
    h.run();
    button(h, from, true);
    let detour = from + Vec2::new(0.0, 12.0);
    h.event(Event::PointerMoved(detour));
    h.run();
    for i in 1..=4 {
        h.event(Event::PointerMoved(
            detour + (to - detour) * (i as f32 / 4.0),
        ));
        h.run();
    }
    button(h, to, false);
}

fn drag_chars(h: &mut Harness<View>, from: usize, to: usize) {
    let (a, b) = (boundary(h, from), boundary(h, to));
    drag(h, a, b);
}

fn click(h: &mut Harness<View>, pos: Pos2) {
    // Let the previous click age so two clicks don't make a double-click.
    h.run_steps(40);
    h.event(Event::PointerMoved(pos));
    h.run();
    button(h, pos, true);
    button(h, pos, false);
}

fn press(h: &mut Harness<View>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

#[test]
fn the_view_is_labelled_for_accessibility() {
    let h = harness(MIXED, vec![], false);
    h.get_by_label("Document text");
}

#[test]
fn drag_selects_exactly_the_code_points_between_two_chars() {
    let mut h = harness(MIXED, vec![], false);
    let cases = [
        (0, 5),       // 贵州猕猴桃
        (4, 6),       // 桃😀 (astral emoji)
        (5, 6),       // 😀 alone
        (7, 9),       // e + combining acute
        (6, 10),      // " é "
        (10, 11),     // 𠮷 (astral, CJK Ext B)
        (9, 12),      // " 𠮷 "
        (12, 17),     // the ZWJ family, 5 code points
        (11, 18),     // with the spaces around it
        (16 + 2, 21), // "tea", stopping before the \r
        (2, 17),
    ];
    for (i, j) in cases {
        drag_chars(&mut h, i, j);
        assert_eq!(h.state().selection, Some(i..j), "dragging {i} -> {j}");
        drag_chars(&mut h, j, i);
        assert_eq!(h.state().selection, Some(i..j), "dragging {j} -> {i}");
    }
}

#[test]
fn drag_across_the_crlf_counts_both_chars() {
    let mut h = harness(MIXED, vec![], false);
    // From before "tea" to after "li" on the next line: t e a \r \n l i.
    drag_chars(&mut h, 18, 25);
    assert_eq!(h.state().selection, Some(18..25));
    let text: String = MIXED.chars().skip(18).take(7).collect();
    assert_eq!(text, "tea\r\nli");
}

#[test]
fn carriage_return_is_invisible() {
    let h = harness(MIXED, vec![], false);
    let cr = h.state().state.char_rect(21).unwrap();
    assert_eq!(cr.width(), 0.0, "\\r must not take room: {cr:?}");
    let a = h.state().state.char_rect(20).unwrap();
    assert!(a.width() > 0.0);
}

#[test]
fn dragging_into_a_cluster_selects_the_whole_cluster() {
    let mut h = harness(MIXED, vec![], false);
    // Between 👨 and 👩 (or wherever egui puts that boundary).
    let inside = h.state().state.caret_rect(14).unwrap();
    let from = boundary(&h, 11);
    drag(&mut h, from, pos2(inside.left(), inside.center().y));
    assert_eq!(h.state().selection, Some(11..17));
    // Into the accent of é.
    let accent = h.state().state.caret_rect(8).unwrap();
    let from = boundary(&h, 6);
    drag(&mut h, from, pos2(accent.left(), accent.center().y));
    let sel = h.state().selection.clone().unwrap();
    assert_eq!(sel.start, 6);
    assert!(
        sel.end == 7 || sel.end == 9,
        "split e from its accent: {sel:?}"
    );
    // A selection set by the host inside the family is widened to all of it.
    h.state_mut().state.set_selection(Some(14..15));
    h.run();
    assert_eq!(h.state().selection, Some(12..17));
}

#[test]
fn shift_arrows_extend_from_the_caret() {
    let mut h = harness(MIXED, vec![], false);
    drag_chars(&mut h, 0, 2);
    assert_eq!(h.state().selection, Some(0..2));
    press(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    assert_eq!(h.state().selection, Some(0..3));
    press(&mut h, Modifiers::SHIFT, Key::ArrowLeft);
    press(&mut h, Modifiers::SHIFT, Key::ArrowLeft);
    assert_eq!(h.state().selection, Some(0..1));

    // Over the astral emoji and the ZWJ family: one character each.
    drag_chars(&mut h, 4, 5);
    press(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    assert_eq!(h.state().selection, Some(4..6));
    drag_chars(&mut h, 9, 12);
    press(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    assert_eq!(h.state().selection, Some(9..17));

    // Shift+click moves the free end to the clicked boundary.
    h.run_steps(40);
    let p = boundary(&h, 18);
    h.event(Event::PointerMoved(p));
    h.run();
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos: p,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::SHIFT,
        });
        h.run();
    }
    assert_eq!(h.state().selection, Some(9..18));
    press(&mut h, Modifiers::SHIFT, Key::ArrowLeft);
    assert_eq!(h.state().selection, Some(9..17));

    // Shift+End goes to the end of the row, before the \r; Shift+Home back
    // past the anchor to the row start.
    press(&mut h, Modifiers::SHIFT, Key::End);
    assert_eq!(h.state().selection, Some(9..21));
    press(&mut h, Modifiers::SHIFT, Key::Home);
    assert_eq!(h.state().selection, Some(0..9));
}

#[test]
fn clicking_a_span_reports_the_smallest_one_under_the_pointer() {
    let spans = vec![span(0, 5, "ORG"), span(0, 2, "LOC"), span(12, 17, "FAM")];
    let mut h = harness(MIXED, spans, false);
    let p = center(&h, 1);
    click(&mut h, p);
    assert_eq!(h.state().clicked, vec![1]);
    let p = center(&h, 3);
    click(&mut h, p);
    assert_eq!(h.state().clicked, vec![1, 0]);
    let p = center(&h, 12);
    click(&mut h, p);
    assert_eq!(h.state().clicked, vec![1, 0, 2]);
    // Outside every span: nothing.
    let p = center(&h, 19);
    click(&mut h, p);
    assert_eq!(h.state().clicked, vec![1, 0, 2]);
    assert_eq!(h.state().selection, None, "a click is not a selection");
    // The tags sit just above the first char; the outer span's comes first.
    let first = h.state().state.char_rect(0).unwrap();
    click(&mut h, first.left_top() + Vec2::new(4.0, -5.0));
    assert_eq!(h.state().clicked, vec![1, 0, 2, 0]);
}

#[test]
fn snap_to_token_extends_to_whole_words() {
    let text = "say hello world now 贵州猕猴桃";
    let mut h = harness(text, vec![], true);
    // "hel|lo wor|ld"
    drag_chars(&mut h, 7, 13);
    assert_eq!(h.state().selection, Some(4..15));
    // Chinese characters are tokens of their own.
    drag_chars(&mut h, 21, 23);
    assert_eq!(h.state().selection, Some(21..23));
    // The snapped selection is kept: Shift+Right adds the next token.
    drag_chars(&mut h, 5, 6);
    assert_eq!(h.state().selection, Some(4..9));
    press(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    press(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    assert_eq!(h.state().selection, Some(4..15));
}

#[test]
fn double_click_selects_a_word() {
    let text = "say hello world now";
    let mut h = harness(text, vec![], false);
    let p = center(&h, 12);
    click(&mut h, p);
    button(&mut h, p, true);
    button(&mut h, p, false);
    assert_eq!(h.state().selection, Some(10..15));
}

#[test]
fn bad_spans_and_odd_text_never_panic() {
    let spans = vec![
        span(9, 2, "reversed"),
        span(3, 3, "empty"),
        span(40, 900, "past the end"),
        span(usize::MAX, 0, "huge"),
        span(0, 1, ""),
    ];
    for text in [
        "",
        "\n",
        "\r",
        "\r\n\r\n",
        "a\u{0}b\u{1b}",
        "\u{301}x",
        "👨\u{200D}",
        MIXED,
    ] {
        let mut h = harness(text, spans.clone(), true);
        h.get_by_label("Document text");
        let len = text.chars().count();
        let end = h.state().state.caret_rect(len);
        assert!(end.is_some(), "no caret at the end of {text:?}");
        let start = boundary(&h, 0);
        let to = pos2(600.0, 400.0);
        drag(&mut h, start, to);
        press(&mut h, Modifiers::SHIFT, Key::ArrowRight);
        press(&mut h, Modifiers::SHIFT, Key::End);
        if let Some(sel) = h.state().selection.clone() {
            assert!(sel.end <= len && sel.start < sel.end, "{sel:?} in {text:?}");
        }
    }
}

#[test]
fn offsets_stay_right_far_down_a_long_document() {
    // ~20k chars in many paragraphs and one long paragraph split in pieces.
    let paragraph = "北京大学 Peking University 位于海淀区。".repeat(6);
    let mut text = String::new();
    for i in 0..60 {
        text.push_str(&format!("{i}: {paragraph}\r\n"));
    }
    text.push_str(&"word 词语 ".repeat(700));
    text.push_str("\nthe end");
    let chars: Vec<char> = text.chars().collect();
    let target = chars.len() - 3; // "end"
    let mut h = harness(&text, vec![span(target, target + 3, "END")], false);
    h.state_mut().state.scroll_to_char(target);
    h.run();
    assert!(
        h.state().state.char_rect(0).is_none(),
        "the start scrolled out"
    );
    drag_chars(&mut h, target, target + 3);
    assert_eq!(h.state().selection, Some(target..target + 3));

    // And in the middle of the long paragraph (a later piece of it).
    let mid = text.find("word 词语 ").unwrap();
    let mid = text[..mid].chars().count() + 8 * 400; // past two 1,500-char pieces
    assert_eq!(&chars[mid..mid + 4], &['w', 'o', 'r', 'd']);
    h.state_mut().state.scroll_to_char(mid);
    h.run();
    h.run();
    drag_chars(&mut h, mid, mid + 7);
    assert_eq!(h.state().selection, Some(mid..mid + 7));
}
