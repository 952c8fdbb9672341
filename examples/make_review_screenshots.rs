//! Builds the two projects the README's review screenshots are taken of, in a
//! folder given on the command line (nothing under `projects/` changes):
//!
//! - `OUT/review-images`: a copy of `projects/demo-images` where annotators
//!   have submitted every image and a reviewer has accepted some and rejected
//!   one with a reason and a comment pinned to a box.
//! - `OUT/team-text`: a copy of `projects/demo-text` with golden items, split
//!   into work packages for three annotators (15% overlap) who each label and
//!   submit theirs in `OUT/team-text-packages`, merged back and partly reviewed.
//!
//! Every change goes through `Project::apply`. Then, and only for the pace
//! chart, the times of the submissions in the edit log are spread over a
//! working day, as if the team had worked for eight hours rather than for the
//! second this program takes.
//!
//! `cargo run --example make_review_screenshots -- /tmp/shots`

use anyhow::{Context, bail};
use shugu::jobs::packages::{SplitOptions, merge_packages, split_project};
use shugu::model::{CommentTarget, Edit, ItemId, ItemStatus, NewComment, NewSpan};
use shugu::project::{Access, Project, now_ms};
use std::path::{Path, PathBuf};

const ANNOTATORS: [&str; 3] = ["李娜", "王伟", "张敏"];
const REVIEWER: &str = "王审核";
const HOUR_MS: i64 = 3_600_000;

fn main() -> anyhow::Result<()> {
    let Some(out) = std::env::args().nth(1).map(PathBuf::from) else {
        bail!("usage: make_review_screenshots OUT_DIR");
    };
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    review_images(&copy_project(
        Path::new("projects/demo-images"),
        &out.join("review-images"),
    )?)?;
    team_text(&copy_project(
        Path::new("projects/demo-text"),
        &out.join("team-text"),
    )?)?;
    println!("{}", out.display());
    Ok(())
}

