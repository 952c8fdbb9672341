//! The GUI tests, driven headless with egui_kittest. One binary, because each test
//! binary links the whole GUI stack; the Chinese-language test has its own binary,
//! because the UI language is process-wide.

#[path = "../common/mod.rs"]
mod common;
#[path = "../media_fixtures/mod.rs"]
mod media_fixtures;

mod ai_assist;
mod annotate;
mod box_attributes;
mod canvas_tools;
mod class_picker;
mod coco;
mod cvat;
mod cvat_subsets;
mod dashboard;
mod gallery;
mod image_folder;
mod labelme_label_studio;
mod packages;
mod proposals;
mod reading;
mod rescan;
mod review;
mod shape_tools;
mod start_and_errors;
mod team;
mod text;
mod text_formats;
mod text_view;
mod voc;
mod workers;
mod yolo_shapes;
