//! One canvas frame with 5,000 boxes, or 5,000 polygons of 40 vertices, and
//! their class labels: building the UI and tessellating it, as the app does
//! every frame (the GPU upload is not included). The polygons are measured
//! three times: with the view unchanged (the annotation mesh is kept from the
//! last frame, as while the pointer moves), panned a pixel every frame (the
//! mesh is moved) and zoomed every frame (the mesh is rebuilt). Then
//! hit-testing the pointer against the 5,000 polygons.

use criterion::{Criterion, criterion_group, criterion_main};
#[path = "common/cpu_time.rs"]
mod cpu_time;
use eframe::egui::{self, Rect, Vec2, pos2};
use shugu::model::{
    Annotation, AnnotationId, BBox, ClassId, ItemId, LabelSchema, Point, Polygon, Provenance, Shape,
};
use shugu::ui::canvas::{CanvasInput, CanvasState, Picture, Scene, SceneShape, Tool, no_keypoints};

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const WIDTH: f32 = 1920.0;
const HEIGHT: f32 = 1080.0;

fn schema() -> LabelSchema {
    LabelSchema::with_classes(&[
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
    ])
}

fn boxes(n: usize) -> Scene {
    let boxes: Vec<Annotation> = (0..n)
        .map(|i| {
            let x = (i * 37 % 1850) as f32;
            let y = (i * 53 % 1020) as f32;
            Annotation {
                id: AnnotationId(i as i64 + 1),
                item: ItemId(1),
                class: ClassId((i % 10) as i64 + 1),
                shape: Shape::Rect(BBox::from_xywh(
                    x,
                    y,
                    20.0 + (i % 50) as f32,
                    15.0 + (i % 40) as f32,
                )),
                group: None,
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
    Scene::from_annotations(&boxes, &[])
}

/// `n` concave polygons of `vertices` points (wavy rings, like traced
/// outlines), spread over the image as the boxes are.
fn polygons(n: usize, vertices: usize) -> Scene {
    let shapes = (0..n)
        .map(|i| {
            let cx = 20.0 + (i * 37 % 1850) as f32;
            let cy = 20.0 + (i * 53 % 1020) as f32;
            let r = 12.0 + (i % 25) as f32;
            let ring = (0..vertices)
                .map(|k| {
                    let a = k as f32 / vertices as f32 * std::f32::consts::TAU;
                    let wobble = if k % 2 == 0 { 1.0 } else { 0.7 };
                    Point::new(cx + r * wobble * a.cos(), cy + r * wobble * a.sin())
                })
                .collect();
            SceneShape::new(
                AnnotationId(i as i64 + 1),
                ClassId((i % 10) as i64 + 1),
                Shape::Polygon(Polygon::new(ring)),
            )
        })
        .collect();
    Scene::new(shapes, vec![])
}

fn raw_input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(Rect::from_min_size(
            pos2(0.0, 0.0),
            Vec2::new(WIDTH, HEIGHT),
        )),
        ..Default::default()
    }
}

/// One frame of the canvas over `scene`, tessellated.
fn frame(ctx: &egui::Context, state: &mut CanvasState, scene: &Scene, schema: &LabelSchema) {
    let selected = scene.shapes.get(10).map(|s| s.id);
    let mut out = ctx.run_ui(raw_input(), |ui| {
        let input = CanvasInput {
            picture: Picture::Texture(egui::TextureId::default()),
            image_size: Vec2::new(WIDTH, HEIGHT),
            scene,
            schema,
            selected,
            tool: Tool::Box,
            draw_class: Some(ClassId(1)),
            keypoints: &no_keypoints,
            editable: true,
            commented: &[],
            selected_proposal: None,
            proposal_threshold: 0.5,
        };
        state.show(ui, &input);
    });
    out.textures_delta.clear();
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    std::hint::black_box(prims);
}

fn canvas_frame(c: &mut Criterion) {
    let schema = schema();
    let ctx = egui::Context::default();
    shugu::ui::fonts::install(&ctx);

    let scene = boxes(5_000);
    let mut state = CanvasState::default();
    // Warm up the glyph cache as the first real frame would.
    frame(&ctx, &mut state, &scene, &schema);
    c.bench_function(
        "canvas frame: 5000 boxes + labels (build + tessellate)",
        |b| b.iter(|| frame(&ctx, &mut state, &scene, &schema)),
    );

    let scene = polygons(5_000, 40);
    let mut state = CanvasState::default();
    frame(&ctx, &mut state, &scene, &schema);
    c.bench_function(
        "canvas frame: 5000 polygons x 40 vertices + labels, view unchanged",
        |b| b.iter(|| frame(&ctx, &mut state, &scene, &schema)),
    );
    let mut step = 1.0;
    c.bench_function(
        "canvas frame: 5000 polygons x 40 vertices + labels, view panned every frame",
        |b| {
            b.iter(|| {
                state.view.pan(Vec2::new(step, 0.0));
                step = -step;
                frame(&ctx, &mut state, &scene, &schema)
            })
        },
    );

    let mut factor = 1.01;
    c.bench_function(
        "canvas frame: 5000 polygons x 40 vertices + labels, view zoomed every frame",
        |b| {
            b.iter(|| {
                let centre = state.rect.center();
                state.view.zoom_at(state.rect, centre, factor);
                factor = 1.0 / factor;
                frame(&ctx, &mut state, &scene, &schema)
            })
        },
    );

    cpu_time_summary(&ctx, &mut state, &scene, &schema);

    let pointers: Vec<Point> = (0..64)
        .map(|i| Point::new((i * 131 % 1920) as f32, (i * 71 % 1080) as f32))
        .collect();
    let mut i = 0;
    c.bench_function("hit test: the pointer against 5000 polygons", |b| {
        b.iter(|| {
            i = (i + 1) % pointers.len();
            std::hint::black_box(scene.shape_at(pointers[i], 3.0))
        })
    });
}

/// Median CPU time of 31 polygon frames per view change, printed beside
/// criterion's wall-clock figures.
#[cfg(unix)]
fn cpu_time_summary(
    ctx: &egui::Context,
    state: &mut CanvasState,
    scene: &Scene,
    schema: &LabelSchema,
) {
    for (name, change) in [("view unchanged", 0), ("panned", 1), ("zoomed", 2)] {
        let mut times: Vec<f64> = (0..31)
            .map(|i| {
                let sign = if i % 2 == 0 { 1.0 } else { -1.0 };
                match change {
                    1 => state.view.pan(Vec2::new(sign, 0.0)),
                    2 => {
                        let centre = state.rect.center();
                        state.view.zoom_at(state.rect, centre, 1.01f32.powf(sign));
                    }
                    _ => {}
                }
                let start = cpu_time::cpu_ms();
                frame(ctx, state, scene, schema);
                cpu_time::cpu_ms() - start
            })
            .collect();
        times.sort_by(f64::total_cmp);
        eprintln!(
            "canvas frame, 5000 polygons x 40 vertices + labels, {name}: median CPU time {:.2} ms",
            times[times.len() / 2]
        );
    }
}

#[cfg(not(unix))]
fn cpu_time_summary(_: &egui::Context, _: &mut CanvasState, _: &Scene, _: &LabelSchema) {}

criterion_group!(benches, canvas_frame);
criterion_main!(benches);
