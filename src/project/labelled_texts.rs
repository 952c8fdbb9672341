//! Labelled texts into a project: records whose class names are resolved
//! against a copy of the schema and whose spans are checked and packed on
//! the thread that reads an import ([`TextResolver`]), then stored as new
//! items in one transaction and one step of undo, with, when asked, an edit
//! of the texts the project already had.

use super::engine::{self, EditContext, status_rule};
use super::project::save_manifest;
use super::store::{NewTextItem, PackedTexts, ResolvedText, TextPacker};
use super::{Project, ProjectError, now_ms};
use crate::model::{Edit, ImageLabelMode, ItemId, LabelSchema};

/// A text record to add with its labels, classes named.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelledText {
    pub item: NewTextItem,
    /// `(start, end, class name)` in code points.
    pub spans: Vec<(u32, u32, String)>,
    /// Document class names.
    pub labels: Vec<String>,
}

/// What [`Project::add_labelled_texts`] added.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelledAdded {
    pub items: usize,
    pub spans: usize,
    /// Items given document classes.
    pub classified: usize,
    /// Span classes and document classes added to the schema, in order.
    pub new_classes: Vec<String>,
    pub new_doc_classes: Vec<String>,
}

/// Resolves the class names of labelled texts against its own copy of a
/// project's schema ([`Project::text_resolver`]), adding the classes it lacks,
/// checks each record's spans and document classes against its text and
/// the schema, and packs them as the store keeps them ([`TextPacker`]).
/// Made to run on the thread that reads an import.
pub struct TextResolver {
    schema: LabelSchema,
    packer: TextPacker,
}

/// Labelled texts ready to store ([`Project::add_resolved_texts`]).
#[derive(Debug)]
pub struct ResolvedChunk {
    texts: PackedTexts,
    /// The schema with the classes this chunk added, when it added any.
    schema: Option<LabelSchema>,
    new_classes: Vec<String>,
    new_doc_classes: Vec<String>,
    /// Texts given document classes.
    classified: usize,
}

impl TextResolver {
    pub fn resolve(&mut self, chunk: Vec<LabelledText>) -> Result<ResolvedChunk, ProjectError> {
        let schema = &mut self.schema;
        let mut texts = Vec::with_capacity(chunk.len());
        let (mut new_classes, mut new_doc_classes, mut classified) = (Vec::new(), Vec::new(), 0);
        for record in chunk {
            let len = record.item.doc.text.chars().count() as u32;
            let mut spans = Vec::with_capacity(record.spans.len());
            for (start, end, name) in &record.spans {
                if start >= end || *end > len {
                    return Err(ProjectError::InvalidEdit(format!(
                        "{}: span [{start}, {end}) does not fit the {len} characters of the text",
                        record.item.rel_path
                    )));
                }
                let class = match schema.class_by_name(name) {
                    Some(c) => c.id,
                    None => {
                        new_classes.push(name.clone());
                        schema.add_class(name)
                    }
                };
                spans.push((*start, *end, class));
            }
            spans.sort_unstable();
            if !schema.allow_overlapping_spans
                && let Some(w) = spans.windows(2).find(|w| w[1].0 < w[0].1)
            {
                return Err(ProjectError::InvalidEdit(format!(
                    "{}: span [{}, {}) overlaps span [{}, {}); this project does not allow overlapping spans",
                    record.item.rel_path, w[1].0, w[1].1, w[0].0, w[0].1
                )));
            }
            let mut labels = Vec::with_capacity(record.labels.len());
            for name in &record.labels {
                let label = match schema.image_labels.iter().find(|l| &l.name == name) {
                    Some(l) => l.id,
                    None => {
                        new_doc_classes.push(name.clone());
                        schema.add_image_label(name)
                    }
                };
                labels.push(label);
            }
            labels.sort_unstable();
            labels.dedup();
            if schema.image_label_mode == ImageLabelMode::Single && labels.len() > 1 {
                return Err(ProjectError::InvalidEdit(format!(
                    "{}: this project takes one document class per text",
                    record.item.rel_path
                )));
            }
            if !labels.is_empty() {
                classified += 1;
            }
            let status = status_rule::new_text_status(!(spans.is_empty() && labels.is_empty()));
            texts.push(ResolvedText {
                item: record.item,
                char_len: len,
                spans,
                labels,
                status,
            });
        }
        let added_classes = !(new_classes.is_empty() && new_doc_classes.is_empty());
        Ok(ResolvedChunk {
            schema: added_classes.then(|| schema.clone()),
            texts: self.packer.pack(texts),
            new_classes,
            new_doc_classes,
            classified,
        })
    }
}

