//! `shugu db init URL`: makes (or upgrades) a project database — the roles,
//! the schema by its migrations, and who may connect. Run by a superuser, or
//! by the database's owner with CREATEROLE.

use super::error::PgError;
use super::migrate::{self, MIGRATIONS, Migration};
use super::roles::{self, RoleNames, quote_ident};
use postgres::Client;

/// PostgreSQL 13 brought `pg_current_xact_id`, which item versions use.
const OLDEST_SERVER: i32 = 130_000;

/// What `db init` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitReport {
    pub database: String,
    pub roles: RoleNames,
    /// Roles that did not exist before.
    pub created_roles: Vec<String>,
    /// Schema versions applied now (none when it was up to date).
    pub applied: Vec<i32>,
    pub schema_version: i32,
}

/// Initialises or upgrades the database `client` is connected to; the roles
/// are `names`, or by default named after the database.
pub fn init_database(client: &mut Client, names: Option<RoleNames>) -> Result<InitReport, PgError> {
    init_with(client, names, MIGRATIONS)
}

pub(super) fn init_with(
    client: &mut Client,
    names: Option<RoleNames>,
    migrations: &[Migration],
) -> Result<InitReport, PgError> {
    let row = client.query_one(
        "SELECT current_setting('server_version_num')::integer, current_database()::text",
        &[],
    )?;
    let (server, database): (i32, String) = (row.get(0), row.get(1));
    if server < OLDEST_SERVER {
        return Err(PgError::Invalid(format!(
            "the server runs PostgreSQL {}.{}; Shugu needs 13 or newer",
            server / 10_000,
            server % 10_000 / 100
        )));
    }
    let names = match names {
        Some(names) => names,
        None => existing_names(client)?.map_or_else(|| RoleNames::for_database(&database), Ok)?,
    };
    let mut tx = client.transaction()?;
    let created_roles = roles::create_roles(&mut tx, &names)?;
    let db = quote_ident(&database);
    tx.batch_execute(&format!(
        "GRANT {owner} TO CURRENT_USER;
         GRANT CREATE, CONNECT ON DATABASE {db} TO {owner};
         REVOKE CONNECT ON DATABASE {db} FROM PUBLIC;
         GRANT CONNECT ON DATABASE {db} TO {annotator}, {reviewer}, {admin};",
        owner = quote_ident(&names.owner),
        annotator = quote_ident(&names.annotator),
        reviewer = quote_ident(&names.reviewer),
        admin = quote_ident(&names.admin),
    ))?;
    tx.commit()?;
    migrate::bootstrap(client, &names)?;
    let applied = migrate::migrate(client, &names.owner, migrations)?;
    let schema_version = migrate::schema_version(client)?.unwrap_or(0);
    Ok(InitReport {
        database,
        roles: names,
        created_roles,
        applied,
        schema_version,
    })
}

/// The role names of an initialised database, so a second `db init`
/// (an upgrade) needs no prefix.
fn existing_names(client: &mut Client) -> Result<Option<RoleNames>, PgError> {
    if migrate::schema_version(client)?.is_none() {
        return Ok(None);
    }
    RoleNames::read(client).map(Some)
}
