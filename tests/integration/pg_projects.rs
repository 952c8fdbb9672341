//! Team projects on the test binary's private PostgreSQL cluster, through
//! the `shugu` binary as a workstation runs it (issue 16): `new --db` for
//! images and texts, `import`, `export` and `stats` unchanged on them, a
//! second workstation joining, and `db push` moving a project of its own
//! folder onto the server with its history. The password comes from
//! PGPASSWORD and is never written into a project.

use crate::common::cli::{run_python_check, text};
use crate::common::{scanned_project, write_image};
use serde_json::Value;
use shugu::model::{
    AttrValue, BBox, ClassId, CommentTarget, Edit, ItemId, ItemStatus, LabelSchema, NewAnnotation,
    NewComment, NewProposal, Point, Polygon, Shape, VersionKind,
};
use shugu::project::postgres::test_cluster::{self, TestDb};
use shugu::project::postgres::{Credentials, RoleKind, RoleNames, grant, init_database};
use shugu::project::{Access, LabelledText, NewTextItem, Project};
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

const COCO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/coco/datumaro/instances_default.json"
);

/// The fixture's images, at their sizes.
const IMAGES: [(&str, u32, u32); 3] = [
    ("street.jpg", 640, 480),
    ("park.jpg", 500, 375),
    ("crowd.jpg", 320, 240),
];

/// A database made by `db init`, with an administrator login.
pub(crate) struct Team {
    pub db: TestDb,
    roles: RoleNames,
    /// The administrator's login; its password is the same.
    pub admin: String,
    pub url: String,
}

pub(crate) fn team(hint: &str) -> Team {
    let cluster = test_cluster::shared();
    let db = cluster.database(hint);
    let report = init_database(&mut db.superuser(), None).expect("db init");
    let admin = db.login("boss");
    grant(&mut db.superuser(), &report.roles, &admin, RoleKind::Admin).expect("grant");
    let url = format!("postgres://{admin}@127.0.0.1:{}/{}", cluster.port, db.name);
    Team {
        db,
        roles: report.roles,
        admin,
        url,
    }
}

impl Team {
    /// `shugu ARGS` as the administrator's workstation runs it.
    pub fn shugu<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(&self, args: I) -> Output {
        self.shugu_as(&self.admin, args)
    }

    /// `shugu ARGS` with `login`'s password (the login's name) in PGPASSWORD.
    pub fn shugu_as<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(
        &self,
        login: &str,
        args: I,
    ) -> Output {
        Command::new(env!("CARGO_BIN_EXE_shugu"))
            .args(args)
            .env("PGPASSWORD", login)
            .env("PGPASSFILE", "/nonexistent/pgpass")
            .env_remove("PGUSER")
            .output()
            .unwrap()
    }

    /// A new login (password: its name) granted `kind` in the project.
    pub fn user(&self, short: &str, kind: RoleKind) -> String {
        let login = self.db.login(short);
        grant(&mut self.db.superuser(), &self.roles, &login, kind).expect("grant");
        login
    }

    /// `shugu db push SRC DIR --db URL`.
    fn push(&self, src: &Path, dir: &Path) -> Output {
        self.shugu([
            "db".as_ref(),
            "push".as_ref(),
            s(src),
            s(dir),
            "--db".as_ref(),
            self.url.as_ref(),
        ])
    }

    /// Opens a team project folder with the administrator's password.
    pub fn open(&self, dir: &Path) -> Project {
        let mut credentials = Credentials::none();
        credentials.password = Some(self.admin.clone());
        Project::open_with(dir, Access::ReadWrite, credentials).expect("open the team project")
    }
}

pub(crate) fn ok(out: &Output) -> String {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    stdout
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).expect("JSON on stdout")
}

fn s(p: &Path) -> &OsStr {
    p.as_os_str()
}

/// The manifest names the database and nothing else: no password, no schema.
fn assert_only_names(dir: &Path, team: &Team) {
    let manifest = std::fs::read_to_string(dir.join("project.ron")).unwrap();
    assert!(manifest.contains(&team.url), "{manifest}");
    assert!(manifest.contains("format_version: 3"), "{manifest}");
    for absent in ["classes", "image_root", "password", "PGPASSWORD"] {
        assert!(!manifest.contains(absent), "{absent} in {manifest}");
    }
    let written: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        written,
        ["project.ron"],
        "only the manifest is in the folder"
    );
}

