//! Reading COCO bytes into a [`CocoFile`].
//!
//! The top level is read by hand so that an error can name the record it
//! happened in (`annotations[17]`), which matters in a one-line 100 MB file where
//! "line 1, column 98765432" alone helps nobody.

use super::error::CocoError;
use super::file::{CocoAnnotation, CocoCategory, CocoFile, CocoImage, CocoInfo, CocoLicense};
use super::skim;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

/// Where reading stopped: a top-level list and the 0-based index in it.
type Position = Cell<Option<(&'static str, usize)>>;

/// Parses a COCO detection file.
///
/// Lenient where it costs nothing: `info`, `licenses`, `area`, `iscrowd` and
/// `segmentation` may be missing, ids may be written as `3.0`, a UTF-8 byte
/// order mark is skipped, unknown keys are ignored, and a malformed `info` or
/// `licenses` block is replaced by defaults (neither is needed to import).
/// `images`, `annotations` and `categories` must be present.
pub fn parse_coco(bytes: &[u8]) -> Result<CocoFile, CocoError> {
    parse_with(bytes, Annotations::Collect)
}

/// Parses everything but the annotations, which are skipped, not checked
/// (`annotations` is empty; the stream reports their errors). With [`stream_coco_annotations`] this
/// reads a large file in two passes: images and categories first, wherever they
/// are in the file (official COCO files put `categories` last), then the
/// annotations in chunks that can be imported while the rest is still read.
pub fn parse_coco_header(bytes: &[u8]) -> Result<CocoFile, CocoError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The skim passes over the annotations three times faster than serde can
    // skip them; any surprise, and the full pass finds and explains the problem.
    header_from_skim(bytes).map_or_else(|| parse_with(bytes, Annotations::Skip), Ok)
}

/// The header read from the values the skim found, or `None` when the file
/// needs the full pass (an error to explain, or a key given twice).
fn header_from_skim(bytes: &[u8]) -> Option<CocoFile> {
    let entries = skim::top_level(bytes)?;
    let (mut info, mut licenses) = (None, None);
    let (mut images, mut annotations, mut categories) = (None, None, None);
    for (key, range) in entries {
        let value = &bytes[range];
        let fresh = match key {
            b"info" => info
                .replace(serde_json::from_slice::<CocoInfo>(value).unwrap_or_default())
                .is_none(),
            b"licenses" => licenses
                .replace(serde_json::from_slice::<Vec<CocoLicense>>(value).unwrap_or_default())
                .is_none(),
            b"images" => images
                .replace(serde_json::from_slice::<Vec<CocoImage>>(value).ok()?)
                .is_none(),
            b"categories" => categories
                .replace(serde_json::from_slice::<Vec<CocoCategory>>(value).ok()?)
                .is_none(),
            b"annotations" => annotations.replace(()).is_none(),
            _ => true,
        };
        if !fresh {
            return None;
        }
    }
    annotations?;
    Some(CocoFile {
        info: info.unwrap_or_default(),
        licenses: licenses.unwrap_or_default(),
        images: images?,
        annotations: Vec::new(),
        categories: categories?,
    })
}

/// Hands the file's annotations to `sink` in chunks of `chunk_len`, in file
/// order, without keeping them; everything else in the file is skipped.
/// `sink` returns `false` to stop early, which is not an error.
pub fn stream_coco_annotations(
    bytes: &[u8],
    chunk_len: usize,
    sink: &mut dyn FnMut(Vec<CocoAnnotation>) -> bool,
) -> Result<(), CocoError> {
    let stopped = Cell::new(false);
    let stream = Stream {
        chunk_len: chunk_len.max(1),
        sink,
        stopped: &stopped,
    };
    match parse_with(bytes, Annotations::Stream(stream)) {
        Err(_) if stopped.get() => Ok(()),
        other => other.map(|_| ()),
    }
}

fn parse_with(bytes: &[u8], annotations: Annotations) -> Result<CocoFile, CocoError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let position = Position::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = FileVisitor {
        at: &position,
        annotations,
    }
    .deserialize(&mut de)
    .and_then(|file| de.end().map(|()| file));
    parsed.map_err(|err| parse_error(bytes, &err, position.get()))
}

/// What a pass over the file does with the `annotations` list.
enum Annotations<'s> {
    /// Keep them all in the [`CocoFile`].
    Collect,
    /// Check their syntax, keep none.
    Skip,
    /// Hand them on in chunks; skip `images` and `categories`.
    Stream(Stream<'s>),
}

struct Stream<'s> {
    chunk_len: usize,
    sink: &'s mut dyn FnMut(Vec<CocoAnnotation>) -> bool,
    /// Set when `sink` asked to stop; the parse then ends with an error that is
    /// not reported.
    stopped: &'s Cell<bool>,
}

fn parse_error(bytes: &[u8], err: &serde_json::Error, at: Option<(&str, usize)>) -> CocoError {
    let (line, column) = (err.line(), err.column());
    let full = err.to_string();
    let suffix = format!(" at line {line} column {column}");
    let mut message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    if err.classify() == serde_json::error::Category::Eof {
        message.push_str(" (is the file truncated?)");
    }
    CocoError::Parse {
        record: at.map(|(list, index)| format!("{list}[{index}]")),
        line,
        column,
        message,
        near: excerpt(bytes, line, column),
    }
}

