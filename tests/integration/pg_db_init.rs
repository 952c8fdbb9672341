//! `shugu db init` and `shugu db grant` against the test binary's private
//! PostgreSQL cluster, the password from PGPASSWORD as an administrator
//! would give it.

use crate::common::cli::text;
use shugu::project::postgres::test_cluster;
use std::process::{Command, Output};

fn shugu_db(password: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shugu"))
        .arg("db")
        .args(args)
        .env("PGPASSWORD", password)
        .env("PGPASSFILE", "/nonexistent/pgpass")
        .env_remove("PGUSER")
        .output()
        .unwrap()
}

#[test]
fn db_init_makes_the_roles_and_db_grant_gives_them() {
    let cluster = test_cluster::shared();
    let db = cluster.database("cli init");
    let url = format!("postgres://postgres@127.0.0.1:{}/{}", cluster.port, db.name);
    let su = cluster.superuser_password();

    let first = shugu_db(su, &["init", &url]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    assert!(
        out.contains("schema version 4 (applied 1, 2, 3, 4)"),
        "{out}"
    );
    assert!(out.contains(&format!("{}_annotator", db.name)), "{out}");
    let again = shugu_db(su, &["init", &url]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("(up to date)"));

    let ann = db.login("ann");
    let granted = shugu_db(su, &["grant", &url, &ann, "--role", "reviewer"]);
    assert!(granted.status.success(), "{}", text(&granted.stderr));
    let is_reviewer: bool = db
        .connect(&ann)
        .query_one("SELECT shugu.is_member('reviewer') AND shugu.is_member('annotator') AND NOT shugu.is_member('admin')", &[])
        .unwrap()
        .get(0);
    assert!(is_reviewer);
    let nobody = shugu_db(su, &["grant", &url, "no_such_login", "--role", "admin"]);
    assert!(!nobody.status.success());
    assert!(text(&nobody.stderr).contains("no login \"no_such_login\""));
}

#[test]
fn db_init_says_what_is_wrong_and_never_echoes_a_password() {
    let cluster = test_cluster::shared();
    let db = cluster.database("cli refused");
    let url = format!("postgres://postgres@127.0.0.1:{}/{}", cluster.port, db.name);
    let wrong = shugu_db("hunter2", &["init", &url]);
    assert!(!wrong.status.success());
    let err = text(&wrong.stderr);
    assert!(
        err.contains("refused the password from PGPASSWORD"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");

    let with_password = format!(
        "postgres://postgres:hunter2@127.0.0.1:{}/{}",
        cluster.port, db.name
    );
    let refused = shugu_db(cluster.superuser_password(), &["init", &with_password]);
    assert!(!refused.status.success());
    let err = text(&refused.stderr);
    assert!(err.contains("PGPASSWORD or ~/.pgpass"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}