#[test]
fn a_team_image_project_imports_exports_and_counts_like_one_of_its_own_folder() {
    let team = team("cli images");
    let tmp = tempfile::tempdir().unwrap();
    let images = tmp.path().join("images");
    for (name, w, h) in IMAGES {
        write_image(&images.join(name), w, h);
    }
    let (shared, local) = (tmp.path().join("团队"), tmp.path().join("local"));
    let made = ok(&team.shugu([
        "new".as_ref(),
        s(&shared),
        "--images".as_ref(),
        s(&images),
        "--db".as_ref(),
        team.url.as_ref(),
    ]));
    assert!(made.contains("3 images"), "{made}");
    assert_only_names(&shared, &team);
    ok(&team.shugu(["new".as_ref(), s(&local), "--images".as_ref(), s(&images)]));

    // The same COCO file into both; the local one's boxes by the same name.
    let imported = ok(&team.shugu(["import".as_ref(), s(&shared), COCO.as_ref()]));
    assert!(imported.contains("imported 9 annotations"), "{imported}");
    ok(&team.shugu([
        "import".as_ref(),
        s(&local),
        COCO.as_ref(),
        "--author".as_ref(),
        team.admin.as_ref(),
    ]));

    let (from_team, from_local) = (tmp.path().join("team.json"), tmp.path().join("local.json"));
    for (dir, out) in [(&shared, &from_team), (&local, &from_local)] {
        ok(&team.shugu([
            "export".as_ref(),
            s(dir),
            "--format".as_ref(),
            "coco".as_ref(),
            "-o".as_ref(),
            s(out),
        ]));
    }
    run_python_check(
        "check_coco_roundtrip.py",
        &[COCO.as_ref(), s(&from_team), "--match-content".as_ref()],
    );
    let read = |p: &Path| -> Value { serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap() };
    let (a, b) = (read(&from_team), read(&from_local));
    for key in ["images", "annotations", "categories"] {
        assert_eq!(a[key], b[key], "{key}");
    }

    let stats = |dir: &Path| json(&team.shugu(["stats".as_ref(), s(dir), "--json".as_ref()]));
    let team_stats = stats(&shared);
    assert_eq!(team_stats, stats(&local));
    assert_eq!(team_stats["annotations"], 9);

    // Another workstation joins: the classes the import added came with the
    // database, not with a file.
    let second = tmp.path().join("second");
    let joined = ok(&team.shugu([
        "new".as_ref(),
        s(&second),
        "--db".as_ref(),
        team.url.as_ref(),
    ]));
    assert!(joined.contains("3 items"), "{joined}");
    assert_only_names(&second, &team);
    assert_eq!(stats(&second), team_stats);
    let there = team.open(&second);
    let here = Project::open(&local, Access::ReadOnly).unwrap();
    assert_eq!(there.schema(), here.schema());
    assert_eq!(there.author(), team.admin);

    // A database holds one project; a second `new` on it is refused and
    // makes no folder.
    let again = tmp.path().join("again");
    let refused = team.shugu([
        "new".as_ref(),
        s(&again),
        "--images".as_ref(),
        s(&images),
        "--db".as_ref(),
        team.url.as_ref(),
    ]);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("already holds the project"),
        "{}",
        text(&refused.stderr)
    );
    assert!(!again.exists());
}

#[test]
fn a_team_text_project_is_made_whole_or_not_at_all() {
    let team = team("cli texts");
    let tmp = tempfile::tempdir().unwrap();
    let (empty, texts) = (
        tmp.path().join("empty.jsonl"),
        tmp.path().join("评论.jsonl"),
    );
    std::fs::write(&empty, "{\"no_text\": 1}\n").unwrap();
    std::fs::write(
        &texts,
        "{\"text\": \"北京的春天很短。\"}\n{\"text\": \"Spring in Beijing is short.\"}\n{\"text\": \"\u{1F338} 花\"}\n",
    )
    .unwrap();
    let dir = tmp.path().join("texts");
    let new = |file: &Path| {
        team.shugu([
            "new".as_ref(),
            s(&dir),
            "--text".as_ref(),
            s(file),
            "--classes".as_ref(),
            "地名".as_ref(),
            "--doc-classes".as_ref(),
            "pos,neg".as_ref(),
            "--db".as_ref(),
            team.url.as_ref(),
        ])
    };
    let failed = new(&empty);
    assert!(!failed.status.success());
    assert!(
        text(&failed.stderr).contains("no text could be read"),
        "{}",
        text(&failed.stderr)
    );
    assert!(!dir.exists(), "a failed project leaves no folder");

    // Nothing of the failed attempt stays in the database either.
    let made = ok(&new(&texts));
    assert!(made.contains("3 texts"), "{made}");
    assert_only_names(&dir, &team);
    let out = tmp.path().join("out.jsonl");
    ok(&team.shugu(["export".as_ref(), s(&dir), "-o".as_ref(), s(&out)]));
    let lines: Vec<Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let exported: Vec<&str> = lines.iter().map(|l| l["text"].as_str().unwrap()).collect();
    assert_eq!(
        exported,
        [
            "北京的春天很短。",
            "Spring in Beijing is short.",
            "\u{1F338} 花"
        ]
    );
    let stats = json(&team.shugu(["stats".as_ref(), s(&dir), "--json".as_ref()]));
    assert_eq!(
        (stats["items"].as_u64(), stats["items_new"].as_u64()),
        (Some(3), Some(3))
    );
    let project = team.open(&dir);
    let names: Vec<&str> = project
        .schema()
        .image_labels
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(names, ["pos", "neg"]);
}