/// Up to 60 bytes of input around a 1-based line and serde_json column.
fn excerpt(bytes: &[u8], line: usize, column: usize) -> String {
    let Some(text) = bytes.split(|b| *b == b'\n').nth(line.saturating_sub(1)) else {
        return String::new();
    };
    let at = column.min(text.len());
    let start = at.saturating_sub(40);
    let end = (at + 20).min(text.len());
    String::from_utf8_lossy(&text[start..end])
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

struct FileVisitor<'p, 's> {
    at: &'p Position,
    annotations: Annotations<'s>,
}

impl<'de> DeserializeSeed<'de> for FileVisitor<'_, '_> {
    type Value = CocoFile;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<CocoFile, D::Error> {
        // `any`, not `map`, so that a top-level list reaches `visit_seq` and its
        // explanation.
        d.deserialize_any(self)
    }
}

enum TopKey {
    Info,
    Licenses,
    Images,
    Annotations,
    Categories,
    Other,
}

impl<'de> Deserialize<'de> for TopKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Key;
        impl Visitor<'_> for Key {
            type Value = TopKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TopKey, E> {
                Ok(match v {
                    "info" => TopKey::Info,
                    "licenses" => TopKey::Licenses,
                    "images" => TopKey::Images,
                    "annotations" => TopKey::Annotations,
                    "categories" => TopKey::Categories,
                    _ => TopKey::Other,
                })
            }
        }
        d.deserialize_identifier(Key)
    }
}

/// Puts a freshly read top-level value in its slot, refusing a second one.
fn fill<T, E: de::Error>(slot: &mut Option<T>, key: &'static str, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(key));
    }
    *slot = Some(value);
    Ok(())
}

impl<'de> Visitor<'de> for FileVisitor<'_, '_> {
    type Value = CocoFile;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a COCO object with `images`, `annotations` and `categories`")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<CocoFile, A::Error> {
        Err(de::Error::custom(
            "the file is a JSON list, not a COCO dataset object with `images`, \
             `annotations` and `categories` (is it a detection results file?)",
        ))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CocoFile, A::Error> {
        let (mut info, mut licenses) = (None, None);
        let (mut images, mut annotations, mut categories) = (None, None, None);
        let mut mode = self.annotations;
        let streaming = matches!(mode, Annotations::Stream(_));
        while let Some(key) = map.next_key::<TopKey>()? {
            match key {
                TopKey::Info => {
                    let value = map.next_value::<serde_json::Value>()?;
                    let parsed = CocoInfo::deserialize(value).unwrap_or_default();
                    fill(&mut info, "info", parsed)?;
                }
                TopKey::Licenses => {
                    let value = map.next_value::<serde_json::Value>()?;
                    let parsed = Vec::<CocoLicense>::deserialize(value).unwrap_or_default();
                    fill(&mut licenses, "licenses", parsed)?;
                }
                TopKey::Images | TopKey::Categories if streaming => {
                    map.next_value::<IgnoredAny>()?;
                }
                TopKey::Images => {
                    let list = map.next_value_seed(List::<CocoImage>::new("images", self.at))?;
                    fill(&mut images, "images", list)?;
                }
                TopKey::Annotations => {
                    let list = match &mut mode {
                        Annotations::Collect => map
                            .next_value_seed(List::<CocoAnnotation>::new("annotations", self.at))?,
                        Annotations::Skip => {
                            map.next_value::<IgnoredAny>()?;
                            Vec::new()
                        }
                        Annotations::Stream(stream) => {
                            map.next_value_seed(StreamList {
                                at: self.at,
                                stream,
                            })?;
                            Vec::new()
                        }
                    };
                    fill(&mut annotations, "annotations", list)?;
                }
                TopKey::Categories => {
                    let seed = List::<CocoCategory>::new("categories", self.at);
                    fill(&mut categories, "categories", map.next_value_seed(seed)?)?;
                }
                TopKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if streaming {
            // Images and categories were skipped on purpose.
            images = images.or(Some(Vec::new()));
            categories = categories.or(Some(Vec::new()));
        }
        Ok(CocoFile {
            info: info.unwrap_or_default(),
            licenses: licenses.unwrap_or_default(),
            images: images.ok_or_else(|| de::Error::missing_field("images"))?,
            annotations: annotations.ok_or_else(|| de::Error::missing_field("annotations"))?,
            categories: categories.ok_or_else(|| de::Error::missing_field("categories"))?,
        })
    }
}

/// Reads one top-level list, noting the index of the element that fails.
struct List<'p, T> {
    name: &'static str,
    at: &'p Position,
    element: PhantomData<T>,
}

impl<'p, T> List<'p, T> {
    fn new(name: &'static str, at: &'p Position) -> Self {
        Self {
            name,
            at,
            element: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for List<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for List<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of {}", self.name)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::new();
        loop {
            match seq.next_element::<T>() {
                Ok(Some(element)) => out.push(element),
                Ok(None) => return Ok(out),
                Err(err) => {
                    self.at.set(Some((self.name, out.len())));
                    return Err(err);
                }
            }
        }
    }
}

/// Reads the `annotations` list in chunks, handing each to the stream's sink.
struct StreamList<'p, 's> {
    at: &'p Position,
    stream: &'p mut Stream<'s>,
}

impl<'de> DeserializeSeed<'de> for StreamList<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for StreamList<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of annotations")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let chunk_len = self.stream.chunk_len;
        let mut chunk = Vec::with_capacity(chunk_len);
        let mut index = 0;
        loop {
            match seq.next_element::<CocoAnnotation>() {
                Ok(Some(element)) => {
                    chunk.push(element);
                    index += 1;
                    if chunk.len() == chunk_len {
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(chunk_len));
                        if !(self.stream.sink)(full) {
                            self.stream.stopped.set(true);
                            return Err(de::Error::custom("stopped"));
                        }
                    }
                }
                Ok(None) => break,
                Err(err) => {
                    self.at.set(Some(("annotations", index)));
                    return Err(err);
                }
            }
        }
        if !chunk.is_empty() && !(self.stream.sink)(chunk) {
            self.stream.stopped.set(true);
        }
        Ok(())
    }
}
