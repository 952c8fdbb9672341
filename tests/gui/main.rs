//! The GUI tests, driven headless with egui_kittest. One binary, because each test
//! binary links the whole GUI stack; the Chinese-language test has its own binary,
//! because the UI language is process-wide.

#[path = "../common/mod.rs"]
mod common;

mod annotate;
mod box_attributes;
mod cvat;
mod labelme_label_studio;
mod packages;
mod proposals;
mod rescan;
mod review;
mod start_and_errors;
mod text;
mod text_view;
mod voc;