impl Project {
    /// Adds text records as items without labels, in one transaction (see
    /// [`Project::add_labelled_texts`]); a `rel_path` already taken fails it.
    pub fn add_text_items(&mut self, new: &[NewTextItem]) -> Result<Vec<ItemId>, ProjectError> {
        let before = self.items.len();
        let texts = new
            .iter()
            .cloned()
            .map(|item| LabelledText {
                item,
                spans: Vec::new(),
                labels: Vec::new(),
            })
            .collect();
        self.add_labelled_texts(std::iter::once(Ok::<_, ProjectError>(texts)))?;
        Ok(self.items[before..].iter().map(|i| i.id).collect())
    }

    /// Adds labelled text records that arrive in chunks (an import still being
    /// read) as new items with their spans and document classes: one
    /// transaction, one step of undo. Class names are looked up in the schema;
    /// missing ones are added to it as they appear (and removed again if the
    /// import fails). Spans must fit their text and, unless the schema allows
    /// it, not overlap; a record that breaks a rule fails the whole import, so
    /// callers leave such spans out and report them. An `Err` from `chunks`
    /// abandons the import and is returned.
    pub fn add_labelled_texts<E: From<ProjectError>>(
        &mut self,
        chunks: impl IntoIterator<Item = Result<Vec<LabelledText>, E>>,
    ) -> Result<LabelledAdded, E> {
        let mut resolver = self.text_resolver()?;
        let resolved = chunks
            .into_iter()
            .map(move |chunk| resolver.resolve(chunk?).map_err(E::from));
        self.add_resolved_texts(resolved)
    }

    /// A [`TextResolver`] starting from the project's schema and its next
    /// free span id, for resolving chunks of an import on another thread
    /// than the one storing them. Its chunks are stored by
    /// [`Project::add_resolved_texts`] before anything else changes the
    /// project; otherwise their span ids are refused and nothing is stored.
    pub fn text_resolver(&self) -> Result<TextResolver, ProjectError> {
        Ok(TextResolver {
            schema: self.manifest.schema.clone(),
            packer: TextPacker::new(self.store.next_span_id()?, &self.author, now_ms()),
        })
    }

    /// [`Project::add_labelled_texts`] of chunks a [`TextResolver`] made from
    /// this project; a chunk that added classes carries the schema, which is
    /// saved before the chunk is stored.
    pub fn add_resolved_texts<E: From<ProjectError>>(
        &mut self,
        chunks: impl IntoIterator<Item = Result<ResolvedChunk, E>>,
    ) -> Result<LabelledAdded, E> {
        self.check_writable()?;
        let original_schema = self.manifest.schema.clone();
        let stored = self.store_resolved(chunks, None);
        if stored.is_err() {
            self.restore_schema(original_schema);
        }
        stored
    }