/// Copies a demo project's files (not its lock or WAL) and folders.
fn copy_project(from: &Path, to: &Path) -> anyhow::Result<PathBuf> {
    if to.exists() {
        std::fs::remove_dir_all(to)?;
    }
    copy_dir(from, to)?;
    Ok(to.to_path_buf())
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let skip = name.to_string_lossy();
        if skip == "shugu.lock" || skip.ends_with("-wal") || skip.ends_with("-shm") {
            continue;
        }
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &to.join(&name))?;
        } else {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

fn submit(project: &mut Project, item: ItemId) -> anyhow::Result<()> {
    project.apply(Edit::SetStatus {
        item,
        status: ItemStatus::Submitted,
    })?;
    Ok(())
}

fn review_images(dir: &Path) -> anyhow::Result<()> {
    let mut project = Project::open(dir, Access::ReadWrite)?;
    let items: Vec<ItemId> = project.items().iter().map(|i| i.id).collect();
    for (n, &item) in items.iter().enumerate() {
        project.set_author(ANNOTATORS[n % ANNOTATORS.len()]);
        if project
            .item(item)
            .is_some_and(|i| i.status != ItemStatus::Submitted)
        {
            submit(&mut project, item)?;
        }
    }
    project.set_author(REVIEWER);
    let by_name =
        |p: &Project, name: &str| p.items().iter().find(|i| i.rel_path == name).map(|i| i.id);
    for name in ["astronaut.jpg", "coffee.jpg", "space/rocket-launch.jpg"] {
        if let Some(item) = by_name(&project, name) {
            project.apply(Edit::SetStatus {
                item,
                status: ItemStatus::Accepted,
            })?;
        }
    }
    let Some(cat) = by_name(&project, "cat-chelsea.jpg") else {
        bail!("cat-chelsea.jpg is not in the demo project");
    };
    let Some(first_eye) = project.annotations(cat)?.first().map(|b| b.id) else {
        bail!("the demo's cat has no boxes");
    };
    project.apply(Edit::Batch(vec![
        Edit::SetStatus {
            item: cat,
            status: ItemStatus::Rejected,
        },
        Edit::AddComments(vec![
            NewComment {
                item: cat,
                target: None,
                body: "loose box".into(),
            },
            NewComment {
                item: cat,
                target: Some(CommentTarget::Annotation(first_eye)),
                body: "框太松，请贴紧眼睛 — tighten this box to the eye".into(),
            },
        ]),
    ]))?;
    project.set_current_item(cat)?;
    Ok(())
}

/// Words each annotator labels in the demo reviews, `(class, words)`: they
/// know different products and one also marks places, so they agree on some
/// items and not on others.
fn vocabulary(annotator: usize) -> Vec<(&'static str, &'static [&'static str])> {
    const PRODUCTS: &[&str] = &["猕猴桃", "绿茶", "辣椒酱", "土豆", "茶叶", "刺梨"];
    const FEWER_PRODUCTS: &[&str] = &["猕猴桃", "辣椒酱", "土豆"];
    const PLACES: &[&str] = &["贵州", "湄潭", "修文", "威宁", "都匀"];
    match annotator {
        0 => vec![("PRODUCT", PRODUCTS)],
        1 => vec![("PRODUCT", PRODUCTS), ("ORIGIN", PLACES)],
        _ => vec![("PRODUCT", FEWER_PRODUCTS)],
    }
}

/// The spans an annotator makes on one text: the first place of each word
/// they know, left out where it would overlap a span already there.
fn spans_for(project: &Project, item: ItemId, annotator: usize) -> anyhow::Result<Vec<NewSpan>> {
    let Some(doc) = project.text(item)? else {
        return Ok(Vec::new());
    };
    let mut taken: Vec<(u32, u32)> = project
        .spans(item)?
        .iter()
        .map(|s| (s.start, s.end))
        .collect();
    let mut spans = Vec::new();
    for (class_name, words) in vocabulary(annotator) {
        let Some(class) = project.schema().class_by_name(class_name).map(|c| c.id) else {
            bail!("the demo text project has no {class_name} class");
        };
        for word in words {
            let Some(at) = doc.text.find(word) else {
                continue;
            };
            let start = doc.text[..at].chars().count() as u32;
            let end = start + word.chars().count() as u32;
            if taken.iter().all(|&(a, b)| b <= start || end <= a) {
                taken.push((start, end));
                spans.push(NewSpan {
                    item,
                    class,
                    start,
                    end,
                });
            }
        }
    }
    Ok(spans)
}

fn team_text(dir: &Path) -> anyhow::Result<()> {
    let mut project = Project::open(dir, Access::ReadWrite)?;
    project.identity()?;
    // The reviewer makes a few of the labelled reviews golden, hidden tests
    // that every package gets.
    project.set_author(REVIEWER);
    let golden: Vec<ItemId> = project
        .items()
        .iter()
        .filter(|i| i.status != ItemStatus::New)
        .map(|i| i.id)
        .step_by(9)
        .take(8)
        .collect();
    for &item in &golden {
        project.apply(Edit::SetGolden { item, golden: true })?;
    }
    let packages = dir.with_file_name("team-text-packages");
    if packages.exists() {
        std::fs::remove_dir_all(&packages)?;
    }
    let options = SplitOptions {
        annotators: ANNOTATORS.iter().map(|a| a.to_string()).collect(),
        overlap_percent: 15.0,
        out_dir: packages.clone(),
    };
    let made = split_project(&project, &options, |_| {})?;
    for (k, package) in made.iter().enumerate() {
        let mut work = Project::open(&package.dir, Access::ReadWrite)?;
        work.set_author(&package.annotator);
        let items: Vec<ItemId> = work.items().iter().map(|i| i.id).collect();
        // Annotators work at different paces: the slowest leaves a third undone.
        let done = items.len() * [10, 9, 7][k % 3] / 10;
        for &item in &items[..done] {
            let spans = spans_for(&work, item, k)?;
            if !spans.is_empty() {
                work.apply(Edit::AddSpans(spans))?;
            }
            submit(&mut work, item)?;
        }
    }
    let dirs: Vec<PathBuf> = made.iter().map(|p| p.dir.clone()).collect();
    merge_packages(&mut project, &dirs)?;

    project.set_author(REVIEWER);
    let submitted: Vec<ItemId> = project
        .items()
        .iter()
        .filter(|i| i.status == ItemStatus::Submitted)
        .map(|i| i.id)
        .collect();
    for (n, &item) in submitted.iter().enumerate() {
        let status = match n % 7 {
            0 => ItemStatus::Rejected,
            1..=4 => ItemStatus::Accepted,
            _ => continue,
        };
        project.apply(Edit::SetStatus { item, status })?;
    }
    drop(project);
    spread_submissions_over_a_day(&dir.join("shugu.db"))
}

/// Moves each annotator's logged submissions onto a working day that ends
/// now, at the pace of their share. Only the times change.
fn spread_submissions_over_a_day(db: &Path) -> anyhow::Result<()> {
    let conn = rusqlite::Connection::open(db)?;
    let start = now_ms() / HOUR_MS * HOUR_MS - 8 * HOUR_MS;
    for who in ANNOTATORS {
        let seqs: Vec<i64> = conn
            .prepare(
                "SELECT seq FROM edit_log WHERE author = ?1 AND kind = 'set_status' ORDER BY seq",
            )?
            .query_map([who], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let n = seqs.len().max(1) as i64;
        for (k, seq) in seqs.iter().enumerate() {
            // Slow to start, then steady: the k-th of n submissions at
            // (k/n)^0.8 of the day.
            let day_part = (k as f64 / n as f64).powf(0.8);
            let time = start + (day_part * 8.0 * HOUR_MS as f64) as i64;
            conn.execute(
                "UPDATE edit_log SET time_ms = ?1 WHERE seq = ?2",
                [time, *seq],
            )?;
        }
    }
    Ok(())
}
