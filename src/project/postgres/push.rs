//! `shugu db push SRC DIR --db URL`: moves a project of its own folder onto
//! a team server, with its history: every item (with its status and text),
//! annotation (with its id, provenance and origin), proposal, span, label,
//! comment, golden mark, kept version and edit-log entry, in one
//! transaction; the id sequences go past every id the project ever gave
//! out, so none is reused. The source stays as it was (locked while it is
//! read); `DIR` gets a manifest naming the database. A work package is
//! merged into its project instead, and is refused.

use super::store::{PgStore, ProjectRow};
use super::team;
use crate::model::{
    AnnotationId, AnnotationOrigin, Comment, ItemId, LabelId, NewProposal, Proposal,
};
use crate::project::manifest::{MANIFEST_FILE, Manifest, ProjectKind};
use crate::project::packages::new_identity;
use crate::project::store::Stamp;
use crate::project::{Access, Project, ProjectError, now_ms};
use std::path::Path;

/// What a push moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PushReport {
    pub items: usize,
    pub annotations: usize,
    pub spans: usize,
    pub proposals: usize,
    pub comments: usize,
    pub log_entries: usize,
}

/// Everything of the source project, read before the server is written.
struct Source {
    row: ProjectRow,
    schema: crate::model::LabelSchema,
    items: Vec<crate::model::Item>,
    texts: Vec<(ItemId, crate::model::TextDoc)>,
    annotations: Vec<crate::model::Annotation>,
    origins: Vec<(AnnotationId, AnnotationOrigin)>,
    proposals: Vec<Proposal>,
    spans: Vec<crate::model::SpanAnnotation>,
    labels: Vec<(ItemId, Vec<LabelId>)>,
    comments: Vec<Comment>,
    golden: Vec<ItemId>,
    versions: Vec<crate::model::ItemVersion>,
    log: Vec<crate::project::LogEntry>,
    floors: (i64, i64),
}

fn read_source(src: &Project) -> Result<Source, ProjectError> {
    let annotations = src.all_annotations()?;
    let mut origins = Vec::new();
    for a in &annotations {
        if let Some(origin) = src.annotation_origin(a.id)? {
            origins.push((a.id, origin));
        }
    }
    let mut comments = Vec::new();
    for item in src.items() {
        comments.extend(src.comments(item.id)?);
    }
    let image_root = match src.kind() {
        ProjectKind::Images => {
            let root = src.image_root();
            let root = std::fs::canonicalize(&root).unwrap_or(root);
            Some(root.to_string_lossy().replace('\\', "/"))
        }
        ProjectKind::Text => None,
    };
    let identity = match src.stored_identity()? {
        Some(identity) => identity,
        None => new_identity(&src.dir().display().to_string()),
    };
    let mut log = src.history(None, usize::MAX)?;
    log.reverse();
    Ok(Source {
        row: ProjectRow {
            name: src.name().to_string(),
            kind: src.kind(),
            image_root,
            identity,
        },
        schema: src.schema().clone(),
        items: src.items().to_vec(),
        texts: src.all_texts()?,
        annotations,
        origins,
        proposals: src.all_proposals()?,
        spans: src.all_spans()?,
        labels: src.all_image_labels()?,
        comments,
        golden: src.golden_items()?,
        versions: src.item_versions()?,
        log,
        floors: src.id_floors()?,
    })
}

/// Moves the project in `src` into the (initialised, empty) database
/// `database` names, and makes `dir` a team project folder naming it.
pub fn push_project(src: &Path, dir: &Path, database: &str) -> Result<PushReport, ProjectError> {
    if Project::is_project_dir(dir) {
        return Err(ProjectError::AlreadyExists(dir.to_path_buf()));
    }
    let source = Project::open(src, Access::ReadWrite)?;
    if source.database().is_some() {
        return Err(ProjectError::InvalidEdit(format!(
            "{}: this project is on a server already",
            src.display()
        )));
    }
    if source.package_info()?.is_some() {
        return Err(ProjectError::InvalidEdit(format!(
            "{}: a work package goes back into the project it was split from (shugu merge), not onto a server",
            src.display()
        )));
    }
    let s = read_source(&source)?;
    let (connector, client) = team::connect(database)?;
    let mut store = PgStore::with_client(connector, client)?;
    let login = store.login().to_string();
    let stamp = Stamp {
        author: &login,
        time_ms: now_ms(),
    };
    store.in_transaction(|rows| {
        rows.create_project(&s.row, &s.schema)?;
        rows.copy_items(&s.items, &s.texts)?;
        rows.copy_annotations(&s.annotations)?;
        for (id, origin) in &s.origins {
            rows.set_annotation_origin(*id, Some(origin))?;
        }
        for p in &s.proposals {
            let row = NewProposal {
                item: p.item,
                class: p.class,
                shape: p.shape.clone(),
                score: p.score,
                source: p.source.clone(),
                attributes: p.attributes.clone(),
            };
            rows.insert_proposal(Some(p.id), &row)?;
        }
        rows.copy_spans(&s.spans)?;
        for (item, labels) in &s.labels {
            rows.set_image_labels(*item, labels, stamp)?;
        }
        for c in &s.comments {
            rows.insert_comment(Some(c.id), c)?;
        }
        for &item in &s.golden {
            rows.set_golden(item, true, stamp)?;
        }
        for v in &s.versions {
            let when = Stamp {
                author: &login,
                time_ms: v.created_ms,
            };
            rows.set_item_version(v.item, &v.annotator, v.kind, Some(&v.body), when)?;
        }
        rows.copy_log(&s.log)?;
        rows.raise_sequences(s.floors)
    })?;
    let written = std::fs::create_dir_all(dir)
        .map_err(|e| ProjectError::io(dir, e))
        .and_then(|()| Manifest::team(database).save(&dir.join(MANIFEST_FILE)));
    if let Err(e) = written {
        return Err(ProjectError::InvalidEdit(format!(
            "the project is on the server now, but its folder could not be made ({e}); \
             make it with `shugu new DIR --db {database}`"
        )));
    }
    Ok(PushReport {
        items: s.items.len(),
        annotations: s.annotations.len(),
        spans: s.spans.len(),
        proposals: s.proposals.len(),
        comments: s.comments.len(),
        log_entries: s.log.len(),
    })
}
