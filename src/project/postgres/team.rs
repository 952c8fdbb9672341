//! Team projects: a project folder whose `project.ron` only names a
//! PostgreSQL database, where everything else lives — the project's name,
//! kind and shared image folder, its label schema (one for every
//! workstation), and its rows ([`PgStore`]). Making one, joining one from
//! another workstation, and opening one. The password is never written:
//! it comes from `PGPASSWORD` or `~/.pgpass` (see `credentials`).
//!
//! A team project takes no file lock: many workstations write at once, and
//! the server keeps them apart. Every edit is the database login's.

use super::credentials::{Connector, Credentials};
use super::store::{LeasesOnServer, PgStore, ProjectRow, SchemaOnServer};
use super::url::DbUrl;
use crate::model::LabelSchema;
use crate::project::manifest::{MANIFEST_FILE, Manifest, ProjectKind};
use crate::project::packages::new_identity;
use crate::project::{Access, Project, ProjectError};
use std::path::Path;

/// Connects to the database `database` names, with the password from the
/// environment or the password file.
pub(crate) fn connect(database: &str) -> Result<(Connector, postgres::Client), ProjectError> {
    connect_with(database, Credentials::from_env())
}

fn connect_with(
    database: &str,
    mut credentials: Credentials,
) -> Result<(Connector, postgres::Client), ProjectError> {
    let url = DbUrl::parse(database)?;
    Ok(Connector::connect(&url, &mut credentials)?)
}

fn store_for(database: &str) -> Result<PgStore, ProjectError> {
    store_with(database, Credentials::from_env())
}

fn store_with(database: &str, credentials: Credentials) -> Result<PgStore, ProjectError> {
    let (connector, client) = connect_with(database, credentials)?;
    PgStore::with_client(connector, client)
}

fn no_project(store: &PgStore) -> ProjectError {
    ProjectError::InvalidEdit(format!(
        "{}: the database holds no project yet; make one with `shugu new DIR --images FOLDER --db URL` (or --text FILE)",
        store.connector().target()
    ))
}

/// The project of the database `store` is connected to, at `dir`.
pub(super) fn assemble(
    dir: &Path,
    database: &str,
    store: PgStore,
    access: Access,
) -> Result<Project, ProjectError> {
    let row = store.project_row()?.ok_or_else(|| no_project(&store))?;
    let (schema, version) = store.label_schema()?;
    let mut manifest = Manifest::team(database);
    manifest.name = row.name;
    manifest.kind = row.kind;
    manifest.image_root = row.image_root.unwrap_or_else(|| ".".into());
    manifest.schema = schema;
    let home = SchemaOnServer::new(store.connector().clone(), version);
    let leases = LeasesOnServer::new(store.connector().clone());
    let mut project = Project::assemble(dir, manifest, Box::new(store), None)?;
    project.read_only = access == Access::ReadOnly;
    project.schema_home = Some(Box::new(home));
    project.work_queue = Some(Box::new(leases));
    Ok(project)
}

/// Opens the team project in `dir`, whose manifest names `database`.
pub(in crate::project) fn open(
    dir: &Path,
    database: &str,
    access: Access,
) -> Result<Project, ProjectError> {
    assemble(dir, database, store_for(database)?, access)
}

/// Writes `dir`'s manifest naming `database`.
fn write_manifest(dir: &Path, database: &str) -> Result<(), ProjectError> {
    std::fs::create_dir_all(dir).map_err(|e| ProjectError::io(dir, e))?;
    Manifest::team(database).save(&dir.join(MANIFEST_FILE))
}

fn refuse_existing(dir: &Path) -> Result<(), ProjectError> {
    if Project::is_project_dir(dir) {
        return Err(ProjectError::AlreadyExists(dir.to_path_buf()));
    }
    if dir.exists() && !dir.is_dir() {
        let not_a_folder = std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            "it exists and is not a folder",
        );
        return Err(ProjectError::io(dir, not_a_folder));
    }
    Ok(())
}

/// Makes the project `row` with `schema` in the database and, once `fill`
/// has succeeded on it, the folder `dir` naming the database. When
/// anything fails the database is left without the project (`fill`'s
/// writes are each a transaction of their own that failed whole).
fn make<R, E: From<ProjectError>>(
    dir: &Path,
    database: &str,
    row: ProjectRow,
    schema: &LabelSchema,
    fill: impl FnOnce(&mut Project) -> Result<R, E>,
) -> Result<(Project, R), E> {
    refuse_existing(dir)?;
    let mut store = store_for(database)?;
    let cleanup = store.connector().clone();
    store.create_project(&row, schema)?;
    let made = assemble(dir, database, store, Access::ReadWrite)
        .map_err(E::from)
        .and_then(|mut project| {
            let filled = fill(&mut project)?;
            write_manifest(dir, database)?;
            Ok((project, filled))
        });
    if made.is_err() {
        // The error that stopped the making says more than a failed cleanup.
        let _ = PgStore::open(cleanup).and_then(|mut s| s.discard_empty_project());
    }
    made
}

