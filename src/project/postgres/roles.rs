//! The roles `shugu db init` makes for one project database: three group
//! roles without login — annotator, reviewer (an annotator too) and admin (a
//! reviewer too) — that users are granted into, and an owner role that owns
//! the schema and runs its security-definer functions, which nobody logs in
//! as. Their names start with the database's name by default, so that being
//! an annotator of one project gives nothing on another on the same server.

use super::error::PgError;
use postgres::GenericClient;

/// What a user may do in a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoleKind {
    Annotator,
    Reviewer,
    Admin,
}

impl RoleKind {
    pub const ALL: [RoleKind; 3] = [RoleKind::Annotator, RoleKind::Reviewer, RoleKind::Admin];

    /// The name used in `shugu.roles` and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Annotator => "annotator",
            RoleKind::Reviewer => "reviewer",
            RoleKind::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// PostgreSQL's longest name, in bytes.
const MAX_NAME: usize = 63;

/// The names of one database's roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleNames {
    pub owner: String,
    pub annotator: String,
    pub reviewer: String,
    pub admin: String,
}

impl RoleNames {
    /// `PREFIXowner`, `PREFIXannotator`, `PREFIXreviewer`, `PREFIXadmin`.
    pub fn with_prefix(prefix: &str) -> Result<Self, PgError> {
        let name = |suffix: &str| {
            let name = format!("{prefix}{suffix}");
            if name.len() > MAX_NAME {
                Err(PgError::Invalid(format!(
                    "role name {name:?} is longer than PostgreSQL's {MAX_NAME} bytes; choose a shorter prefix"
                )))
            } else {
                Ok(name)
            }
        };
        Ok(Self {
            owner: name("owner")?,
            annotator: name("annotator")?,
            reviewer: name("reviewer")?,
            admin: name("admin")?,
        })
    }

    /// The default names for database `db`: `db_annotator`, ….
    pub fn for_database(db: &str) -> Result<Self, PgError> {
        Self::with_prefix(&format!("{db}_"))
    }

    pub fn name(&self, kind: RoleKind) -> &str {
        match kind {
            RoleKind::Annotator => &self.annotator,
            RoleKind::Reviewer => &self.reviewer,
            RoleKind::Admin => &self.admin,
        }
    }

    fn rows(&self) -> [(&'static str, &str); 4] {
        [
            ("owner", &self.owner),
            ("annotator", &self.annotator),
            ("reviewer", &self.reviewer),
            ("admin", &self.admin),
        ]
    }

    /// The names a database was initialised with (`shugu.roles`).
    pub fn read(client: &mut impl GenericClient) -> Result<Self, PgError> {
        let mut names = Self {
            owner: String::new(),
            annotator: String::new(),
            reviewer: String::new(),
            admin: String::new(),
        };
        for row in client.query("SELECT kind, name FROM shugu.roles", &[])? {
            let (kind, name): (String, String) = (row.get(0), row.get(1));
            match kind.as_str() {
                "owner" => names.owner = name,
                "annotator" => names.annotator = name,
                "reviewer" => names.reviewer = name,
                "admin" => names.admin = name,
                _ => {}
            }
        }
        if names.rows().iter().any(|(_, n)| n.is_empty()) {
            return Err(PgError::NotInitialised);
        }
        Ok(names)
    }

    /// Records the names in `shugu.roles`, or checks them against those there.
    pub(super) fn record(&self, client: &mut impl GenericClient) -> Result<(), PgError> {
        for (kind, name) in self.rows() {
            client.execute(
                "INSERT INTO shugu.roles (kind, name) VALUES ($1, $2) ON CONFLICT (kind) DO NOTHING",
                &[&kind, &name],
            )?;
        }
        let there = Self::read(client)?;
        if &there != self {
            return Err(PgError::Invalid(format!(
                "this database was initialised with the roles {}, {}, {} (owner {}); run `db init` with their prefix",
                there.annotator, there.reviewer, there.admin, there.owner
            )));
        }
        Ok(())
    }
}

/// `name` as an SQL identifier, quoted.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn role_exists(client: &mut impl GenericClient, name: &str) -> Result<Option<bool>, PgError> {
    Ok(client
        .query_opt(
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = $1",
            &[&name],
        )?
        .map(|row| row.get(0)))
}

/// Makes the roles that are missing (without login) and their chain of
/// membership: admin ⊃ reviewer ⊃ annotator. A login of one of the names is
/// refused: a user is granted into a role, never made one.
pub(super) fn create_roles(
    client: &mut impl GenericClient,
    names: &RoleNames,
) -> Result<Vec<String>, PgError> {
    let mut created = Vec::new();
    for (_, name) in names.rows() {
        match role_exists(client, name)? {
            Some(true) => {
                return Err(PgError::Invalid(format!(
                    "{name} exists and can log in; Shugu's roles are groups that users are granted into: drop it, or choose another prefix"
                )));
            }
            Some(false) => {}
            None => {
                client.batch_execute(&format!("CREATE ROLE {} NOLOGIN", quote_ident(name)))?;
                created.push(name.to_string());
            }
        }
    }
    client.batch_execute(&format!(
        "GRANT {annotator} TO {reviewer}; GRANT {reviewer} TO {admin};",
        annotator = quote_ident(&names.annotator),
        reviewer = quote_ident(&names.reviewer),
        admin = quote_ident(&names.admin),
    ))?;
    Ok(created)
}

/// Grants `user` (an existing login) the role of `kind` in the project.
pub fn grant(
    client: &mut impl GenericClient,
    names: &RoleNames,
    user: &str,
    kind: RoleKind,
) -> Result<(), PgError> {
    if role_exists(client, user)? != Some(true) {
        return Err(PgError::Invalid(format!(
            "there is no login {user:?} on the server (an administrator makes it: CREATE ROLE … LOGIN PASSWORD …)"
        )));
    }
    client.batch_execute(&format!(
        "GRANT {} TO {}",
        quote_ident(names.name(kind)),
        quote_ident(user)
    ))?;
    Ok(())
}
