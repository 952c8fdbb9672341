//! Live changes from other workstations: a thread that holds its own
//! connection, `LISTEN`s on the schema's channel and turns each notification
//! into a [`Change`] on an in-process channel, which the GUI drains each
//! frame. The schema's triggers send them on commit, for any client's write.

use super::credentials::Connector;
use crate::model::ItemId;
use postgres::Client;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// The channel the schema's triggers notify (see `sql/0001_base.sql`).
pub const CHANNEL: &str = "shugu_changes";

/// Something another transaction changed, once it committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// These items, or their annotations, labels, comments, … changed (or
    /// were added or deleted).
    Items(Vec<ItemId>),
    /// So many items changed that they were not listed: reload them all.
    AllItems,
    /// Leases on these items were taken, renewed or ended.
    Leases(Vec<ItemId>),
    AllLeases,
    /// The label schema changed.
    Schema,
    /// The project's own row (name, image root) changed.
    Project,
    /// The connection was lost; changes are missed until [`Change::Resumed`].
    Lost(String),
    /// Listening again after a loss: reload everything, something may have
    /// been missed meanwhile.
    Resumed,
}

/// A notification's payload as a change; `None` for one this version does
/// not know (a newer Shugu's), which is ignored.
pub fn parse_payload(payload: &str) -> Option<Change> {
    let (what, list) = payload.split_once(' ').unwrap_or((payload, ""));
    let ids = || -> Option<Vec<ItemId>> {
        list.split(',')
            .map(|id| id.trim().parse().ok().map(ItemId))
            .collect()
    };
    match (what, list) {
        ("items", "*") => Some(Change::AllItems),
        ("leases", "*") => Some(Change::AllLeases),
        ("items", _) => ids().map(Change::Items),
        ("leases", _) => ids().map(Change::Leases),
        ("schema", "") => Some(Change::Schema),
        ("project", "") => Some(Change::Project),
        _ => None,
    }
}

/// The listening thread; stops (within a quarter second) when dropped.
pub struct Listener {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// How long one wait for notifications lasts before the stop flag is read.
const POLL: Duration = Duration::from_millis(250);

impl Listener {
    /// Starts listening with a connection of its own. Returns once `LISTEN`
    /// is in place, so every change committed after this returns is heard;
    /// a failure to connect is an error here, later losses are
    /// [`Change::Lost`] and the thread reconnects by itself.
    pub fn start(connector: &Connector) -> Result<(Self, Receiver<Change>), super::PgError> {
        let client = listening(connector)?;
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            let connector = connector.clone();
            std::thread::Builder::new()
                .name("shugu-listen".into())
                .spawn(move || run(client, &connector, &tx, &stop))
                .map_err(|e| super::PgError::Invalid(format!("cannot start a thread: {e}")))?
        };
        Ok((
            Self {
                stop,
                thread: Some(thread),
            },
            rx,
        ))
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn listening(connector: &Connector) -> Result<Client, super::PgError> {
    let mut client = connector.open()?;
    client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
    Ok(client)
}

/// Waits for notifications until told to stop or the receiver is gone;
/// after a loss, reconnects with a growing pause (up to 5 s).
fn run(mut client: Client, connector: &Connector, tx: &Sender<Change>, stop: &AtomicBool) {
    loop {
        let lost = receive(&mut client, tx, stop);
        let Some(reason) = lost else { return };
        if tx.send(Change::Lost(reason)).is_err() {
            return;
        }
        let mut pause = Duration::from_millis(200);
        client = loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(pause);
            if let Ok(client) = listening(connector) {
                break client;
            }
            pause = (pause * 2).min(Duration::from_secs(5));
        };
        if tx.send(Change::Resumed).is_err() {
            return;
        }
    }
}

/// Passes notifications on; `None` when it should stop, `Some(why)` when
/// the connection was lost.
fn receive(client: &mut Client, tx: &Sender<Change>, stop: &AtomicBool) -> Option<String> {
    use postgres::fallible_iterator::FallibleIterator;
    while !stop.load(Ordering::Relaxed) {
        {
            let mut notifications = client.notifications();
            let mut iter = notifications.timeout_iter(POLL);
            loop {
                match iter.next() {
                    Ok(Some(n)) => {
                        if n.channel() != CHANNEL {
                            continue;
                        }
                        if let Some(change) = parse_payload(n.payload())
                            && tx.send(change).is_err()
                        {
                            return None;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return Some(e.to_string()),
                }
            }
        }
        if client.is_closed() {
            return Some("the server closed the connection".into());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_become_changes() {
        assert_eq!(
            parse_payload("items 3,1,2"),
            Some(Change::Items(vec![ItemId(3), ItemId(1), ItemId(2)]))
        );
        assert_eq!(parse_payload("items *"), Some(Change::AllItems));
        assert_eq!(
            parse_payload("leases 7"),
            Some(Change::Leases(vec![ItemId(7)]))
        );
        assert_eq!(parse_payload("leases *"), Some(Change::AllLeases));
        assert_eq!(parse_payload("schema"), Some(Change::Schema));
        assert_eq!(parse_payload("project"), Some(Change::Project));
        assert_eq!(parse_payload("items 1,x"), None);
        assert_eq!(parse_payload("shapes 1"), None);
    }
}
