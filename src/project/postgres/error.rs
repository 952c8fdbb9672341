/// Everything that can go wrong talking to a team project's PostgreSQL
/// server. Messages name the server and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("{url}: not a database address: {message}")]
    Url { url: String, message: String },
    #[error("{target}: cannot connect: {}", describe(.source))]
    Connect {
        target: String,
        #[source]
        source: postgres::Error,
    },
    #[error("{target}: the server refused the password from {from}: {}", describe(.source))]
    PasswordRefused {
        target: String,
        from: String,
        #[source]
        source: postgres::Error,
    },
    #[error(
        "{target}: the server asks for a password and none was given (set PGPASSWORD, add it to ~/.pgpass, or enter it when asked)"
    )]
    NoPassword { target: String },
    #[error("{0}")]
    Server(String),
    #[error("database: {}", describe(.0))]
    Query(#[from] postgres::Error),
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2_postgres::r2d2::Error),
    #[error(
        "this database was not made by `shugu db init` (it has no Shugu schema); an administrator runs `shugu db init URL` first"
    )]
    NotInitialised,
    #[error(
        "the database is of a newer Shugu (schema version {found}, this version knows up to {supported}); update Shugu"
    )]
    NewerDatabase { found: i32, supported: i32 },
    #[error(
        "the database has schema version {found} and this Shugu needs {supported}; an administrator runs `shugu db init URL` to upgrade it"
    )]
    OlderDatabase { found: i32, supported: i32 },
    #[error("{0}")]
    Invalid(String),
}

/// The server's own words for a failed query: its message, then detail and
/// hint when it gave them, instead of the client library's "db error".
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut out = db.message().to_string();
            if let Some(detail) = db.detail() {
                out.push_str(" (");
                out.push_str(detail);
                out.push(')');
            }
            if let Some(hint) = db.hint() {
                out.push_str("; ");
                out.push_str(hint);
            }
            out
        }
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

impl PgError {
    /// The SQLSTATE the server answered with, when the error is a refusal
    /// or failure of a statement (e.g. `42501` for a refused privilege).
    pub fn sql_state(&self) -> Option<&str> {
        match self {
            PgError::Query(e) | PgError::Connect { source: e, .. } => {
                e.as_db_error().map(|db| db.code().code())
            }
            _ => None,
        }
    }

    /// Whether the server refused the statement for want of a privilege:
    /// a grant, or one of the schema's role and lease rules.
    pub fn is_refused(&self) -> bool {
        self.sql_state() == Some("42501")
    }
}
