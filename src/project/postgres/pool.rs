//! A small pool of connections for one workstation (the GUI's threads, a
//! bulk import's writer): r2d2, with connections made from the resolved
//! [`Connector`] so the password is asked for at most once.

use super::credentials::Connector;
use super::error::PgError;
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;
use r2d2_postgres::r2d2;
use std::time::Duration;

/// A pooled connection; back in the pool when dropped.
pub type PooledClient = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

#[derive(Clone)]
pub struct Pool {
    inner: r2d2::Pool<PostgresConnectionManager<NoTls>>,
    target: String,
}

impl Pool {
    /// A pool of at most `max_size` connections, one opened now (so a wrong
    /// address or password is an error here, not at the first query). A
    /// connection is checked before it is handed out, so one the network
    /// dropped while idle is replaced instead of failing a query.
    pub fn new(connector: &Connector, max_size: u32) -> Result<Self, PgError> {
        let manager = PostgresConnectionManager::new(connector.config().clone(), NoTls);
        let inner = r2d2::Pool::builder()
            .max_size(max_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(15))
            .test_on_check_out(true)
            .build(manager)?;
        Ok(Self {
            inner,
            target: connector.target(),
        })
    }

    pub fn get(&self) -> Result<PooledClient, PgError> {
        self.inner.get().map_err(|e| {
            PgError::Server(format!("{}: no connection to the server: {e}", self.target))
        })
    }

    pub fn max_size(&self) -> u32 {
        self.inner.max_size()
    }
}