fn rect(item: ItemId, x: f32) -> NewAnnotation {
    NewAnnotation::new(
        item,
        ClassId(1),
        Shape::Rect(BBox::from_xywh(x, 2.0, 30.0, 20.0)),
    )
}

/// Everything of a project the push must bring, in a form to compare.
fn contents(p: &Project) -> Value {
    let items: Vec<ItemId> = p.items().iter().map(|i| i.id).collect();
    let origins: Vec<_> = p
        .all_annotations()
        .unwrap()
        .iter()
        .map(|a| p.annotation_origin(a.id).unwrap())
        .collect();
    let comments: Vec<_> = items.iter().map(|&i| p.comments(i).unwrap()).collect();
    let log: Vec<_> = p
        .history(None, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|e| (e.time_ms, e.author, e.kind, e.item, e.detail))
        .collect();
    serde_json::json!({
        "name": p.name(),
        "schema": format!("{:?}", p.schema()),
        "identity": p.stored_identity().unwrap(),
        "items": format!("{:?}", p.items()),
        "annotations": format!("{:?}", p.all_annotations().unwrap()),
        "origins": format!("{origins:?}"),
        "proposals": format!("{:?}", p.all_proposals().unwrap()),
        "comments": format!("{comments:?}"),
        "labels": format!("{:?}", p.all_image_labels().unwrap()),
        "golden": format!("{:?}", p.golden_items().unwrap()),
        "versions": format!("{:?}", p.item_versions().unwrap()),
        "texts": format!("{:?}", p.all_texts().unwrap()),
        "spans": format!("{:?}", p.all_spans().unwrap()),
        "log": format!("{log:?}"),
    })
}