    /// [`Project::add_resolved_texts`] of chunks already read whole, and
    /// with them `labels`: an edit of items the project had before, which
    /// the closure makes once the project's schema has the chunks' classes
    /// (it may add more with [`Project::update_schema`]). The new items and
    /// the edit go into one transaction and are one step of undo; when
    /// anything fails nothing is stored and the schema is put back.
    pub fn add_resolved_texts_and<E: From<ProjectError>>(
        &mut self,
        mut chunks: Vec<ResolvedChunk>,
        labels: impl FnOnce(&mut Project) -> Result<Edit, E>,
    ) -> Result<LabelledAdded, E> {
        self.check_writable()?;
        let original_schema = self.manifest.schema.clone();
        // The last schema a chunk carries has every class the chunks use;
        // it is saved once, with whatever `labels` adds.
        if let Some(schema) = chunks.iter_mut().filter_map(|c| c.schema.take()).last() {
            self.manifest.schema = schema;
        }
        let stored = || -> Result<LabelledAdded, E> {
            let edit = labels(self)?;
            let mut mode = self.schema().image_label_mode;
            let edit = self.validated(edit, &mut mode)?;
            if self.manifest.schema != original_schema {
                save_manifest(&self.manifest, &self.dir, &mut self.schema_home)?;
            }
            let then = (!edit.is_empty()).then_some(edit);
            self.store_resolved(chunks.into_iter().map(Ok), then)
        };
        let stored = stored();
        if stored.is_err() {
            self.restore_schema(original_schema);
        }
        stored
    }

    /// Puts the schema an import started from back, after it failed.
    fn restore_schema(&mut self, original: LabelSchema) {
        if self.manifest.schema == original {
            return;
        }
        let mut manifest = self.manifest.clone();
        manifest.schema = original;
        if save_manifest(&manifest, &self.dir, &mut self.schema_home).is_ok() {
            self.manifest = manifest;
        }
        self.revision += 1;
    }

    /// Stores resolved chunks as new items, then `then` (validated), in one
    /// transaction of the store. The schema is left as the chunks made it.
    fn store_resolved<E: From<ProjectError>>(
        &mut self,
        chunks: impl IntoIterator<Item = Result<ResolvedChunk, E>>,
        then: Option<Edit>,
    ) -> Result<LabelledAdded, E> {
        let mut chunks = chunks.into_iter();
        let mut abandoned: Option<E> = None;
        let mut added = LabelledAdded::default();
        let Project {
            dir,
            store,
            manifest,
            author,
            schema_home,
            ..
        } = self;
        let mut next_chunk = || -> Result<Option<PackedTexts>, ProjectError> {
            let chunk = match chunks.next() {
                None => return Ok(None),
                Some(Ok(chunk)) => chunk,
                Some(Err(err)) => {
                    abandoned = Some(err);
                    return Err(ProjectError::InvalidEdit("the import was abandoned".into()));
                }
            };
            // The classes a chunk adds are saved before its spans refer to them.
            if let Some(schema) = chunk.schema {
                manifest.schema = schema;
                save_manifest(manifest, dir, schema_home)?;
            }
            added.new_classes.extend(chunk.new_classes);
            added.new_doc_classes.extend(chunk.new_doc_classes);
            added.classified += chunk.classified;
            Ok(Some(chunk.texts))
        };
        let ctx = EditContext {
            author,
            time_ms: now_ms(),
            origin: "edit",
            step: None,
        };
        let result =
            engine::add_labelled_texts(store.as_mut(), &mut next_chunk, then.as_ref(), &ctx);
        let (items, mut stored) = match result {
            Ok(done) => done,
            Err(err) => return Err(abandoned.unwrap_or_else(|| err.into())),
        };
        added.items = items.len();
        added.spans = stored.created_spans.len();
        let known = self.items.last().map(|i| i.id);
        self.adopt_items(items);
        if then.is_some() {
            // Only the items the project had: the new ones came with their status.
            let labelled: Vec<ItemId> = stored
                .touched
                .iter()
                .copied()
                .filter(|&id| Some(id) <= known)
                .collect();
            self.refresh_statuses(&labelled)?;
        }
        if !stored.touched.is_empty() {
            self.history.record(stored.take_step());
        }
        Ok(added)
    }
}
