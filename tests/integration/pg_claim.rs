//! `shugu claim` on a team project (issue 16): the next items leased to a
//! login, their paths printed one a line; an annotator's queue, a
//! reviewer's, and what is refused.

use crate::common::cli::text;
use crate::common::write_image;
use crate::pg_projects::{ok, team};
use shugu::project::postgres::RoleKind;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

fn lines(out: &Output) -> BTreeSet<PathBuf> {
    ok(out).lines().map(PathBuf::from).collect()
}

#[test]
fn claim_leases_the_next_items_to_a_login_and_prints_their_paths() {
    let team = team("cli claim");
    let tmp = tempfile::tempdir().unwrap();
    let images = tmp.path().join("images");
    let names = ["a.jpg", "b.jpg", "c.jpg", "d.jpg"];
    for name in names {
        write_image(&images.join(name), 64, 48);
    }
    let dir = tmp.path().join("team");
    let (dir_s, images_s) = (dir.to_str().unwrap(), images.to_str().unwrap());
    ok(&team.shugu(["new", dir_s, "--images", images_s, "--db", &team.url]));
    let alice = team.user("alice", RoleKind::Annotator);
    let bob = team.user("bob", RoleKind::Annotator);
    let rev = team.user("rev", RoleKind::Reviewer);
    let claim = |login: &str, more: &[&str]| {
        let mut args = vec!["claim", dir_s, "--as", login];
        args.extend(more);
        team.shugu_as(login, args)
    };

    let root = images.canonicalize().unwrap();
    let path = |name: &str| root.join(name);
    let alices = lines(&claim(&alice, &["--count", "2", "--lease", "30m"]));
    assert_eq!(alices.len(), 2, "{alices:?}");
    let bobs = lines(&claim(&bob, &["--count", "5"]));
    assert_eq!(bobs.len(), 2, "{bobs:?}");
    assert!(alices.is_disjoint(&bobs));
    let all: BTreeSet<PathBuf> = names.iter().map(|n| path(n)).collect();
    assert_eq!(&alices | &bobs, all);
    for p in &all {
        assert!(Path::new(p).is_file(), "{p:?}");
    }

    // Nothing left: said on stderr, nothing on stdout, no failure.
    let empty = claim(&bob, &[]);
    assert!(lines(&empty).is_empty());
    assert!(
        text(&empty.stderr).contains("nothing to claim"),
        "{}",
        text(&empty.stderr)
    );
    assert!(
        lines(&claim(&rev, &["--review"])).is_empty(),
        "nothing submitted"
    );

    // The server holds the leases, each its login's, for the time asked.
    let mut su = team.db.superuser();
    let held: Vec<(String, f64)> = su
        .query(
            "SELECT holder, extract(epoch FROM expires_at - now())::float8
               FROM shugu.leases ORDER BY item_id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let holders: Vec<&str> = held.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(holders, [&alice, &alice, &bob, &bob]);
    assert!((1700.0..=1800.0).contains(&held[0].1), "{held:?}");
    assert!(
        (1700.0..=1800.0).contains(&held[2].1),
        "30m by default: {held:?}"
    );

    // A reviewer takes submitted items, not the annotator's own.
    su.execute("UPDATE shugu.items SET status = 'submitted'", &[])
        .unwrap();
    let reviewed = lines(&claim(&rev, &["--review", "--count", "10"]));
    assert_eq!(reviewed, all);
    let own = claim(&alice, &["--review"]);
    assert!(!own.status.success());
    assert!(
        text(&own.stderr).contains("may not take items to review"),
        "{}",
        text(&own.stderr)
    );

    // What is refused, with a reason.
    for (args, why) in [
        (vec!["--lease", "3d"], "unknown unit"),
        (vec!["--lease", "5s"], "from 10 seconds to 24 hours"),
        (vec!["--count", "0"], "1 to 1000 items"),
    ] {
        let out = claim(&bob, &args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            text(&out.stderr).contains(why),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let stranger = team.db.login("stranger");
    let out = claim(&stranger, &[]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("permission denied"),
        "{}",
        text(&out.stderr)
    );

    let local = tmp.path().join("local");
    ok(&team.shugu(["new", local.to_str().unwrap(), "--images", images_s]));
    let out = team.shugu(["claim", local.to_str().unwrap(), "--as", alice.as_str()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("team projects"),
        "{}",
        text(&out.stderr)
    );
}
