//! Rebuilds `projects/demo-images` from its photographs: the project, its classes
//! and a few labels made through the same `Edit` path as the app.
//!
//! `cargo run --example make_demo_images` (deletes and recreates project.ron and shugu.db).

use shugu::jobs::scan::BackgroundScan;
use shugu::model::{BBox, Edit, ItemStatus, LabelSchema, NewAnnotation};
use shugu::project::Project;
use std::path::Path;

fn main() -> anyhow::Result<()> {
    let dir = Path::new("projects/demo-images");
    for f in [
        "project.ron",
        "shugu.db",
        "shugu.db-wal",
        "shugu.db-shm",
        "shugu.lock",
    ] {
        let _ = std::fs::remove_file(dir.join(f));
    }
    let mut schema = LabelSchema::with_classes(&[
        "猫 cat",
        "人脸 face",
        "杯子 cup",
        "火箭 rocket",
        "星系 galaxy",
        "相机 camera",
        "眼睛 eye",
    ]);
    for label in ["室内 indoor", "室外 outdoor", "太空 space"] {
        schema.add_image_label(label);
    }
    let mut project = Project::create(dir, "示例图片 Demo images", &dir.join("images"), schema)?;
    project.set_author("demo");
    let summary = BackgroundScan::start(project.image_root()).finish_into(&mut project, |_| {})?;
    println!("{} images", summary.images);

    let class = |p: &Project, name: &str| {
        p.schema()
            .classes
            .iter()
            .find(|c| c.name.ends_with(name))
            .map(|c| c.id)
    };
    let label = |p: &Project, name: &str| {
        p.schema()
            .image_labels
            .iter()
            .find(|l| l.name.ends_with(name))
            .map(|l| l.id)
    };
    // (file, [(class, [x0, y0, x1, y1])], image label, done)
    type Boxes = &'static [(&'static str, [f32; 4])];
    let plan: &[(&str, Boxes, &str, bool)] = &[
        (
            "astronaut.jpg",
            &[
                ("face", [153.0, 15.0, 302.0, 162.0]),
                ("rocket", [352.0, 0.0, 474.0, 288.0]),
            ],
            "indoor",
            true,
        ),
        (
            "cat-chelsea.jpg",
            &[
                ("eye", [134.0, 86.0, 210.0, 146.0]),
                ("eye", [294.0, 109.0, 343.0, 166.0]),
                ("cat", [20.0, 10.0, 440.0, 300.0]),
            ],
            "indoor",
            true,
        ),
        (
            "coffee.jpg",
            &[("cup", [172.0, 17.0, 411.0, 306.0])],
            "indoor",
            true,
        ),
        (
            "cameraman.jpg",
            &[
                ("face", [160.0, 63.0, 258.0, 198.0]),
                ("camera", [252.0, 138.0, 326.0, 190.0]),
            ],
            "outdoor",
            false,
        ),
        (
            "space/rocket-launch.jpg",
            &[("rocket", [309.0, 127.0, 336.0, 402.0])],
            "outdoor",
            false,
        ),
        (
            "space/hubble-deep-field.jpg",
            &[
                ("galaxy", [106.0, 381.0, 141.0, 418.0]),
                ("galaxy", [711.0, 454.0, 750.0, 497.0]),
            ],
            "space",
            false,
        ),
    ];
    for (file, boxes, image_label, done) in plan {
        let Some(item) = project
            .items()
            .iter()
            .find(|i| i.rel_path == *file)
            .map(|i| i.id)
        else {
            anyhow::bail!("{file} is not in the demo folder");
        };
        let new = boxes
            .iter()
            .filter_map(|(c, [x0, y0, x1, y1])| {
                class(&project, c).map(|class| {
                    NewAnnotation::rect(item, class, BBox::from_corners([*x0, *y0], [*x1, *y1]))
                })
            })
            .collect();
        project.apply(Edit::AddAnnotations(new))?;
        if let Some(l) = label(&project, image_label) {
            project.apply(Edit::SetImageLabels {
                item,
                labels: vec![l],
            })?;
        }
        if *done {
            project.apply(Edit::SetStatus {
                item,
                status: ItemStatus::Submitted,
            })?;
        }
    }
    let stats = project.stats()?;
    println!(
        "{} annotations, {} done",
        stats.annotations, stats.items_submitted
    );
    Ok(())
}
