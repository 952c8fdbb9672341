//! The thumbnails of a project on disk, one small file each, in a folder the caller
//! names (a project's `cache/thumbnails/`).
//!
//! A file's entry is keyed by its canonical path, size and modification time (and the thumbnail
//! size and this format's version), so a changed or replaced image is simply a miss
//! and is made again; stale entries are harmless. Entries are written to a temporary
//! file and renamed into place, so a reader never sees half of one; nothing is synced,
//! because a torn or empty entry after a power cut fails to decode and is remade.

use super::MediaError;
use super::thumbnail::{Thumbnail, decode_thumbnail, encode_thumbnail, make_thumbnail};
use image::DynamicImage;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// Bumped when the thumbnails' content changes (filter, quality, layout of the key).
const FORMAT_VERSION: u64 = 1;

/// Where thumbnails of one size live.
#[derive(Clone, Debug)]
pub struct ThumbnailCache {
    dir: PathBuf,
    max_side: u32,
}

/// What [`ThumbnailCache::fill`] did for one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filled {
    /// The thumbnail was already there and current.
    Cached,
    /// It was made and written.
    Made,
}

impl ThumbnailCache {
    pub fn new(dir: impl Into<PathBuf>, max_side: u32) -> Self {
        ThumbnailCache {
            dir: dir.into(),
            max_side: max_side.max(1),
        }
    }

    pub fn max_side(&self) -> u32 {
        self.max_side
    }

    /// The entry for the image at `path` as it is now on disk.
    fn entry_path(&self, path: &Path) -> Result<PathBuf, MediaError> {
        let meta = std::fs::metadata(path).map_err(|e| MediaError::from_io(path, None, &e))?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        // The same file by any path (relative from the CLI, absolute in the GUI).
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let mut hash = Fnv64::new();
        hash.write(canonical.as_os_str().as_encoded_bytes());
        hash.write(&meta.len().to_le_bytes());
        hash.write(&modified.to_le_bytes());
        hash.write(&u64::from(self.max_side).to_le_bytes());
        hash.write(&FORMAT_VERSION.to_le_bytes());
        let key = format!("{:016x}", hash.0);
        Ok(self.dir.join(&key[..2]).join(&key[2..]))
    }

    /// The cached thumbnail of `path`, if there is a current one.
    pub fn load(&self, path: &Path) -> Option<DynamicImage> {
        let entry = self.entry_path(path).ok()?;
        let bytes = std::fs::read(entry).ok()?;
        decode_thumbnail(&bytes)
    }

    /// The thumbnail of `path`: from the cache, or made now and stored.
    pub fn get_or_make(&self, path: &Path) -> Result<DynamicImage, MediaError> {
        if let Some(image) = self.load(path) {
            return Ok(image);
        }
        let thumb = make_thumbnail(path, self.max_side)?;
        self.store(path, &thumb)?;
        Ok(thumb.image)
    }

    /// Makes and stores the thumbnail of `path` unless a current one is there.
    pub fn fill(&self, path: &Path) -> Result<Filled, MediaError> {
        let entry = self.entry_path(path)?;
        if entry.is_file() {
            return Ok(Filled::Cached);
        }
        let thumb = make_thumbnail(path, self.max_side)?;
        self.write_entry(path, &entry, &thumb)?;
        Ok(Filled::Made)
    }

    fn store(&self, path: &Path, thumb: &Thumbnail) -> Result<(), MediaError> {
        let entry = self.entry_path(path)?;
        self.write_entry(path, &entry, thumb)
    }

    fn write_entry(&self, path: &Path, entry: &Path, thumb: &Thumbnail) -> Result<(), MediaError> {
        let cache_err = |detail: String| MediaError::Io {
            path: MediaError::path_string(path),
            detail: format!("writing its thumbnail to {}: {detail}", self.dir.display()),
        };
        let bytes = encode_thumbnail(&thumb.image).map_err(cache_err)?;
        let folder = entry.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(folder).map_err(|e| cache_err(e.to_string()))?;
        let mut tmp =
            tempfile::NamedTempFile::new_in(folder).map_err(|e| cache_err(e.to_string()))?;
        tmp.write_all(&bytes)
            .map_err(|e| cache_err(e.to_string()))?;
        tmp.persist(entry)
            .map_err(|e| cache_err(e.error.to_string()))?;
        Ok(())
    }
}

/// FNV-1a, 64 bits: stable across runs and Rust versions, unlike `DefaultHasher`.
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::RgbImage;

    fn write_png(path: &Path, width: u32, shade: u8) {
        RgbImage::from_pixel(width, 40, image::Rgb([shade, 10, 200]))
            .save(path)
            .unwrap();
    }

    #[test]
    fn a_changed_file_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("a.png");
        write_png(&image, 600, 30);
        let cache = ThumbnailCache::new(dir.path().join("cache"), 64);
        assert_eq!(cache.fill(&image).unwrap(), Filled::Made);
        assert_eq!(cache.fill(&image).unwrap(), Filled::Cached);
        let thumb = cache.load(&image).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (64, 4));
        // A different size is a different key, whatever the clock's resolution.
        write_png(&image, 300, 30);
        assert_eq!(cache.fill(&image).unwrap(), Filled::Made);
        let thumb = cache.load(&image).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (64, 9));
        // The same file reached by another path is the same entry.
        let roundabout = dir.path().join("cache").join("..").join("a.png");
        assert_eq!(cache.fill(&roundabout).unwrap(), Filled::Cached);
    }

    #[test]
    fn a_missing_image_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ThumbnailCache::new(dir.path().join("cache"), 64);
        let err = cache.fill(&dir.path().join("gone.jpg")).unwrap_err();
        assert!(err.to_string().contains("gone.jpg"), "{err}");
    }
}
