//! Shugu (数谷标注): a native desktop data-annotation tool.
//!
//! The crate is a functional core with an imperative shell; see `ARCHITECTURE.md`.
//! `model` is plain data, `formats` converts it to and from files, `project` owns
//! storage and the edit path, `media` decodes images, and `ui`/`cli` are the shell.

pub mod cli;
pub mod formats;
pub mod infer;
pub mod jobs;
pub mod media;
pub mod model;
pub mod project;
pub mod quality;
pub mod ui;

rust_i18n::i18n!("locales", fallback = "en");

/// The allocator Shugu's binaries declare (`#[global_allocator] static A:
/// shugu::Allocator = shugu::ALLOCATOR;` in the app and the benchmarks, so
/// they measure what ships). A million-line import frees on the storing
/// thread what the reading thread allocated; jemalloc's per-thread caches
/// make that import about a fifth faster than with glibc's allocator. MSVC
/// builds, where jemalloc does not build, keep the system allocator.
#[cfg(not(target_env = "msvc"))]
pub type Allocator = tikv_jemallocator::Jemalloc;
#[cfg(not(target_env = "msvc"))]
pub const ALLOCATOR: Allocator = tikv_jemallocator::Jemalloc;
#[cfg(target_env = "msvc")]
pub type Allocator = std::alloc::System;
#[cfg(target_env = "msvc")]
pub const ALLOCATOR: Allocator = std::alloc::System;
