use super::super::init::init_with;
use super::super::migrate::{MIGRATIONS, Migration};
use super::super::{PgError, check_schema, init_database, latest_version, schema_version};
use super::{project_db, test_cluster};

#[test]
fn db_init_makes_the_schema_and_roles_and_a_second_run_changes_nothing() {
    let db = test_cluster::shared().database("init twice");
    let mut su = db.superuser();
    assert_eq!(schema_version(&mut su).unwrap(), None);
    assert!(matches!(
        check_schema(&mut su),
        Err(PgError::NotInitialised)
    ));
    let first = init_database(&mut su, None).expect("first init");
    assert_eq!(first.database, db.name);
    assert_eq!(first.roles.annotator, format!("{}_annotator", db.name));
    assert_eq!(first.created_roles.len(), 4);
    assert_eq!(first.applied, (1..=latest_version()).collect::<Vec<_>>());
    assert_eq!(first.schema_version, latest_version());
    let second = init_database(&mut su, None).expect("second init");
    assert!(second.created_roles.is_empty() && second.applied.is_empty());
    assert_eq!(second.roles, first.roles);
    assert_eq!(check_schema(&mut su).unwrap(), latest_version());
    // The schema belongs to the owner role, not to whoever ran `db init`.
    let owner: String = su
        .query_one("SELECT tableowner::text FROM pg_tables WHERE schemaname = 'shugu' AND tablename = 'items'", &[])
        .unwrap()
        .get(0);
    assert_eq!(owner, first.roles.owner);
}

#[test]
fn a_database_of_a_newer_shugu_is_refused() {
    let (db, _) = project_db("newer");
    let mut su = db.superuser();
    su.execute(
        "INSERT INTO shugu.migrations (version, name) VALUES ($1, 'from the future')",
        &[&(latest_version() + 1)],
    )
    .unwrap();
    let err = check_schema(&mut su).unwrap_err();
    assert!(matches!(err, PgError::NewerDatabase { .. }), "{err}");
    assert!(err.to_string().contains("update Shugu"), "{err}");
    let err = init_database(&mut su, None).unwrap_err();
    assert!(matches!(err, PgError::NewerDatabase { .. }), "{err}");
}

#[test]
fn a_migration_that_fails_leaves_nothing_of_itself() {
    let db = test_cluster::shared().database("failed migration");
    let mut su = db.superuser();
    let broken = Migration {
        version: 2,
        name: "broken",
        sql: "CREATE TABLE shugu.half_made (id integer); SELECT no_such_function();",
    };
    let migrations = [MIGRATIONS[0], broken];
    let err = init_with(&mut su, None, &migrations).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("migration 2 (broken)") && text.contains("no_such_function"),
        "{text}"
    );
    assert_eq!(schema_version(&mut su).unwrap(), Some(1));
    let half: bool = su
        .query_one("SELECT to_regclass('shugu.half_made') IS NULL", &[])
        .unwrap()
        .get(0);
    assert!(half, "the failed migration's table stayed");
    // The database stays at version 1, usable by this program.
    assert!(matches!(
        init_with(&mut su, None, &migrations[..1]),
        Ok(report) if report.applied.is_empty()
    ));
}
