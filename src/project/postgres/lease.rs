//! Work assignment by leases: an annotator's Next (or `shugu claim`) takes
//! items through `shugu.claim` — `SELECT … FOR UPDATE SKIP LOCKED` on the
//! queue, their own rejected items first — each for a time-to-live that a
//! heartbeat renews; submitting (or a reviewer's decision) ends the lease,
//! and an expired one is taken over by the next claim. The rules live in
//! the server's functions, so every client follows them.

use super::error::PgError;
use crate::model::ItemId;
use postgres::GenericClient;
use std::time::Duration;

/// Which queue a claim takes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queue {
    /// New and in-progress items, after the claimer's own rejected ones.
    Annotate,
    /// Submitted items (not the claimer's own), for reviewers.
    Review,
}

impl Queue {
    pub fn as_str(self) -> &'static str {
        match self {
            Queue::Annotate => "annotate",
            Queue::Review => "review",
        }
    }
}

/// A lease as the server holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Lease {
    pub item: ItemId,
    pub holder: String,
    pub queue: String,
    /// Milliseconds since the epoch.
    pub expires_ms: i64,
}

fn seconds(ttl: Duration) -> f64 {
    ttl.as_secs_f64()
}

fn ids(rows: Vec<postgres::Row>) -> Vec<ItemId> {
    rows.iter().map(|r| ItemId(r.get(0))).collect()
}

/// Leases up to `count` items of `queue` to the login for `ttl`; returns
/// them in the order they should be worked on (possibly fewer, none when
/// the queue is empty). Runs as its own statement: in autocommit the
/// leases hold once it returns.
pub fn claim(
    client: &mut impl GenericClient,
    queue: Queue,
    count: u32,
    ttl: Duration,
) -> Result<Vec<ItemId>, PgError> {
    let count = i32::try_from(count).unwrap_or(i32::MAX);
    let rows = client.query(
        "SELECT shugu.claim($1, $2, make_interval(secs => $3))",
        &[&queue.as_str(), &count, &seconds(ttl)],
    )?;
    Ok(ids(rows))
}

/// Renews every lease the login holds for `ttl` from now; returns the items
/// still held (a lease that expired and was taken over is not among them).
pub fn heartbeat(client: &mut impl GenericClient, ttl: Duration) -> Result<Vec<ItemId>, PgError> {
    let rows = client.query(
        "SELECT shugu.heartbeat(make_interval(secs => $1))",
        &[&seconds(ttl)],
    )?;
    let mut held = ids(rows);
    held.sort_unstable();
    Ok(held)
}

/// Gives up the login's leases on `items`, or all of them when `None`;
/// returns the items released.
pub fn release(
    client: &mut impl GenericClient,
    items: Option<&[ItemId]>,
) -> Result<Vec<ItemId>, PgError> {
    let items: Option<Vec<i64>> = items.map(|items| items.iter().map(|i| i.0).collect());
    let rows = client.query("SELECT shugu.release($1)", &[&items])?;
    let mut released = ids(rows);
    released.sort_unstable();
    Ok(released)
}

/// The unexpired leases, by item.
pub fn leases(client: &mut impl GenericClient) -> Result<Vec<Lease>, PgError> {
    let rows = client.query(
        "SELECT item_id, holder, queue, (extract(epoch FROM expires_at) * 1000)::bigint
           FROM shugu.leases WHERE expires_at > now() ORDER BY item_id",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| Lease {
            item: ItemId(r.get(0)),
            holder: r.get(1),
            queue: r.get(2),
            expires_ms: r.get(3),
        })
        .collect())
}

/// Leases of one item that overlapped in time, from the lease history, as
/// `(item, earlier holder, later holder)`: none, as long as claims work.
pub fn overlapping_leases(
    client: &mut impl GenericClient,
) -> Result<Vec<(ItemId, String, String)>, PgError> {
    let rows = client.query(
        "SELECT a.item_id, a.holder, b.holder
           FROM shugu.lease_history a JOIN shugu.lease_history b
             ON a.item_id = b.item_id AND a.id < b.id
            AND a.taken_at < coalesce(b.ended_at, 'infinity')
            AND b.taken_at < coalesce(a.ended_at, 'infinity')
          ORDER BY a.item_id, a.id",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| (ItemId(r.get(0)), r.get(1), r.get(2)))
        .collect())
}

/// A lease's time-to-live as the command line writes it: a number and a
/// unit, `90s`, `30m`, `2h` (a bare number is minutes).
pub fn parse_ttl(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 30m, 90s or 2h"))?;
    let secs = match unit.trim() {
        "s" => n,
        "" | "m" | "min" => n * 60,
        "h" => n * 3600,
        other => return Err(format!("unknown unit {other:?} in {text:?} (s, m or h)")),
    };
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_reads_seconds_minutes_and_hours() {
        assert_eq!(parse_ttl("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_ttl("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_ttl(" 2h "), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_ttl("15"), Ok(Duration::from_secs(900)));
        assert!(parse_ttl("m").unwrap_err().contains("not a duration"));
        assert!(parse_ttl("3d").unwrap_err().contains("unknown unit"));
    }
}
