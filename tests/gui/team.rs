//! Two app instances on one team project (issue 16, acceptance 4): each
//! asks for its login's password (nothing in the environment), an
//! annotator's edits show in a reviewer's item list and status counts
//! within a second, and Next takes items through leases.

use crate::common::gui::{app_config, drag_on_image, start};
use crate::common::write_image;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use shugu::model::ItemStatus;
use shugu::project::postgres::test_cluster::{self, TestDb};
use shugu::project::postgres::{RoleKind, grant, init_database, leases};
use shugu::ui::Startup;
use shugu::ui::app::ShuguApp;
use shugu::ui::i18n::Language;
use shugu::ui::settings::{Role, Settings};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A team project of three images, made by its admin; workstations join it
/// with logins of their own (password: the login's name).
struct Team {
    db: TestDb,
    root: tempfile::TempDir,
    port: u16,
}

impl Team {
    fn new(hint: &str) -> Team {
        let cluster = test_cluster::shared();
        let db = cluster.database(hint);
        let report = init_database(&mut db.superuser(), None).unwrap();
        let admin = db.login("boss");
        grant(&mut db.superuser(), &report.roles, &admin, RoleKind::Admin).unwrap();
        let team = Team {
            db,
            root: tempfile::tempdir().unwrap(),
            port: cluster.port,
        };
        let images = team.root.path().join("images");
        for name in ["a.png", "b.png", "c.png"] {
            write_image(&images.join(name), 64, 48);
        }
        let made = team.shugu(
            &admin,
            &[
                "new".as_ref(),
                team.root.path().join("admin").as_os_str(),
                "--images".as_ref(),
                images.as_os_str(),
                "--classes".as_ref(),
                "car".as_ref(),
                "--db".as_ref(),
                team.url(&admin).as_ref(),
            ],
        );
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        team
    }

    fn url(&self, login: &str) -> String {
        format!(
            "postgres://{login}@127.0.0.1:{}/{}",
            self.port, self.db.name
        )
    }

    fn shugu(&self, login: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_shugu"))
            .args(args)
            .env("PGPASSWORD", login)
            .env("PGPASSFILE", "/nonexistent/pgpass")
            .output()
            .unwrap()
    }

    /// A workstation's folder for a new login granted `kind`.
    fn workstation(&self, short: &str, kind: RoleKind) -> (String, PathBuf) {
        let login = self.db.login(short);
        let mut su = self.db.superuser();
        let names = shugu::project::postgres::RoleNames::read(&mut su).unwrap();
        grant(&mut su, &names, &login, kind).unwrap();
        let dir = self.root.path().join(short);
        let joined = self.shugu(
            &login,
            &[
                "new".as_ref(),
                dir.as_os_str(),
                "--db".as_ref(),
                self.url(&login).as_ref(),
            ],
        );
        assert!(
            joined.status.success(),
            "{}",
            String::from_utf8_lossy(&joined.stderr)
        );
        (login, dir)
    }
}

/// The app opened on `dir`, its settings in a folder of its own, the
/// password typed into the prompt.
fn app(dir: &Path, settings_dir: &Path, role: Role, password: &str) -> Harness<'static, ShuguApp> {
    std::fs::create_dir_all(settings_dir).unwrap();
    let config = app_config(settings_dir, "ignored", Language::English, vec![]);
    let path = config.settings_path.clone().unwrap();
    let (mut settings, _) = Settings::load(&path);
    settings.role = role;
    settings.save(&path).unwrap();
    let mut h = start(config, Startup::Open(dir.to_path_buf()));
    assert!(
        h.state().workspace().is_none(),
        "nothing gave the password yet"
    );
    h.get_by_label_contains("The server asks for the password of");
    type_password(&mut h, password);
    h
}

fn type_password(h: &mut Harness<ShuguApp>, password: &str) {
    let field = h.get_by_role(eframe::egui::accesskit::Role::PasswordInput);
    field.focus();
    field.type_text(password);
    h.run();
    h.get_by_label("Connect").click();
    h.run();
}

