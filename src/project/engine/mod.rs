//! The edit engine: what an [`Edit`](crate::model::Edit) means, decided once
//! for every storage backend. It validates an edit against the schema and
//! the items ([`validate`]).

pub(super) mod validate;
