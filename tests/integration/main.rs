//! Tests of the library and the `shugu` command: formats, projects, media, crash
//! safety. One binary, because each test binary links the whole crate and its
//! dependencies.

#[path = "../common/mod.rs"]
mod common;
#[path = "../media_fixtures/mod.rs"]
mod media_fixtures;

mod cli_basics;
mod cli_export_status;
mod cli_image_map;
mod cli_packages;
mod cli_text;
mod coco_project_roundtrip;
mod coco_pycocotools;
mod coco_roundtrip;
mod coco_segmentation;
mod coco_shapes;
mod crash_safety;
mod cvat;
mod cvat_labelme_shapes;
mod cvat_subsets;
mod export_companions;
mod format_registry;
mod import_names;
mod infer_models;
mod infer_ocr;
mod infer_servers;
mod infer_support;
mod label_studio_shapes;
mod labelme_label_studio;
mod media_jpeg_end;
mod media_loader;
mod media_scan;
mod media_thumbnails;
mod older_databases;
mod packages;
mod pg_claim;
mod pg_db_init;
mod pg_projects;
mod pg_stress;
mod predict_job;
mod project_edits;
mod project_scale;
mod project_text;
mod proposals;
mod rescan;
mod shapes_in_box_formats;
mod text_formats;
mod text_fresh_build;
mod text_import_trust;
mod voc;
mod yolo_bad_input;
mod yolo_classify;
mod yolo_roundtrip;
mod yolo_shapes;
