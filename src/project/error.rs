use std::path::PathBuf;

/// Everything that can go wrong opening or changing a project. Messages name the
/// file or record and the problem.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a valid project manifest: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error(
        "{path}: written by a newer Shugu (project format {found}, this version reads up to {supported}); update Shugu to open it"
    )]
    NewerFormat {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{0}: there is no Shugu project here (no project.ron)")]
    NotAProject(PathBuf),
    #[error("{0}: a project already exists here")]
    AlreadyExists(PathBuf),
    #[error("{0}: the project is open in another Shugu window or process")]
    Locked(PathBuf),
    #[error("the project is open read-only (another Shugu has it open); changes are not saved")]
    ReadOnly,
    #[error("annotation database: {0}")]
    Db(#[from] rusqlite::Error),
    /// A team project's PostgreSQL server said no, or could not be reached.
    #[error("{0}")]
    Server(#[from] super::postgres::PgError),
    #[error("invalid edit: {0}")]
    InvalidEdit(String),
    /// Someone else changed an item since this workstation read it (an
    /// edit), or since this workstation's own edit of it (an undo or redo):
    /// nothing was stored, and the item is read again.
    #[error("{}", conflict_message(*.item, path, by, *.undoing))]
    Conflict {
        item: crate::model::ItemId,
        /// The item's path in the project.
        path: String,
        /// The login that changed it.
        by: String,
        /// The refused write was an undo or redo of one's own edit.
        undoing: bool,
    },
}

fn conflict_message(item: crate::model::ItemId, path: &str, by: &str, undoing: bool) -> String {
    if undoing {
        format!(
            "cannot undo: item {item} ({path}) was changed by {by} since your edit, and undoing it would overwrite their change; the step was taken off your undo history"
        )
    } else {
        format!(
            "item {item} ({path}) was changed by {by} since you read it, so your edit was not saved; look at the item as it is now and make your change again"
        )
    }
}

impl ProjectError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ProjectError::Io {
            path: path.into(),
            source,
        }
    }
}
