//! One frame of the span-labelling text view on a 100k-char mixed Chinese and
//! Latin document with 2,000 spans, in a 1280×800 window: building the UI and
//! tessellating it (the GPU upload is not included).
//!
//! - "cold frame": a fresh `TextViewState` and a document egui has not laid
//!   out in the previous frame (two documents alternate, and egui's galley
//!   cache only keeps what the last frame used), so the frame pays for
//!   splitting the text, estimating heights, laying out the visible blocks
//!   and its share of background measuring. Glyphs are already rasterised.
//! - "steady frame": the same document again after every block is measured.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use eframe::egui::{self, Color32, Rect, Vec2, pos2};
use shugu::ui::text_view::{self, SpanPaint, TextViewOptions, TextViewState};
use std::cell::Cell;
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const CHARS: usize = 100_000;
const SPANS: usize = 2_000;

/// A deterministic document: sentences of Chinese and Latin words, with a
/// paragraph break every 150 to 1,000 chars.
fn document(seed: u64) -> String {
    let zh: Vec<char> = "贵州猕猴桃的种植面积在过去十年里增长很快北京大学与清华大学的研究人员合作发表了新的论文上海市人民政府今天宣布"
        .chars()
        .collect();
    let en = [
        "the",
        "quick",
        "brown",
        "fox",
        "Beijing",
        "University",
        "kiwifruit",
        "growth",
        "report",
        "data",
    ];
    let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng as usize
    };
    let mut text = String::new();
    let (mut count, mut next_break) = (0, 400);
    while count < CHARS {
        let r = next();
        if r % 3 == 0 {
            let word = en[r % en.len()];
            text.push_str(word);
            text.push(' ');
            count += word.len() + 1;
        } else {
            let start = r % (zh.len() - 12);
            text.extend(&zh[start..start + 3 + r % 9]);
            text.push(if r % 5 == 0 { '。' } else { '，' });
            count += 4 + r % 9;
        }
        if count >= next_break {
            text.push('\n');
            count += 1;
            next_break = count + 150 + next() % 850;
        }
    }
    text
}

/// 2,000 spans spread over the document; every tenth has a nested one.
fn spans(len: usize) -> Vec<SpanPaint> {
    let classes = [
        ("人名", Color32::from_rgb(230, 90, 60)),
        ("地名", Color32::from_rgb(60, 150, 230)),
        ("ORG", Color32::from_rgb(90, 190, 90)),
        ("DATE", Color32::from_rgb(200, 160, 40)),
        ("产品", Color32::from_rgb(170, 90, 200)),
    ];
    let step = len / SPANS;
    (0..SPANS)
        .map(|i| {
            let start = i * step + (i * 7) % (step / 2);
            let nested = i % 10 == 9;
            let (start, end) = if nested {
                let outer = (i - 1) * step + ((i - 1) * 7) % (step / 2);
                (outer + 1, outer + 3)
            } else {
                (start, start + 2 + i % 7)
            };
            let (label, color) = classes[i % classes.len()];
            SpanPaint {
                start,
                end,
                color,
                label: label.into(),
                selected: i == 3,
            }
        })
        .collect()
}

fn raw_input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(Rect::from_min_size(
            pos2(0.0, 0.0),
            Vec2::new(1280.0, 800.0),
        )),
        ..Default::default()
    }
}

struct Scene {
    text: String,
    spans: Vec<SpanPaint>,
}

/// Runs one frame; returns whether the view asked for another one soon
/// (it still has blocks to measure).
fn frame(ctx: &egui::Context, scene: &Scene, state: &mut TextViewState) -> bool {
    let options = TextViewOptions::default();
    let mut out = ctx.run_ui(raw_input(), |ui| {
        text_view::show(ui, &scene.text, &scene.spans, state, &options);
    });
    out.textures_delta.clear();
    let repaint_soon = out
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .is_some_and(|v| v.repaint_delay < std::time::Duration::from_secs(1));
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    std::hint::black_box(prims);
    repaint_soon
}

fn text_view_frames(c: &mut Criterion) {
    let scenes: Vec<Scene> = (1..=2)
        .map(|seed| {
            let text = document(seed);
            let spans = spans(text.chars().count());
            Scene { text, spans }
        })
        .collect();
    let ctx = egui::Context::default();
    shugu::ui::fonts::install(&ctx);
    // Rasterise the glyphs once, as the first frames of the app would.
    for scene in &scenes {
        let mut state = TextViewState::default();
        for _ in 0..200 {
            frame(&ctx, scene, &mut state);
        }
    }

    report_first_frame(&scenes[1]);
    report_measuring(&ctx, &scenes[0]);

    let mut group = c.benchmark_group("text view 100k chars 2000 spans");
    let turn = Cell::new(0usize);
    group.bench_function("cold frame", |b| {
        b.iter_batched(
            TextViewState::default,
            |mut state| {
                let scene = &scenes[turn.get() % 2];
                turn.set(turn.get() + 1);
                frame(&ctx, scene, &mut state);
                state
            },
            BatchSize::SmallInput,
        )
    });

    let mut state = TextViewState::default();
    for _ in 0..200 {
        frame(&ctx, &scenes[0], &mut state);
    }
    group.bench_function("steady frame", |b| {
        b.iter(|| frame(&ctx, &scenes[0], &mut state))
    });
    group.finish();
}

/// The very first frame in a new context: fonts loaded and every glyph in
/// view rasterised (printed, not benchmarked).
fn report_first_frame(scene: &Scene) {
    let ctx = egui::Context::default();
    shugu::ui::fonts::install(&ctx);
    let mut state = TextViewState::default();
    let t = Instant::now();
    frame(&ctx, scene, &mut state);
    eprintln!(
        "text view: first frame in a new egui context (font loading and glyph rasterising included): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
}

/// How many frames until every block has its exact height, and how long the
/// slowest of them took (printed, not benchmarked).
fn report_measuring(ctx: &egui::Context, scene: &Scene) {
    let mut state = TextViewState::default();
    let mut slowest = 0.0f64;
    let mut frames = 0;
    let start = Instant::now();
    // Fully measured once a frame no longer asks for another repaint.
    loop {
        let t = Instant::now();
        let pending = frame(ctx, scene, &mut state);
        slowest = slowest.max(t.elapsed().as_secs_f64());
        frames += 1;
        if !pending || frames >= 500 {
            break;
        }
    }
    eprintln!(
        "text view: {} chars, {frames} frames ({:.1} ms in all, slowest {:.2} ms) until every block is measured",
        scene.text.chars().count(),
        start.elapsed().as_secs_f64() * 1e3,
        slowest * 1e3
    );
}

criterion_group!(benches, text_view_frames);
criterion_main!(benches);
