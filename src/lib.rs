//! Shugu (数谷标注): a native desktop data-annotation tool.
//!
//! The crate is a functional core with an imperative shell; see `ARCHITECTURE.md`.
//! `model` is plain data, `formats` converts it to and from files, `project` owns
//! storage and the edit path, `media` decodes images, and `ui`/`cli` are the shell.

pub mod cli;
pub mod formats;
pub mod jobs;
pub mod media;
pub mod model;
pub mod project;
pub mod quality;
pub mod ui;

rust_i18n::i18n!("locales", fallback = "en");
