//! Team projects on a PostgreSQL server (issue 16), the groundwork below a
//! store: the address (`url`), who connects with which password
//! (`credentials`, `pgpass`), a connection pool (`pool`), the schema by
//! versioned migrations (`migrate`, `sql/`), the roles and what the server
//! enforces for them (`roles`, `init`: `shugu db init`), work assignment by
//! leases (`lease`), and live changes by `LISTEN`/`NOTIFY` (`listen`).
//!
//! The client is the synchronous `postgres` crate: the store's callers are
//! synchronous, and each client runs its own small runtime. Connections are
//! plain TCP: office networks are trusted or tunnelled, and an address that
//! asks for TLS (`sslmode=require` and stronger) is refused with a message
//! rather than silently sent in clear.
//!
//! Above them, the store of a team project's rows (`store`, [`PgStore`]),
//! team projects themselves — made, joined and opened (`team`) — and a
//! project of its own folder moved onto a server with its history (`push`).
//!
//! `test_cluster` starts a private server for tests (see its documentation).

mod credentials;
mod error;
mod init;
pub(crate) mod lease;
mod listen;
mod migrate;
mod pgpass;
mod pool;
mod push;
mod roles;
mod store;
mod team;
#[doc(hidden)]
#[cfg(unix)]
pub mod test_cluster;
#[cfg(all(test, unix))]
mod tests;
#[cfg(all(test, unix))]
pub(super) use tests::suite_store;
mod url;

pub use credentials::{Connector, Credentials, Prompt};
pub use error::{PgError, describe};
pub use init::{InitReport, init_database};
pub use lease::{Lease, Queue, claim, heartbeat, leases, overlapping_leases, parse_ttl, release};
pub use listen::{CHANNEL, Change, Listener, parse_payload};
pub use migrate::{Migration, check_schema, latest_version, schema_version};
pub use pgpass::{PassFileAnswer, PassKey};
pub use pool::{Pool, PooledClient};
pub use push::{PushReport, push_project};
pub use roles::{RoleKind, RoleNames, grant, quote_ident};
pub use store::{PgStore, ProjectRow};
pub(super) use team::open as open_team;
pub use url::{DEFAULT_PORT, DbUrl};
