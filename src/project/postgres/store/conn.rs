//! The store's connection: a client with the statements it has prepared
//! (each SQL text is parsed by the server once per connection, not once
//! per call), binary `COPY` for bulk rows, and ids taken from sequences.

use crate::model::Provenance;
use crate::project::ProjectError;
use crate::project::postgres::{Connector, PgError};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{Client, Row, Statement};
use std::collections::HashMap;

/// One statement's parameters.
pub(super) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl From<postgres::Error> for ProjectError {
    fn from(e: postgres::Error) -> Self {
        ProjectError::Server(PgError::Query(e))
    }
}

/// A row the store cannot read back: a value this version does not know.
pub(super) fn bad_row(what: impl std::fmt::Display) -> ProjectError {
    ProjectError::Server(PgError::Invalid(format!("the database holds {what}")))
}

/// A `u32` (a size, an offset) for an `integer` column.
pub(super) fn int4(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// An `integer` column's value as the `u32` it was written from.
pub(super) fn uint(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// Provenance from its four columns (author, created, updated by,
/// updated), the first at `first`.
pub(super) fn provenance_columns(r: &Row, first: usize) -> Result<Provenance, ProjectError> {
    Ok(Provenance {
        author: r.try_get(first)?,
        created_ms: r.try_get(first + 1)?,
        updated_by: r.try_get(first + 2)?,
        updated_ms: r.try_get(first + 3)?,
    })
}

pub(super) struct Conn {
    pub client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Conn {
    pub fn new(client: Client) -> Self {
        Conn {
            client,
            statements: HashMap::new(),
        }
    }

    /// `sql` prepared on this connection, once.
    pub fn statement(&mut self, sql: &'static str) -> Result<Statement, ProjectError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    pub fn query(&mut self, sql: &'static str, params: Params) -> Result<Vec<Row>, ProjectError> {
        let s = self.statement(sql)?;
        Ok(self.client.query(&s, params)?)
    }

    pub fn query_opt(
        &mut self,
        sql: &'static str,
        params: Params,
    ) -> Result<Option<Row>, ProjectError> {
        let s = self.statement(sql)?;
        Ok(self.client.query_opt(&s, params)?)
    }

    pub fn query_one(&mut self, sql: &'static str, params: Params) -> Result<Row, ProjectError> {
        let s = self.statement(sql)?;
        Ok(self.client.query_one(&s, params)?)
    }

    pub fn execute(&mut self, sql: &'static str, params: Params) -> Result<u64, ProjectError> {
        let s = self.statement(sql)?;
        Ok(self.client.execute(&s, params)?)
    }

    /// The rows of `sql` mapped one at a time as they arrive, so a million
    /// rows are never held twice.
    pub fn map_rows<T>(
        &mut self,
        sql: &'static str,
        params: Params,
        mut map: impl FnMut(&Row) -> Result<T, ProjectError>,
    ) -> Result<Vec<T>, ProjectError> {
        let mut out = Vec::new();
        self.for_each_row(sql, params, |row| {
            out.push(map(row)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` with each row of `sql` as it arrives.
    pub fn for_each_row(
        &mut self,
        sql: &'static str,
        params: Params,
        mut f: impl FnMut(&Row) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        let s = self.statement(sql)?;
        let mut rows = self.client.query_raw(&s, params.iter().copied())?;
        while let Some(row) = rows.next()? {
            f(&row)?;
        }
        Ok(())
    }

    /// `n` new ids of the sequence `seq`, ascending.
    pub fn take_ids(&mut self, seq: Sequence, n: usize) -> Result<Vec<i64>, ProjectError> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        let rows = self.query(seq.take_sql(), &[&n])?;
        let mut ids = rows
            .iter()
            .map(|r| r.try_get::<_, i64>(0))
            .collect::<Result<Vec<_>, _>>()?;
        ids.sort_unstable();
        Ok(ids)
    }

    /// Streams rows into `COPY … FROM STDIN (FORMAT binary)`: `write` is
    /// called with each row's writer; returns how many rows went in.
    pub fn copy_in<R>(
        &mut self,
        copy: &str,
        types: &[Type],
        rows: impl IntoIterator<Item = R>,
        mut write: impl FnMut(&mut BinaryCopyInWriter, R) -> Result<(), ProjectError>,
    ) -> Result<u64, ProjectError> {
        let sink = self.client.copy_in(copy)?;
        let mut writer = BinaryCopyInWriter::new(sink, types);
        for row in rows {
            write(&mut writer, row)?;
        }
        Ok(writer.finish()?)
    }
}

/// A connection of its own beside the store's (saving the schema, taking
/// leases), opened when first needed and again when the network dropped it.
pub(super) struct SideConn {
    connector: Connector,
    conn: Option<Conn>,
}

impl SideConn {
    pub fn new(connector: Connector) -> Self {
        SideConn {
            connector,
            conn: None,
        }
    }

    pub fn live(&mut self) -> Result<&mut Conn, ProjectError> {
        let conn = match self.conn.take() {
            Some(conn) if !conn.client.is_closed() => conn,
            _ => Conn::new(self.connector.open()?),
        };
        Ok(self.conn.insert(conn))
    }
}

/// The sequences the store takes ids from.
#[derive(Clone, Copy, Debug)]
pub(super) enum Sequence {
    Items,
    Annotations,
}

impl Sequence {
    fn take_sql(self) -> &'static str {
        match self {
            Sequence::Items => {
                "SELECT nextval('shugu.items_id_seq') FROM generate_series(1, $1::bigint)"
            }
            Sequence::Annotations => {
                "SELECT nextval('shugu.annotations_id_seq') FROM generate_series(1, $1::bigint)"
            }
        }
    }
}
