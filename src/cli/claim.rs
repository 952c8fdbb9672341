//! `shugu claim`: lease the next items of a team project to a login, as an
//! annotator's (or a reviewer's) Next does, and print their paths.

use crate::project::Project;
use crate::project::postgres::Credentials;
use crate::project::{Access, ProjectKind, Queue};
use std::path::Path;
use std::time::Duration;

pub struct Claim<'a> {
    pub login: Option<&'a str>,
    pub count: u32,
    pub ttl: Duration,
    pub review: bool,
}

pub fn run(dir: &Path, claim: Claim) -> anyhow::Result<()> {
    let credentials = Credentials::from_env();
    let mut project = super::with_local_images(match claim.login {
        Some(login) => Project::open_as(dir, login, credentials)?,
        None => Project::open_with(dir, Access::ReadWrite, credentials)?,
    })?;
    if !project.assigns_work() {
        anyhow::bail!(
            "{}: a project of its own folder has one annotator and no leases; claim works on team projects (shugu new DIR --db URL)",
            dir.display()
        );
    }
    let queue = if claim.review {
        Queue::Review
    } else {
        Queue::Annotate
    };
    let claimed = project.claim(queue, claim.count, claim.ttl)?;
    if claimed.is_empty() {
        eprintln!(
            "nothing to claim for {}: every item of the {} queue is done or leased to someone",
            project.author(),
            queue.as_str()
        );
    }
    for id in claimed {
        let Some(item) = project.item(id) else {
            continue;
        };
        match project.kind() {
            ProjectKind::Images => println!("{}", project.item_path(item).display()),
            ProjectKind::Text => println!("{}", item.rel_path),
        }
    }
    Ok(())
}
