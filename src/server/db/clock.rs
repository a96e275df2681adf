//! Lease times come from the database's clock, so instances on machines whose
//! clocks disagree still agree on when a lease ran out. SQLite is embedded in
//! one machine's processes: there the database's clock is this machine's.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, sea_query::Expr};

/// The database's current time.
pub fn now(db: &impl ConnectionTrait) -> Expr {
    after(db, Duration::ZERO)
}

/// The database's current time plus `span`.
pub fn after(db: &impl ConnectionTrait, span: Duration) -> Expr {
    shifted(db, span.as_millis() as i64)
}

/// The database's current time minus `span`.
pub fn before(db: &impl ConnectionTrait, span: Duration) -> Expr {
    shifted(db, -(span.as_millis() as i64))
}

fn shifted(db: &impl ConnectionTrait, millis: i64) -> Expr {
    match db.get_database_backend() {
        DbBackend::Postgres if millis == 0 => Expr::cust("CURRENT_TIMESTAMP"),
        // An integer of ours, never user input.
        DbBackend::Postgres => Expr::cust(format!(
            "CURRENT_TIMESTAMP + INTERVAL '{millis} milliseconds'"
        )),
        _ => Expr::value(Utc::now() + chrono::Duration::milliseconds(millis)),
    }
}
