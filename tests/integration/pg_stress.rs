//! Many workstations on one team project, some of them killed (issue 16,
//! acceptance 2): 8 processes — this test binary itself, run as children —
//! each make 200 random edits through the app's edit path, taking their
//! items by leases (Next), while the parent SIGKILLs some at random moments
//! and starts them again. Each child writes every edit it tries to a log of
//! its own, and its outcome once `apply` returned, each line fsync'd before
//! it goes on. Afterwards:
//! * every edit that returned success is there exactly once (its box, its
//!   shape, its tag, its comment, its deletion, its submission), and an
//!   edit that failed is not; an edit cut short by a kill is there at most
//!   once;
//! * the audit trail is complete: each edit that returned success has
//!   exactly one entry of the edit log, in the login's name and as it was
//!   made, and the log holds nothing else of theirs but edits cut short;
//! * no item was ever leased to two annotators at once (the lease history).

use crate::pg_projects::{ok, team};
use serde_json::{Value, json};
use shugu::model::{
    AnnotationId, AttrValue, Attributes, BBox, ClassId, Edit, ItemId, ItemStatus, NewAnnotation,
    NewComment, Shape,
};
use shugu::project::postgres::{Credentials, RoleKind, overlapping_leases};
use shugu::project::{Project, Queue};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHILDREN: usize = 8;
const EDITS: usize = 200;
const ITEMS: i64 = 700;
const MAX_KILLS: usize = 24;
const TTL: Duration = Duration::from_secs(300);
/// The name of [`stress_child`] as the test harness knows it.
const CHILD_TEST: &str = "pg_stress::stress_child";

/// SplitMix64: random enough, and the seed in a failure message replays it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A box no other edit of the run draws: `u` numbers the edit.
fn unique_box(u: u64) -> Shape {
    Shape::Rect(BBox::from_xywh(
        (u % 600) as f32,
        (u / 600) as f32,
        10.0,
        10.0,
    ))
}

fn tags(born: &str, rev: Option<&str>) -> Attributes {
    let mut attributes = Attributes::new();
    attributes.insert("born".into(), AttrValue::Text(born.into()));
    if let Some(rev) = rev {
        attributes.insert("rev".into(), AttrValue::Text(rev.into()));
    }
    attributes
}