/// Steps `h` until `done` holds; returns how long it took. Fails after 5 s.
fn until(
    h: &mut Harness<ShuguApp>,
    what: &str,
    done: impl Fn(&Harness<ShuguApp>) -> bool,
) -> Duration {
    let start = Instant::now();
    while !done(h) {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{what}: not within 5 s"
        );
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    start.elapsed()
}

fn status(h: &Harness<ShuguApp>, index: usize) -> ItemStatus {
    h.state().workspace().unwrap().project.items()[index].status
}

#[test]
fn an_annotators_edit_shows_in_a_reviewers_item_list_within_a_second() {
    let team = Team::new("gui two apps");
    let (alice, alice_dir) = team.workstation("alice", RoleKind::Annotator);
    let (rev, rev_dir) = team.workstation("rev", RoleKind::Reviewer);
    let root = team.root.path();

    // A wrong password is said, and asked again.
    let mut a = {
        std::fs::create_dir_all(root.join("a_settings")).unwrap();
        let config = app_config(
            &root.join("a_settings"),
            "ignored",
            Language::English,
            vec![],
        );
        let mut h = start(config, Startup::Open(alice_dir.clone()));
        type_password(&mut h, "wrong");
        assert!(h.state().workspace().is_none());
        h.get_by_label_contains("the server refused the password from the prompt");
        type_password(&mut h, &alice);
        h
    };
    let ws = a.state().workspace().expect("Alice's workstation is open");
    assert_eq!(ws.project.author(), alice, "edits are the login's");
    assert!(ws.team.is_some());
    let mut b = app(&rev_dir, &root.join("b_settings"), Role::Reviewer, &rev);
    b.get_by_label("0 / 3");
    b.get_by_label_contains("0 to review");

    // Alice's Next takes the first item by a lease; she draws on it.
    a.key_press(eframe::egui::Key::D);
    a.run();
    assert_eq!(a.state().workspace().unwrap().current, Some(0));
    let held = leases(&mut team.db.superuser()).unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].holder, alice);
    drag_on_image(&mut a, (10.0, 10.0), (40.0, 30.0));
    a.run();
    assert_eq!(status(&a, 0), ItemStatus::InProgress);
    // The reviewer's copy of the item list follows within a second.
    let took = until(&mut b, "in progress", |b| {
        status(b, 0) == ItemStatus::InProgress
    });
    assert!(took < Duration::from_secs(1), "{took:?}");

    // She submits it (Enter): it comes into the reviewer's queue and counts.
    a.key_press(eframe::egui::Key::Enter);
    a.run();
    assert_eq!(status(&a, 0), ItemStatus::Submitted);
    assert_eq!(
        a.state().workspace().unwrap().current,
        Some(1),
        "Next took the next item"
    );
    let took = until(&mut b, "in the review queue", |b| {
        b.query_by_label("1 / 3").is_some() && b.query_by_label_contains("1 to review").is_some()
    });
    assert!(took < Duration::from_secs(1), "{took:?}");

    // The reviewer's Next takes it by a lease; Alice holds item 1 alone.
    b.key_press(eframe::egui::Key::D);
    b.run();
    assert_eq!(b.state().workspace().unwrap().current, Some(0));
    let mut holders: Vec<(i64, String)> = leases(&mut team.db.superuser())
        .unwrap()
        .into_iter()
        .map(|l| (l.item.0, l.holder))
        .collect();
    holders.sort();
    let ids: Vec<i64> = a
        .state()
        .workspace()
        .unwrap()
        .project
        .items()
        .iter()
        .map(|i| i.id.0)
        .collect();
    assert_eq!(holders, [(ids[0], rev.clone()), (ids[1], alice.clone())]);

    // The dashboard reads the project again on a worker, with the password
    // typed for this login: not asked again, nothing failing.
    b.key_press(eframe::egui::Key::F9);
    until(&mut b, "the dashboard's figures", |b| {
        b.state().dashboard.figures().is_some()
    });
    match b.state().dashboard.figures() {
        Some(Ok(stats)) => assert_eq!((stats.items, stats.items_submitted), (3, 1)),
        other => panic!("{other:?}"),
    }
}
