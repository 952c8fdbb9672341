//! Image files: scanning folders, reading headers, decoding with limits, background
//! loading and the texture cache.
//!
//! The module knows images and egui textures, nothing of projects or annotations. Entry
//! points, from cheap to expensive:
//!
//! - [`is_image_path`]: by extension, for filtering listings;
//! - [`probe`]: size and EXIF orientation from the header, no pixels;
//! - [`scan_folder`]: a recursive, streaming, parallel `probe` of a folder;
//! - [`decode_for_display`]: pixels, oriented and downscaled to the GPU limit;
//! - [`ImageLoader`]: `decode_for_display` on worker threads with a texture LRU, for the UI;
//! - [`make_thumbnail`]: reduced in the DCT domain for JPEG, resampled, upright;
//!   [`ThumbnailCache`] keeps them on disk.
//!
//! Invariants:
//! - Sizes are always the *displayed* size (EXIF orientation applied), and `probe` and
//!   `decode_for_display` agree on it, because annotations are stored in that space.
//! - Nothing from a file can panic or exhaust memory: sizes are checked against
//!   [`MAX_PIXELS`]/[`MAX_SIDE`] from the header before any pixel buffer exists.
//! - Every error is a [`MediaError`] whose message starts with the file's path.

mod color_image;
mod crash_guard;
mod decode;
mod error;
mod jpeg_markers;
mod jpeg_scan;
mod limits;
mod loader;
mod probe;
mod scaled_jpeg;
mod scan;
mod sniff;
mod texture_cache;
mod thumb_cache;
mod thumbnail;
mod work_queue;

pub use decode::{DecodedImage, decode_for_display};
pub use error::MediaError;
pub use jpeg_scan::ImageWarning;
pub use limits::{MAX_DECODE_BYTES, MAX_PIXELS, MAX_SIDE};
pub use loader::{ImageLoader, LoadState};
pub use probe::{ImageInfo, probe};
pub use scan::{
    ScanEvent, ScanSummary, ScannedFile, SkipReason, SkippedFile, is_image_path, scan_folder,
    skip_reason,
};
pub use thumb_cache::{Filled, ThumbnailCache};
pub use thumbnail::{Thumbnail, decode_thumbnail, encode_thumbnail, fit_within, make_thumbnail};
