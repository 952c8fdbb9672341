//! A team project's [`WorkQueue`]: the server's leases (`lease`), taken on a
//! connection of their own, so that a claim or a heartbeat holds at once,
//! outside any group of edits open on the store's.

use super::conn::SideConn;
use crate::model::ItemId;
use crate::project::postgres::{Connector, Queue, lease};
use crate::project::{ProjectError, WorkQueue};
use std::time::Duration;

pub struct LeasesOnServer {
    conn: SideConn,
}

impl LeasesOnServer {
    pub fn new(connector: Connector) -> Self {
        LeasesOnServer {
            conn: SideConn::new(connector),
        }
    }
}

impl WorkQueue for LeasesOnServer {
    fn claim(
        &mut self,
        queue: Queue,
        count: u32,
        ttl: Duration,
    ) -> Result<Vec<ItemId>, ProjectError> {
        Ok(lease::claim(
            &mut self.conn.live()?.client,
            queue,
            count,
            ttl,
        )?)
    }

    fn heartbeat(&mut self, ttl: Duration) -> Result<Vec<ItemId>, ProjectError> {
        Ok(lease::heartbeat(&mut self.conn.live()?.client, ttl)?)
    }

    fn release(&mut self, items: Option<&[ItemId]>) -> Result<Vec<ItemId>, ProjectError> {
        Ok(lease::release(&mut self.conn.live()?.client, items)?)
    }
}