#[test]
fn db_push_moves_an_image_project_with_its_history() {
    let team = team("push images");
    let tmp = tempfile::tempdir().unwrap();
    let images = tmp.path().join("images");
    for (name, w, h) in IMAGES {
        write_image(&images.join(name), w, h);
    }
    let mut schema = LabelSchema::with_classes(&["car", "行人"]);
    let day = schema.add_image_label("day");
    let src = tmp.path().join("src");
    let mut p = scanned_project(&src, &images, schema);
    p.set_author("小王");
    let items: Vec<ItemId> = p.items().iter().map(|i| i.id).collect();
    let polygon = Shape::Polygon(Polygon::new(
        [(10.0, 10.0), (60.0, 12.0), (30.0, 50.0)]
            .map(|(x, y)| Point { x, y })
            .to_vec(),
    ));
    let mut occluded = NewAnnotation::new(items[1], ClassId(2), polygon);
    occluded
        .attributes
        .insert("occluded".into(), AttrValue::Bool(true));
    let added = p
        .apply(Edit::AddAnnotations(vec![
            rect(items[0], 1.0),
            occluded,
            rect(items[0], 5.0),
        ]))
        .unwrap()
        .created;
    p.apply(Edit::DeleteAnnotations(vec![added[2]])).unwrap();
    let proposal = |score| NewProposal {
        item: items[2],
        class: ClassId(1),
        shape: Shape::Rect(BBox::from_xywh(3.0, 3.0, 9.0, 9.0)),
        score,
        source: "yolo11n".into(),
        attributes: Default::default(),
    };
    p.apply(Edit::AddProposals(vec![proposal(0.9), proposal(0.4)]))
        .unwrap();
    let best = p.proposals(items[2]).unwrap()[0].id;
    p.apply(Edit::AcceptProposals(vec![best])).unwrap();
    p.apply(Edit::AddComments(vec![
        NewComment {
            item: items[0],
            target: None,
            body: "看看左边".into(),
        },
        NewComment {
            item: items[1],
            target: Some(CommentTarget::Annotation(added[1])),
            body: "not occluded?".into(),
        },
    ]))
    .unwrap();
    p.apply(Edit::SetImageLabels {
        item: items[0],
        labels: vec![day],
    })
    .unwrap();
    p.apply(Edit::SetGolden {
        item: items[1],
        golden: true,
    })
    .unwrap();
    let snapshot = p.snapshot(items[1]).unwrap();
    p.apply(Edit::SetItemVersion {
        item: items[1],
        annotator: "小李".into(),
        kind: VersionKind::Overlap,
        body: Some(snapshot),
    })
    .unwrap();
    p.apply(Edit::SetStatus {
        item: items[0],
        status: ItemStatus::Submitted,
    })
    .unwrap();
    p.undo().unwrap();
    p.redo().unwrap();
    p.identity().unwrap();
    let before = contents(&p);
    drop(p);

    let dir = tmp.path().join("team");
    let said = ok(&team.push(&src, &dir));
    assert!(said.contains("3 items, 3 annotations"), "{said}");
    assert_only_names(&dir, &team);
    let mut pushed = team.open(&dir);
    assert_eq!(contents(&pushed), before);
    // The source is as it was, and still its own project.
    assert_eq!(
        contents(&Project::open(&src, Access::ReadOnly).unwrap()),
        before
    );

    // No id is given out twice: not even the deleted annotation's.
    let next = pushed
        .apply(Edit::AddAnnotations(vec![rect(items[2], 7.0)]))
        .unwrap()
        .created[0];
    assert!(next > added[2], "{next:?} after {:?}", added[2]);
    let comment = pushed
        .apply(Edit::AddComments(vec![NewComment {
            item: items[2],
            target: None,
            body: "new".into(),
        }]))
        .unwrap();
    assert_eq!(comment.touched, [items[2]]);
    let ids: Vec<i64> = pushed
        .comments(items[2])
        .unwrap()
        .iter()
        .map(|c| c.id.0)
        .collect();
    assert_eq!(ids, [3], "after the two comments pushed");

    // A database holds one project: a second push is refused whole.
    let again = team.push(&src, &tmp.path().join("again"));
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already holds the project"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(
        pushed.all_annotations().unwrap().len(),
        4,
        "nothing of the refused push stayed"
    );
}

#[test]
fn db_push_moves_a_text_project_with_its_spans_and_classes() {
    let team = team("push texts");
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let mut schema = LabelSchema::with_classes(&["地名"]);
    schema.add_image_label("pos");
    let mut p = Project::create_text(&src, "评论", schema).unwrap();
    p.set_author("小王");
    let text =
        |key: &str, body: &str, spans: Vec<(u32, u32, String)>, labels: Vec<String>| LabelledText {
            item: NewTextItem {
                rel_path: key.into(),
                doc: shugu::model::TextDoc {
                    ext_id: Some(format!("id-{key}")),
                    text: body.into(),
                    meta: Some("{\"stars\":5}".into()),
                },
            },
            spans,
            labels,
        };
    p.add_labelled_texts(std::iter::once(Ok::<_, shugu::project::ProjectError>(
        vec![
            text(
                "a:1",
                "北京的春天很短。",
                vec![(0, 2, "地名".into())],
                vec!["pos".into()],
            ),
            text(
                "a:2",
                "上海和北京",
                vec![(0, 2, "地名".into()), (3, 5, "地名".into())],
                vec![],
            ),
            text("a:3", "nothing", vec![], vec![]),
        ],
    )))
    .unwrap();
    let before = contents(&p);
    let last_span = p.all_spans().unwrap().iter().map(|s| s.id).max().unwrap();
    drop(p);

    let dir = tmp.path().join("team");
    let said = ok(&team.push(&src, &dir));
    assert!(said.contains("3 items, 0 annotations, 3 spans"), "{said}");
    let mut pushed = team.open(&dir);
    // The source never needed an identity; a team project has one.
    let mut after = contents(&pushed);
    assert_eq!(before["identity"], Value::Null);
    assert!(after["identity"].is_string(), "{}", after["identity"]);
    after["identity"] = Value::Null;
    assert_eq!(after, before);
    let items: Vec<ItemId> = pushed.items().iter().map(|i| i.id).collect();
    let made = pushed
        .apply(Edit::AddSpans(vec![shugu::model::NewSpan {
            item: items[2],
            class: ClassId(1),
            start: 0,
            end: 7,
        }]))
        .unwrap();
    assert!(made.created_spans[0] > last_span);
    assert_eq!(
        pushed.spans(items[2]).unwrap()[0].provenance.author,
        team.admin
    );
}