fn born_of(attributes: &Attributes) -> String {
    match attributes.get("born") {
        Some(AttrValue::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

/// A child's log: one JSON object a line, each written whole and fsync'd.
struct Log(File);

impl Log {
    fn open(path: &Path) -> Log {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .unwrap();
        let mut before = String::new();
        file.read_to_string(&mut before).unwrap();
        // A line cut short by a kill stays a line of its own.
        if !before.is_empty() && !before.ends_with('\n') {
            file.write_all(b"\n").unwrap();
        }
        Log(file)
    }

    fn write(&mut self, line: Value) {
        let mut bytes = line.to_string().into_bytes();
        bytes.push(b'\n');
        self.0.write_all(&bytes).unwrap();
        self.0.sync_data().unwrap();
    }
}

/// The parsed lines of a child's log, and how many could not be read
/// (each cut short by a kill).
fn read_log(path: &Path) -> (Vec<Value>, usize) {
    let content = std::fs::read_to_string(path).unwrap_or_default();
    let mut lines = Vec::new();
    let mut broken = 0;
    for line in content.lines().filter(|l| !l.is_empty()) {
        match serde_json::from_str(line) {
            Ok(v) => lines.push(v),
            Err(_) => broken += 1,
        }
    }
    (lines, broken)
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

/// One workstation, when the stress test runs this binary as its child
/// (`SHUGU_STRESS_LOG` set); otherwise nothing.
#[test]
fn stress_child() {
    let Ok(log_path) = std::env::var("SHUGU_STRESS_LOG") else {
        return;
    };
    let child: u64 = env("SHUGU_STRESS_CHILD").parse().unwrap();
    let login = env("SHUGU_STRESS_LOGIN");
    let (earlier, _) = read_log(Path::new(&log_path));
    let mut acked = earlier.iter().filter(|l| l.get("ok").is_some()).count();
    let mut seq = earlier
        .iter()
        .filter_map(|l| l["seq"].as_u64())
        .max()
        .map_or(0, |s| s + 1);
    let mut log = Log::open(Path::new(&log_path));
    let mut rng = Rng(env("SHUGU_STRESS_SEED").parse::<u64>().unwrap() ^ (child << 32) ^ seq);
    let mut credentials = Credentials::none();
    credentials.password = Some(login.clone());
    let mut project = Project::open_as(Path::new(&env("SHUGU_STRESS_DIR")), &login, credentials)
        .expect("open the team project");

    // After a kill: the item still leased, with what is on it now.
    let mut held = project.heartbeat(TTL).unwrap().first().copied();
    let mut live: Vec<(AnnotationId, String)> = Vec::new();
    let read = |project: &Project, item: ItemId| -> Vec<(AnnotationId, String)> {
        let found = project.annotations(item).unwrap();
        found
            .iter()
            .map(|a| (a.id, born_of(&a.attributes)))
            .collect()
    };
    if let Some(item) = held {
        live = read(&project, item);
    }
    while acked < EDITS {
        let item = match held {
            Some(item) => item,
            None => {
                let next = project.claim_next(Queue::Annotate, TTL).unwrap();
                let Some(item) = next else {
                    let open = project
                        .items()
                        .iter()
                        .filter(|i| i.status == ItemStatus::New)
                        .count();
                    panic!(
                        "the queue ran dry ({} items, {open} new)",
                        project.items().len()
                    );
                };
                live = read(&project, item);
                held = Some(item);
                item
            }
        };
        let token = format!("c{child}-{seq}");
        let u = child * 10_000 + seq;
        let pick = |rng: &mut Rng, live: &[(AnnotationId, String)]| {
            live[rng.below(live.len() as u64) as usize].clone()
        };
        let roll = if live.is_empty() { 0 } else { rng.below(100) };
        let edit = match roll {
            0..35 => Edit::AddAnnotations(vec![NewAnnotation {
                item,
                class: ClassId(1),
                shape: unique_box(u),
                group: None,
                attributes: tags(&token, None),
            }]),
            35..55 => Edit::SetShape {
                id: pick(&mut rng, &live).0,
                shape: unique_box(u),
            },
            55..70 => {
                let (id, born) = pick(&mut rng, &live);
                Edit::SetAnnotationAttributes {
                    id,
                    attributes: tags(&born, Some(&token)),
                }
            }
            70..80 => Edit::DeleteAnnotations(vec![pick(&mut rng, &live).0]),
            80..92 => Edit::AddComments(vec![NewComment {
                item,
                target: None,
                body: token.clone(),
            }]),
            _ => Edit::SetStatus {
                item,
                status: ItemStatus::Submitted,
            },
        };
        log.write(json!({ "seq": seq, "item": item.0, "try": edit }));
        match project.apply(edit.clone()) {
            Ok(applied) => {
                log.write(json!({ "seq": seq, "ok": applied.created }));
                acked += 1;
                match edit {
                    Edit::AddAnnotations(_) => live.push((applied.created[0], token)),
                    Edit::DeleteAnnotations(ids) => live.retain(|(id, _)| *id != ids[0]),
                    Edit::SetStatus { .. } => held = None,
                    _ => {}
                }
            }
            Err(e) => {
                log.write(json!({ "seq": seq, "err": e.to_string() }));
                live = read(&project, item);
            }
        }
        seq += 1;
    }
}

/// A child's try, and what came of it: `Some(true)` returned success,
/// `Some(false)` an error, `None` nothing (killed before it was logged).
struct Try {
    item: ItemId,
    edit: Edit,
    outcome: Option<bool>,
}

fn tries_of(lines: &[Value]) -> Vec<Try> {
    let mut tries: Vec<Try> = Vec::new();
    let mut at: BTreeMap<u64, usize> = BTreeMap::new();
    for line in lines {
        let seq = line["seq"].as_u64().unwrap();
        if let Some(edit) = line.get("try") {
            at.insert(seq, tries.len());
            tries.push(Try {
                item: ItemId(line["item"].as_i64().unwrap()),
                edit: serde_json::from_value(edit.clone()).unwrap(),
                outcome: None,
            });
        } else if let Some(&i) = at.get(&seq) {
            tries[i].outcome = Some(line.get("ok").is_some());
        }
    }
    tries
}

struct Running {
    child: Child,
    index: usize,
}

fn spawn(index: usize, login: &str, dir: &Path, log: &Path, seed: u64, out: &Path) -> Running {
    let stdout = File::create(out.with_extension(format!("{index}.out"))).unwrap();
    let stderr = File::create(out.with_extension(format!("{index}.err"))).unwrap();
    let child = Command::new(std::env::current_exe().unwrap())
        .args([CHILD_TEST, "--exact", "--nocapture"])
        .env("SHUGU_STRESS_LOG", log)
        .env("SHUGU_STRESS_CHILD", index.to_string())
        .env("SHUGU_STRESS_LOGIN", login)
        .env("SHUGU_STRESS_DIR", dir)
        .env("SHUGU_STRESS_SEED", seed.to_string())
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .unwrap();
    Running { child, index }
}

#[test]
fn eight_killed_and_restarted_workstations_lose_no_acknowledged_edit() {
    let started = Instant::now();
    // The edits' and the kills' choices; the kills' moments are the clock's.
    let seed = std::env::var("SHUGU_STRESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        });
    let team = team("stress");
    let tmp = tempfile::tempdir().unwrap();
    let (images, dir) = (tmp.path().join("images"), tmp.path().join("team"));
    std::fs::create_dir_all(&images).unwrap();
    ok(&team.shugu([
        "new".as_ref(),
        dir.as_os_str(),
        "--images".as_ref(),
        images.as_os_str(),
        "--classes".as_ref(),
        "car".as_ref(),
        "--db".as_ref(),
        team.url.as_ref(),
    ]));
    let mut su = team.db.superuser();
    su.execute(
        "INSERT INTO shugu.items (rel_path, width, height)
         SELECT format('img/%s.jpg', g), 640, 480 FROM generate_series(1, $1::bigint) g",
        &[&ITEMS],
    )
    .unwrap();
    let logins: Vec<String> = (0..CHILDREN)
        .map(|k| team.user(&format!("c{k}"), RoleKind::Annotator))
        .collect();
    let logs: Vec<PathBuf> = (0..CHILDREN)
        .map(|k| tmp.path().join(format!("child{k}.jsonl")))
        .collect();
    let out = tmp.path().join("child");
    let start = |k: usize| spawn(k, &logins[k], &dir, &logs[k], seed, &out);

    // Run them; kill one now and then, and start it again.
    let mut rng = Rng(seed);
    let mut running: Vec<Running> = (0..CHILDREN).map(start).collect();
    let mut kills = vec![0_usize; CHILDREN];
    while !running.is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the children take too long (seed {seed})"
        );
        std::thread::sleep(Duration::from_millis(10 + rng.below(60)));
        let mut still = Vec::new();
        for mut r in running.drain(..) {
            match r.child.try_wait().unwrap() {
                None => still.push(r),
                Some(status) => assert!(
                    status.success(),
                    "child {} failed (seed {seed}): {}",
                    r.index,
                    std::fs::read_to_string(out.with_extension(format!("{}.err", r.index)))
                        .unwrap_or_default()
                        + &std::fs::read_to_string(out.with_extension(format!("{}.out", r.index)))
                            .unwrap_or_default()
                ),
            }
        }
        running = still;
        if !running.is_empty() && kills.iter().sum::<usize>() < MAX_KILLS && rng.below(3) == 0 {
            let victim = rng.below(running.len() as u64) as usize;
            let mut r = running.swap_remove(victim);
            r.child.kill().unwrap(); // SIGKILL
            r.child.wait().unwrap();
            kills[r.index] += 1;
            running.push(start(r.index));
        }
    }
    let ran = started.elapsed();

    // What the children say they did.
    let mut by_login: Vec<(String, Vec<Try>)> = Vec::new();
    let mut cut_short = 0;
    for (k, path) in logs.iter().enumerate() {
        let (lines, broken) = read_log(path);
        assert!(broken <= kills[k], "child {k}: {broken} unreadable lines");
        let tries = tries_of(&lines);
        let acked = tries.iter().filter(|t| t.outcome == Some(true)).count();
        assert_eq!(acked, EDITS, "child {k} (seed {seed})");
        let cut = tries.iter().filter(|t| t.outcome.is_none()).count();
        assert!(
            cut <= kills[k],
            "child {k}: {cut} edits without an outcome, {} kills",
            kills[k]
        );
        cut_short += cut;
        by_login.push((logins[k].clone(), tries));
    }
    assert!(
        kills.iter().sum::<usize>() >= 4,
        "too few kills to mean anything: {kills:?}"
    );

    check_final_state(&team.open(&dir), &by_login, seed);
    check_audit_trail(&mut su, &by_login, seed);
    let overlaps = overlapping_leases(&mut su).unwrap();
    assert!(
        overlaps.is_empty(),
        "items leased twice at once: {overlaps:?}"
    );
    eprintln!(
        "stress: {CHILDREN} × {EDITS} edits, {} kills, {cut_short} edits cut short, in {:.1} s (seed {seed})",
        kills.iter().sum::<usize>(),
        ran.as_secs_f64()
    );
}

/// What the project holds now, per the children's logs.
fn check_final_state(project: &Project, by_login: &[(String, Vec<Try>)], seed: u64) {
    let annotations = project.all_annotations().unwrap();
    let mut by_born: BTreeMap<String, Vec<&shugu::model::Annotation>> = BTreeMap::new();
    for a in &annotations {
        by_born.entry(born_of(&a.attributes)).or_default().push(a);
    }
    let by_id: BTreeMap<AnnotationId, &shugu::model::Annotation> =
        annotations.iter().map(|a| (a.id, a)).collect();
    let mut bodies: BTreeMap<String, usize> = BTreeMap::new();
    for item in project.items() {
        for c in project.comments(item.id).unwrap() {
            *bodies.entry(c.body).or_default() += 1;
        }
    }
    let fail = |what: String| panic!("{what} (seed {seed})");
    for (login, tries) in by_login {
        // Whether a try after `i` may have changed or deleted annotation `id`.
        let touched_later = |i: usize, id: AnnotationId, deletes: bool| {
            tries[i + 1..].iter().any(|t| {
                t.outcome != Some(false)
                    && match &t.edit {
                        Edit::DeleteAnnotations(ids) => ids.contains(&id),
                        Edit::SetShape { id: s, .. } => !deletes && *s == id,
                        Edit::SetAnnotationAttributes { id: s, .. } => !deletes && *s == id,
                        _ => false,
                    }
            })
        };
        for (i, t) in tries.iter().enumerate() {
            match (&t.edit, t.outcome) {
                (Edit::AddAnnotations(new), outcome) => {
                    let born = born_of(&new[0].attributes);
                    let found = by_born.get(&born).map_or(0, Vec::len);
                    if found > 1 {
                        fail(format!("{login}: box {born} is there {found} times"));
                    }
                    if outcome == Some(false) && found > 0 {
                        fail(format!("{login}: the failed add {born} is there"));
                    }
                }
                (Edit::DeleteAnnotations(ids), Some(true)) if by_id.contains_key(&ids[0]) => {
                    fail(format!("{login}: deleted annotation {} is there", ids[0]));
                }
                (Edit::SetShape { id, shape }, Some(true)) => {
                    if let Some(a) = by_id.get(id)
                        && a.shape != *shape
                        && !touched_later(i, *id, false)
                    {
                        fail(format!("{login}: annotation {id} lost its move"));
                    }
                }
                (Edit::SetShape { id, shape }, Some(false))
                    if by_id.get(id).is_some_and(|a| a.shape == *shape) =>
                {
                    fail(format!("{login}: annotation {id} took a failed move"));
                }
                (Edit::SetAnnotationAttributes { id, attributes }, Some(false))
                    if by_id.get(id).is_some_and(|a| a.attributes == *attributes) =>
                {
                    fail(format!("{login}: annotation {id} took a failed tag"));
                }
                (Edit::SetAnnotationAttributes { id, attributes }, Some(true)) => {
                    if let Some(a) = by_id.get(id)
                        && a.attributes != *attributes
                        && !touched_later(i, *id, false)
                    {
                        fail(format!("{login}: annotation {id} lost its tag"));
                    }
                }
                (Edit::AddComments(new), outcome) => {
                    let found = bodies.get(&new[0].body).copied().unwrap_or(0);
                    let allowed = match outcome {
                        Some(true) => 1..=1,
                        Some(false) => 0..=0,
                        None => 0..=1,
                    };
                    if !allowed.contains(&found) {
                        fail(format!(
                            "{login}: comment {} is there {found} times",
                            new[0].body
                        ));
                    }
                }
                (Edit::SetStatus { item, status }, Some(true)) => {
                    let now = project.item(*item).map(|i| i.status);
                    if now != Some(*status) {
                        fail(format!("{login}: item {item} is {now:?}, not submitted"));
                    }
                }
                _ => {}
            }
            // Every box added with success is there unless a delete was tried since.
            if let (Edit::AddAnnotations(new), Some(true)) = (&t.edit, t.outcome) {
                let born = born_of(&new[0].attributes);
                let there = by_born.contains_key(&born);
                let id = by_born.get(&born).map(|v| v[0].id);
                let deleted = tries[i + 1..].iter().any(|d| {
                    d.outcome != Some(false)
                        && matches!(&d.edit, Edit::DeleteAnnotations(ids)
                            if id.is_none_or(|id| ids.contains(&id)))
                });
                if !there && !deleted {
                    fail(format!("{login}: box {born} (item {}) is gone", t.item));
                }
            }
        }
    }
}

/// Each edit that returned success has exactly one entry of the edit log,
/// by its login and as it was made; an edit cut short at most one; a
/// failed one none; and a login has no other entries.
fn check_audit_trail(su: &mut postgres::Client, by_login: &[(String, Vec<Try>)], seed: u64) {
    for (login, tries) in by_login {
        let mut logged: BTreeMap<String, usize> = BTreeMap::new();
        for row in su
            .query(
                "SELECT author, detail FROM shugu.edit_log WHERE login = $1",
                &[login],
            )
            .unwrap()
        {
            let author: String = row.get(0);
            assert_eq!(&author, login);
            let detail: String = row.get(1);
            let edit: Edit = serde_json::from_str(&detail)
                .unwrap_or_else(|e| panic!("{login}: log entry {detail}: {e}"));
            *logged
                .entry(serde_json::to_string(&edit).unwrap())
                .or_default() += 1;
        }
        let mut expected: BTreeSet<String> = BTreeSet::new();
        for t in tries {
            let key = serde_json::to_string(&t.edit).unwrap();
            let found = logged.get(&key).copied().unwrap_or(0);
            let allowed = match t.outcome {
                Some(true) => 1..=1,
                Some(false) => 0..=0,
                None => 0..=1,
            };
            assert!(
                allowed.contains(&found),
                "{login}: {key} is in the edit log {found} times (outcome {:?}, seed {seed})",
                t.outcome
            );
            expected.insert(key);
        }
        let strays: Vec<&String> = logged.keys().filter(|k| !expected.contains(*k)).collect();
        assert!(
            strays.is_empty(),
            "{login}: entries of no edit: {strays:?} (seed {seed})"
        );
    }
}
