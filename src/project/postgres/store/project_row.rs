//! The project itself on the server: `shugu.project` (its name, kind,
//! shared image folder and identity) and `shugu.label_schema` (the label
//! schema as JSON, with a version that goes up with every change, so that a
//! change made from a schema someone else changed since is refused rather
//! than lost).

use super::conn::{Conn, SideConn, bad_row};
use crate::model::LabelSchema;
use crate::project::postgres::Connector;
use crate::project::store::SchemaHome;
use crate::project::{ProjectError, ProjectKind};
use postgres::types::Json;

/// What `shugu.project` says about the project.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectRow {
    pub name: String,
    pub kind: ProjectKind,
    /// The shared image folder (absolute); `None` for a text project.
    pub image_root: Option<String>,
    pub identity: String,
}

fn kind_to_db(kind: ProjectKind) -> &'static str {
    match kind {
        ProjectKind::Images => "images",
        ProjectKind::Text => "text",
    }
}

fn kind_from_db(kind: &str) -> Result<ProjectKind, ProjectError> {
    match kind {
        "images" => Ok(ProjectKind::Images),
        "text" => Ok(ProjectKind::Text),
        other => Err(bad_row(format!("a project of an unknown kind `{other}`"))),
    }
}

pub(super) fn read(c: &mut Conn) -> Result<Option<ProjectRow>, ProjectError> {
    c.query_opt(
        "SELECT name, kind, image_root, identity FROM shugu.project",
        &[],
    )?
    .map(|r| {
        Ok(ProjectRow {
            name: r.try_get(0)?,
            kind: kind_from_db(r.try_get(1)?)?,
            image_root: r.try_get(2)?,
            identity: r.try_get(3)?,
        })
    })
    .transpose()
}

/// Writes the project and its schema; the caller's transaction makes them
/// one. A database holds one project: a second is refused, naming the first.
pub(super) fn create(
    c: &mut Conn,
    row: &ProjectRow,
    schema: &LabelSchema,
) -> Result<(), ProjectError> {
    if let Some(there) = read(c)? {
        return Err(ProjectError::InvalidEdit(format!(
            "the database already holds the project {:?}; a database holds one project",
            there.name
        )));
    }
    c.execute(
        "INSERT INTO shugu.project (name, kind, image_root, identity) VALUES ($1, $2, $3, $4)",
        &[
            &row.name,
            &kind_to_db(row.kind),
            &row.image_root,
            &row.identity,
        ],
    )?;
    c.execute(
        "INSERT INTO shugu.label_schema (body) VALUES ($1)",
        &[&Json(schema)],
    )?;
    Ok(())
}

/// Removes a project that was just made and holds no items (its making
/// failed): the database is as it was before.
pub(super) fn discard_empty(c: &mut Conn) -> Result<(), ProjectError> {
    c.execute(
        "DELETE FROM shugu.label_schema WHERE NOT EXISTS (SELECT 1 FROM shugu.items)",
        &[],
    )?;
    c.execute(
        "DELETE FROM shugu.project WHERE NOT EXISTS (SELECT 1 FROM shugu.items)",
        &[],
    )?;
    Ok(())
}

/// The label schema and its version.
pub(super) fn load_schema(c: &mut Conn) -> Result<(LabelSchema, i64), ProjectError> {
    let row = c
        .query_opt("SELECT body, version FROM shugu.label_schema", &[])?
        .ok_or_else(|| bad_row("no label schema"))?;
    let Json(schema): Json<LabelSchema> = row.try_get(0)?;
    Ok((schema, row.try_get(1)?))
}

/// Saves the schema over the version `known` read; returns the new version.
/// When someone saved another since, nothing is saved and the error says so.
pub(super) fn save_schema(
    c: &mut Conn,
    schema: &LabelSchema,
    known: i64,
) -> Result<i64, ProjectError> {
    let saved = c.query_opt(
        "UPDATE shugu.label_schema
            SET body = $1, version = version + 1, updated_by = session_user, updated_at = now()
          WHERE version = $2 RETURNING version",
        &[&Json(schema), &known],
    )?;
    match saved {
        Some(r) => Ok(r.try_get(0)?),
        None => Err(ProjectError::InvalidEdit(
            "the label schema was changed on another workstation since this one read it; \
             reopen the project to see the change, then make yours again"
                .into(),
        )),
    }
}

/// The label schema's home on the server ([`SchemaHome`]): saved through a
/// connection of its own (opened when first needed), so a save may happen
/// while the store's transaction is open, over the version last read.
pub struct SchemaOnServer {
    conn: SideConn,
    version: i64,
}

impl SchemaOnServer {
    /// The schema's home, which the project read at `version`.
    pub fn new(connector: Connector, version: i64) -> Self {
        SchemaOnServer {
            conn: SideConn::new(connector),
            version,
        }
    }
}

impl SchemaHome for SchemaOnServer {
    fn save(&mut self, schema: &LabelSchema) -> Result<(), ProjectError> {
        self.version = save_schema(self.conn.live()?, schema, self.version)?;
        Ok(())
    }

    fn reload(&mut self) -> Result<Option<LabelSchema>, ProjectError> {
        let (schema, version) = load_schema(self.conn.live()?)?;
        self.version = version;
        Ok(Some(schema))
    }
}
