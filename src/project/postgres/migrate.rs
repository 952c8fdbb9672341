//! Versioned schema migrations: `shugu.migrations` lists the versions
//! applied; each migration runs in a transaction of its own, as the schema's
//! owner role, under an advisory lock so that two `db init`s never run one
//! twice; a database newer than this program is refused, one older must be
//! upgraded by an administrator (`shugu db init`) before it is used.

use super::error::PgError;
use super::roles::{RoleNames, quote_ident};
use postgres::{Client, GenericClient};

/// One step of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order; the last one's version is the schema version
/// this program works with.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "base",
        sql: include_str!("sql/0001_base.sql"),
    },
    Migration {
        version: 2,
        name: "store",
        sql: include_str!("sql/0002_store.sql"),
    },
    Migration {
        version: 3,
        name: "team",
        sql: include_str!("sql/0003_team.sql"),
    },
    Migration {
        version: 4,
        name: "proposal attributes",
        sql: include_str!("sql/0004_proposal_attributes.sql"),
    },
];

pub fn latest_version() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Held (per transaction) by whoever changes the schema: "SHUGU" and 1.
const SCHEMA_LOCK: i64 = 0x5348_5547_5500_0001;

/// What `db init` makes before the first migration, idempotently: the
/// schema, the table of applied migrations and the table of role names.
const BOOTSTRAP: &str = "
CREATE SCHEMA IF NOT EXISTS shugu;
CREATE TABLE IF NOT EXISTS shugu.migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT session_user
);
CREATE TABLE IF NOT EXISTS shugu.roles (
    kind text PRIMARY KEY CHECK (kind IN ('owner', 'annotator', 'reviewer', 'admin')),
    name text NOT NULL UNIQUE
);
";

/// The database's schema version; `None` when it has no Shugu schema.
pub fn schema_version(client: &mut impl GenericClient) -> Result<Option<i32>, PgError> {
    let row = client.query_one("SELECT to_regclass('shugu.migrations') IS NOT NULL", &[])?;
    if !row.get::<_, bool>(0) {
        return Ok(None);
    }
    let row = client.query_one("SELECT max(version) FROM shugu.migrations", &[])?;
    Ok(Some(row.get::<_, Option<i32>>(0).unwrap_or(0)))
}

/// Checks that this program can work on the database: its schema is the one
/// the program knows. Returns the version.
pub fn check_schema(client: &mut impl GenericClient) -> Result<i32, PgError> {
    compare(schema_version(client)?, latest_version())
}

fn compare(found: Option<i32>, supported: i32) -> Result<i32, PgError> {
    match found {
        None => Err(PgError::NotInitialised),
        Some(found) if found > supported => Err(PgError::NewerDatabase { found, supported }),
        Some(found) if found < supported => Err(PgError::OlderDatabase { found, supported }),
        Some(found) => Ok(found),
    }
}

/// Creates the bootstrap tables and records the role names, as the owner.
pub(super) fn bootstrap(client: &mut Client, names: &RoleNames) -> Result<(), PgError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
    tx.batch_execute(&format!("SET LOCAL ROLE {}", quote_ident(&names.owner)))?;
    tx.batch_execute(BOOTSTRAP)?;
    names.record(&mut tx)?;
    tx.commit()?;
    Ok(())
}

/// Applies the migrations of `migrations` the database lacks, each in its
/// own transaction as `owner`; returns the versions applied. Refuses a
/// database newer than the last of them.
pub(super) fn migrate(
    client: &mut Client,
    owner: &str,
    migrations: &[Migration],
) -> Result<Vec<i32>, PgError> {
    let supported = migrations.last().map_or(0, |m| m.version);
    let mut applied = Vec::new();
    for migration in migrations {
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
        let found = schema_version(&mut tx)?.unwrap_or(0);
        if found > supported {
            return Err(PgError::NewerDatabase { found, supported });
        }
        if found >= migration.version {
            continue;
        }
        tx.batch_execute(&format!("SET LOCAL ROLE {}", quote_ident(owner)))?;
        tx.batch_execute(migration.sql).map_err(|e| {
            PgError::Server(format!(
                "schema migration {} ({}) failed, nothing of it was applied: {}",
                migration.version,
                migration.name,
                super::error::describe(&e)
            ))
        })?;
        tx.execute(
            "INSERT INTO shugu.migrations (version, name) VALUES ($1, $2)",
            &[&migration.version, &migration.name],
        )?;
        tx.commit()?;
        applied.push(migration.version);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i32 + 1, "{}", m.name);
        }
    }

    #[test]
    fn only_the_known_version_is_worked_on() {
        assert!(matches!(compare(None, 3), Err(PgError::NotInitialised)));
        assert!(matches!(
            compare(Some(4), 3),
            Err(PgError::NewerDatabase {
                found: 4,
                supported: 3
            })
        ));
        assert!(matches!(
            compare(Some(2), 3),
            Err(PgError::OlderDatabase { .. })
        ));
        assert_eq!(compare(Some(3), 3).unwrap(), 3);
    }
}