impl Project {
    /// Creates a team project: the project over the shared image folder
    /// `image_root`, with `schema`, in the database `database` names
    /// (`postgres://USER@HOST:PORT/DB`, made by `shugu db init`), and the
    /// folder `dir` whose manifest names the database. The login must be an
    /// administrator of the project database. A database holds one project.
    pub fn create_on_server(
        dir: &Path,
        name: &str,
        image_root: &Path,
        schema: LabelSchema,
        database: &str,
    ) -> Result<Self, ProjectError> {
        crate::project::project::refuse_url_root(image_root)?;
        let root =
            std::fs::canonicalize(image_root).map_err(|e| ProjectError::io(image_root, e))?;
        if !root.is_dir() {
            return Err(ProjectError::io(
                image_root,
                std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
            ));
        }
        let root = crate::project::image_root_map::plain_form(&root.to_string_lossy());
        let root = root.replace('\\', "/");
        let row = ProjectRow {
            name: name.to_string(),
            kind: ProjectKind::Images,
            identity: new_identity(database),
            image_root: Some(root),
        };
        let (project, ()) = make(dir, database, row, &schema, |_| Ok::<_, ProjectError>(()))?;
        Ok(project)
    }

    /// Creates a team text project in the database `database` names and has
    /// `fill` add its items: all of it or nothing, as
    /// [`Project::create_text_with`]. The folder `dir` is made, naming the
    /// database, once `fill` has succeeded.
    pub fn create_text_on_server_with<R, E: From<ProjectError>>(
        dir: &Path,
        name: &str,
        schema: LabelSchema,
        database: &str,
        fill: impl FnOnce(&mut Project) -> Result<R, E>,
    ) -> Result<(Project, R), E> {
        let row = ProjectRow {
            name: name.to_string(),
            kind: ProjectKind::Text,
            identity: new_identity(database),
            image_root: None,
        };
        make(dir, database, row, &schema, fill)
    }

    /// Joins the team project the database `database` names holds: makes
    /// the folder `dir`, on another workstation, whose manifest names it.
    pub fn join_server(dir: &Path, database: &str) -> Result<Self, ProjectError> {
        refuse_existing(dir)?;
        let project = open(dir, database, Access::ReadWrite)?;
        write_manifest(dir, database)?;
        Ok(project)
    }

    /// [`Project::open`] with the credentials a team project connects with
    /// (a password prompt, a test's password) instead of the environment's;
    /// a project of its own folder opens as it always does.
    pub fn open_with(
        dir: &Path,
        access: Access,
        credentials: Credentials,
    ) -> Result<Self, ProjectError> {
        let path = dir.join(MANIFEST_FILE);
        if !path.is_file() {
            return Err(ProjectError::NotAProject(dir.to_path_buf()));
        }
        match Manifest::load(&path)?.database {
            Some(database) => assemble(dir, &database, store_with(&database, credentials)?, access),
            None => Project::open(dir, access),
        }
    }

    /// Opens the team project in `dir` as `login`, in place of the user its
    /// manifest's address names (`shugu claim --as`), with `credentials`'
    /// password for that login.
    pub fn open_as(
        dir: &Path,
        login: &str,
        credentials: Credentials,
    ) -> Result<Self, ProjectError> {
        let path = dir.join(MANIFEST_FILE);
        if !path.is_file() {
            return Err(ProjectError::NotAProject(dir.to_path_buf()));
        }
        let Some(database) = Manifest::load(&path)?.database else {
            return Err(ProjectError::InvalidEdit(format!(
                "{}: a project of its own folder has one annotator; logins are for team projects (on a PostgreSQL server)",
                dir.display()
            )));
        };
        let mut url = DbUrl::parse(&database)?;
        url.user = Some(login.to_string());
        let database = url.to_string();
        let store = store_with(&database, credentials)?;
        assemble(dir, &database, store, Access::ReadWrite)
    }

    /// The database a team project's manifest names; `None` for a project
    /// of its own folder.
    pub fn database(&self) -> Option<&str> {
        self.manifest.database.as_deref()
    }
}
