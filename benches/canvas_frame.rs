//! One canvas frame with 5,000 boxes and their class labels: building the UI and
//! tessellating it, as the app does every frame (the GPU upload is not included).

use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui::{self, Rect, Vec2, pos2};
use shugu::model::{AnnotationId, BBox, BoxAnnotation, ClassId, ItemId, LabelSchema, Provenance};
use shugu::ui::canvas::{CanvasInput, CanvasState, Picture, Tool};

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

fn scene(n: usize) -> (LabelSchema, Vec<BoxAnnotation>) {
    let schema = LabelSchema::with_classes(&[
        "car",
        "行人",
        "bicycle",
        "卡车",
        "bus",
        "交通灯",
        "dog",
        "猫",
        "tree",
        "路牌",
    ]);
    let boxes = (0..n)
        .map(|i| {
            let x = (i * 37 % 1850) as f32;
            let y = (i * 53 % 1020) as f32;
            BoxAnnotation {
                id: AnnotationId(i as i64 + 1),
                item: ItemId(1),
                class: ClassId((i % 10) as i64 + 1),
                bbox: BBox::from_xywh(x, y, 20.0 + (i % 50) as f32, 15.0 + (i % 40) as f32),
                provenance: Provenance {
                    author: "bench".into(),
                    created_ms: 0,
                    updated_by: "bench".into(),
                    updated_ms: 0,
                },
                attributes: Default::default(),
            }
        })
        .collect();
    (schema, boxes)
}

fn raw_input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(Rect::from_min_size(
            pos2(0.0, 0.0),
            Vec2::new(1920.0, 1080.0),
        )),
        ..Default::default()
    }
}

fn canvas_frame(c: &mut Criterion) {
    let (schema, boxes) = scene(5_000);
    let ctx = egui::Context::default();
    shugu::ui::fonts::install(&ctx);
    let mut state = CanvasState::default();
    let selected = Some(boxes[10].id);
    let frame = |ctx: &egui::Context, state: &mut CanvasState| {
        let out = ctx.run_ui(raw_input(), |ui| {
            let input = CanvasInput {
                picture: Picture::Texture(egui::TextureId::default()),
                image_size: Vec2::new(1920.0, 1080.0),
                boxes: &boxes,
                schema: &schema,
                selected,
                tool: Tool::Box,
                draw_class: Some(ClassId(1)),
                editable: true,
                commented: &[],
                proposals: &[],
                selected_proposal: None,
                proposal_threshold: 0.5,
            };
            state.show(ui, &input);
        });
        let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
        std::hint::black_box(prims);
    };
    // Warm up the glyph cache as the first real frame would.
    frame(&ctx, &mut state);
    c.bench_function(
        "canvas frame: 5000 boxes + labels (build + tessellate)",
        |b| b.iter(|| frame(&ctx, &mut state)),
    );
}

criterion_group!(benches, canvas_frame);
criterion_main!(benches);
