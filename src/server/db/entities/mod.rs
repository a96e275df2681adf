//! SeaORM entities. Rows are mapped to wire types before they leave the server.

pub mod company;
pub mod job;
