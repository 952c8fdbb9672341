//! Values handed from a thread of their own to the calling thread, the end
//! said rather than inferred. A producer that panics drops its sender without
//! a word; were that read as the end of the input, the store behind the
//! consumer would commit half an import. Here the producer ends by sending
//! [`Message::End`], a disconnect without it reaches the consumer as an
//! error, and the producer's panic comes back as an error, never as a panic
//! of the caller.

use super::JobError;
use std::any::Any;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

enum Message<T> {
    Item(T),
    End,
}

/// The producer's end of a handoff.
pub(crate) struct Feed<T> {
    tx: SyncSender<Message<T>>,
}

impl<T> Feed<T> {
    /// Hands `item` on; false once the consumer has stopped taking items,
    /// when the producer should stop too.
    pub fn send(&self, item: T) -> bool {
        self.tx.send(Message::Item(item)).is_ok()
    }
}

/// The consumer's end: the producer's items, then the end, or an error in
/// place of the end when the producer stopped without reaching it.
pub(crate) struct Received<'w, T> {
    rx: Receiver<Message<T>>,
    what: &'w str,
    done: bool,
}

impl<T> Iterator for Received<'_, T> {
    type Item = Result<T, JobError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.rx.recv() {
            Ok(Message::Item(item)) => Some(Ok(item)),
            Ok(Message::End) => {
                self.done = true;
                None
            }
            Err(_) => {
                self.done = true;
                Some(Err(stopped(self.what, None)))
            }
        }
    }
}

/// Runs `produce` on a thread of its own while `consume` takes what it
/// sends on this one (at most `bound` items waiting). Returns what `consume`
/// returned and what `produce` returned; a panic of `produce` is an error
/// that names `what` the thread was doing, and `consume` saw an error item
/// where the items stopped.
pub(crate) fn handoff<T: Send, P: Send, R>(
    what: &str,
    bound: usize,
    produce: impl FnOnce(&Feed<T>) -> P + Send,
    consume: impl FnOnce(Received<'_, T>) -> R,
) -> (R, Result<P, JobError>) {
    let (tx, rx) = sync_channel(bound);
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            let feed = Feed { tx };
            let produced = produce(&feed);
            let _ = feed.tx.send(Message::End);
            produced
        });
        let consumed = consume(Received {
            rx,
            what,
            done: false,
        });
        // Joined here, so a panic is this error and not one of the scope.
        let produced = producer
            .join()
            .map_err(|panic| stopped(what, Some(panic.as_ref())));
        (consumed, produced)
    })
}

/// The error of a producer that stopped without ending, with its panic's
/// message when there is one.
fn stopped(what: &str, panic: Option<&(dyn Any + Send)>) -> JobError {
    let message = panic.and_then(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
    });
    JobError::Failed(match message {
        Some(message) => {
            format!("{what} failed ({message}); nothing was stored")
        }
        None => format!("{what} stopped before the end; nothing was stored"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_arrive_in_order_and_the_end_is_the_end() {
        let (got, produced) = handoff(
            "counting",
            2,
            |feed| {
                for i in 0..10 {
                    if !feed.send(i) {
                        return false;
                    }
                }
                true
            },
            |items| items.collect::<Result<Vec<_>, _>>(),
        );
        assert_eq!(got.unwrap(), (0..10).collect::<Vec<_>>());
        assert!(produced.unwrap());
    }

    #[test]
    fn a_producer_that_panics_is_an_error_on_both_ends() {
        let (got, produced) = handoff(
            "reading numbers.txt",
            1,
            |feed| {
                feed.send(1);
                feed.send(2);
                panic!("line 3 broke the reader");
            },
            |items| items.collect::<Vec<_>>(),
        );
        assert!(matches!(got[..2], [Ok(1), Ok(2)]), "{got:?}");
        assert_eq!(got.len(), 3, "an error and nothing after: {got:?}");
        let after = got[2].as_ref().unwrap_err().to_string();
        assert!(after.contains("reading numbers.txt stopped"), "{after}");
        let err = produced.err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            err,
            "reading numbers.txt failed (line 3 broke the reader); nothing was stored"
        );
    }

    #[test]
    fn a_consumer_that_stops_early_stops_the_producer() {
        let (first, produced) = handoff(
            "counting",
            1,
            |feed| (0..).take_while(|&i| feed.send(i)).count(),
            |mut items| items.next(),
        );
        assert_eq!(first.map(|r| r.ok()), Some(Some(0)));
        assert!(produced.unwrap() < 5);
    }
}
