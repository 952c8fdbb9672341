use super::super::{Connector, Credentials, PgError, Pool};
use super::test_cluster;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn session_user(client: &mut postgres::Client) -> String {
    client
        .query_one("SELECT session_user::text", &[])
        .expect("session_user")
        .get(0)
}

#[test]
fn the_prompt_is_asked_only_when_the_server_wants_a_password() {
    let db = test_cluster::shared().database("prompt");
    let login = db.login("alice");
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let answer = login.clone();
    let mut credentials = Credentials::none().with_prompt(Box::new(move |target| {
        counter.fetch_add(1, Ordering::SeqCst);
        assert!(
            target.starts_with(&format!("{answer}@127.0.0.1:")),
            "{target}"
        );
        Some(answer.clone())
    }));
    let (connector, mut client) =
        Connector::connect(&db.url(&login), &mut credentials).expect("connect");
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    assert_eq!(session_user(&mut client), login);
    // More connections reuse the password without asking.
    let mut again = connector.open().expect("second connection");
    assert_eq!(session_user(&mut again), login);
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    // And so does another connecting in this process (an export's, the
    // dashboard's), without a prompt of its own.
    let (_, mut later) = Connector::connect(&db.url(&login), &mut Credentials::none())
        .expect("the password typed before");
    assert_eq!(session_user(&mut later), login);
    // Once the server no longer takes it, it is asked for again.
    db.superuser()
        .batch_execute(&format!("ALTER ROLE {login} PASSWORD 'changed'"))
        .unwrap();
    let err = Connector::connect(&db.url(&login), &mut Credentials::none())
        .err()
        .expect("the old password is refused");
    assert!(err.to_string().contains("typed earlier"), "{err}");
    let err = Connector::connect(&db.url(&login), &mut Credentials::none())
        .err()
        .expect("nothing known now");
    assert!(matches!(err, PgError::NoPassword { .. }), "{err}");
}

#[test]
fn without_any_password_the_message_says_where_to_put_one() {
    let db = test_cluster::shared().database("nopassword");
    let login = db.login("bob");
    let err = Connector::connect(&db.url(&login), &mut Credentials::none())
        .err()
        .expect("the connection should fail");
    assert!(matches!(err, PgError::NoPassword { .. }), "{err}");
    assert!(err.to_string().contains("PGPASSWORD"), "{err}");
    // A prompt the user cancels is the same.
    let mut cancelled = Credentials::none().with_prompt(Box::new(|_| None));
    let err = Connector::connect(&db.url(&login), &mut cancelled)
        .err()
        .expect("the connection should fail");
    assert!(matches!(err, PgError::NoPassword { .. }), "{err}");
}

#[test]
fn a_wrong_password_is_refused_naming_where_it_came_from() {
    let db = test_cluster::shared().database("wrongpassword");
    let login = db.login("carol");
    let mut credentials = Credentials::none();
    credentials.password = Some("not it".into());
    let err = Connector::connect(&db.url(&login), &mut credentials)
        .err()
        .expect("the connection should fail");
    assert!(matches!(err, PgError::PasswordRefused { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("PGPASSWORD") && text.contains(&login),
        "{text}"
    );
    assert!(!text.contains("not it"), "{text}");
}

#[cfg(unix)]
#[test]
fn the_password_file_is_used_unless_others_may_read_it() {
    use std::os::unix::fs::PermissionsExt;
    let cluster = test_cluster::shared();
    let db = cluster.database("pgpass");
    let login = db.login("dave");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pgpass");
    std::fs::write(
        &file,
        format!(
            "# ours\n127.0.0.1:{}:other_db:{login}:wrong\n127.0.0.1:{}:*:{login}:{login}\n",
            cluster.port, cluster.port
        ),
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut credentials = Credentials::none();
    credentials.passfile = Some(file.clone());
    let (_, mut client) = Connector::connect(&db.url(&login), &mut credentials).expect("pgpass");
    assert_eq!(session_user(&mut client), login);
    assert!(credentials.warnings.is_empty());

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut credentials = Credentials::none();
    credentials.passfile = Some(file);
    let err = Connector::connect(&db.url(&login), &mut credentials)
        .err()
        .expect("the connection should fail");
    assert!(matches!(err, PgError::NoPassword { .. }), "{err}");
    assert_eq!(credentials.warnings.len(), 1);
    assert!(
        credentials.warnings[0].contains("0600"),
        "{:?}",
        credentials.warnings
    );
}

#[test]
fn a_pool_serves_threads_at_once_within_its_size() {
    let db = test_cluster::shared().database("pool");
    let connector = db.superuser_connector();
    let pool = Pool::new(&connector, 3).expect("pool");
    std::thread::scope(|s| {
        for _ in 0..6 {
            let pool = pool.clone();
            s.spawn(move || {
                let mut client = pool.get().expect("pooled connection");
                let row = client.query_one("SELECT pg_backend_pid()", &[]).unwrap();
                let _: i32 = row.get(0);
            });
        }
    });
    let row = db
        .superuser()
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'shugu' AND pid <> pg_backend_pid()",
            &[&db.name],
        )
        .unwrap();
    let open: i64 = row.get(0);
    assert!((1..=3).contains(&open), "{open} connections");
}
