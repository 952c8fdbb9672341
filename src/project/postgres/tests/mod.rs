//! Tests against a real server: the test binary's private cluster
//! (`test_cluster`), a database of their own each.

mod assignment;
mod conflicts;
mod connect;
mod leases;
mod listen;
mod live_changes;
mod migrations;
mod roles;
mod store;

use super::team::assemble;
use super::test_cluster::{self, TestDb};
use super::{PgError, PgStore, ProjectRow, RoleKind, RoleNames, grant, init_database};
use crate::model::{ItemId, LabelSchema};
use crate::project::{Access, Project, ProjectKind};
use postgres::Client;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// A fresh database made by `db init`, with its role names.
fn project_db(hint: &str) -> (TestDb, RoleNames) {
    let db = test_cluster::shared().database(hint);
    let report = init_database(&mut db.superuser(), None).expect("db init");
    (db, report.roles)
}

/// A login granted `kind` in the project.
fn user(db: &TestDb, roles: &RoleNames, short: &str, kind: RoleKind) -> String {
    let login = db.login(short);
    grant(&mut db.superuser(), roles, &login, kind).expect("grant");
    login
}

/// The login `name` on the shared cluster (password: the same), made once
/// per test binary: logins belong to the cluster, not to one database.
fn shared_login(name: &str) -> String {
    static MADE: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    if !made.contains(name) {
        let sql = format!(
            "CREATE ROLE {} LOGIN PASSWORD '{}'",
            super::quote_ident(name),
            name.replace('\'', "''")
        );
        if let Err(e) = test_cluster::shared()
            .superuser("postgres")
            .batch_execute(&sql)
        {
            panic!("test cluster: {sql}: {e}");
        }
        made.insert(name.to_string());
    }
    name.to_string()
}

/// A store on a fresh project database whose login, `login` (made once
/// per test binary), is an administrator; the project row is there.
pub(in crate::project) fn suite_store(login: &str) -> PgStore {
    let (db, roles) = project_db("suite");
    let login = shared_login(login);
    grant(&mut db.superuser(), &roles, &login, RoleKind::Admin).expect("grant");
    let connector = db.cluster.connector(&db.name, &login, &login);
    let mut store = PgStore::open(connector).expect("open the PostgreSQL store");
    let row = ProjectRow {
        name: "suite".into(),
        kind: ProjectKind::Images,
        image_root: None,
        identity: db.name.clone(),
    };
    store
        .create_project(&row, &LabelSchema::default())
        .expect("the project row");
    store
}

/// `n` new items, as an admin's import makes them.
fn add_items(client: &mut Client, n: i64) -> Vec<ItemId> {
    client
        .query(
            "INSERT INTO shugu.items (rel_path, width, height)
             SELECT format('img/%s/%s.jpg', txid_current(), g), 640, 480
               FROM generate_series(1, $1::bigint) g
             RETURNING id",
            &[&n],
        )
        .expect("items")
        .iter()
        .map(|r| ItemId(r.get(0)))
        .collect()
}

/// The error of a statement the test expects the server to refuse.
fn refused(result: Result<impl std::fmt::Debug, postgres::Error>, what: &str) -> String {
    match result {
        Ok(ok) => panic!("{what}: the server allowed it ({ok:?})"),
        Err(e) => {
            let e = PgError::from(e);
            assert!(e.is_refused(), "{what}: refused for another reason: {e}");
            e.to_string()
        }
    }
}

fn status_of(client: &mut Client, item: ItemId) -> String {
    client
        .query_one("SELECT status FROM shugu.items WHERE id = $1", &[&item.0])
        .expect("status")
        .get(0)
}

fn version_of(client: &mut Client, item: ItemId) -> i64 {
    client
        .query_one("SELECT version FROM shugu.items WHERE id = $1", &[&item.0])
        .expect("version")
        .get(0)
}

/// A team project with `items` items and the classes car (1) and person (2).
pub(super) struct Team {
    db: TestDb,
    roles: RoleNames,
    pub items: Vec<ItemId>,
    dirs: tempfile::TempDir,
}

pub(super) fn team(hint: &str, items: i64) -> Team {
    let (db, roles) = project_db(hint);
    let admin = user(&db, &roles, "boss", RoleKind::Admin);
    let mut store = PgStore::open(db.connector(&admin)).unwrap();
    let row = ProjectRow {
        name: "signs".into(),
        kind: ProjectKind::Images,
        image_root: Some("/srv/images".into()),
        identity: db.name.clone(),
    };
    store
        .create_project(&row, &LabelSchema::with_classes(&["car", "person"]))
        .unwrap();
    let items = add_items(&mut db.superuser(), items);
    Team {
        db,
        roles,
        items,
        dirs: tempfile::tempdir().unwrap(),
    }
}

impl Team {
    /// A workstation of a new login granted `kind`: the project opened on it.
    pub fn workstation(&self, short: &str, kind: RoleKind) -> Project {
        let login = user(&self.db, &self.roles, short, kind);
        let store = PgStore::open(self.db.connector(&login)).unwrap();
        let url = self.db.url(&login).to_string();
        let dir = self.dirs.path().join(short);
        assemble(&dir, &url, store, Access::ReadWrite).unwrap()
    }

    pub fn superuser(&self) -> Client {
        self.db.superuser()
    }
}
