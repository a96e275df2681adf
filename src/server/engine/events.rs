//! Progress events reach every instance's event streams. In this process
//! they go through a broadcast channel; with PostgreSQL they are also
//! published with `NOTIFY` (in batches, a few per second under load) and
//! every other instance relays what it hears into its own channel.

use std::time::Duration;

use sea_orm::{
    DatabaseConnection, DbBackend,
    sqlx::postgres::{PgListener, PgPool},
};
use serde::Deserialize;
use tokio::sync::{broadcast, mpsc};

use crate::domain::job::ProgressEvent;

const CHANNEL: &str = "territory_planner_progress";
/// NOTIFY takes up to 8,000 bytes of payload.
const MAX_PAYLOAD: usize = 7_000;
/// How long events wait to share one NOTIFY.
const BATCH_WINDOW: Duration = Duration::from_millis(50);

/// What an event stream hears.
#[derive(Debug, Clone)]
pub enum Update {
    Progress(ProgressEvent),
    /// Events may have been missed (the link to the database dropped):
    /// streams send a fresh snapshot.
    Resync,
}

#[derive(Deserialize)]
struct Batch {
    from: String,
    events: Vec<ProgressEvent>,
}

pub(super) struct Events {
    local: broadcast::Sender<Update>,
    outbox: Option<mpsc::UnboundedSender<ProgressEvent>>,
}

impl Events {
    /// In-process only (SQLite), or also across instances (PostgreSQL).
    pub fn new(
        db: &DatabaseConnection,
        instance_id: &str,
    ) -> (Self, Vec<tokio::task::JoinHandle<()>>) {
        let (local, _) = broadcast::channel(4096);
        if db.get_database_backend() != DbBackend::Postgres {
            return (
                Self {
                    local,
                    outbox: None,
                },
                Vec::new(),
            );
        }
        let pool = db.get_postgres_connection_pool().clone();
        let (outbox, inbox) = mpsc::unbounded_channel();
        let tasks = vec![
            tokio::spawn(publish(pool.clone(), instance_id.to_string(), inbox)),
            tokio::spawn(relay(pool, instance_id.to_string(), local.clone())),
        ];
        (
            Self {
                local,
                outbox: Some(outbox),
            },
            tasks,
        )
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Update> {
        self.local.subscribe()
    }

    pub fn emit(&self, event: ProgressEvent) {
        if let Some(outbox) = &self.outbox {
            let _ = outbox.send(event.clone());
        }
        // Nobody listening is fine.
        let _ = self.local.send(Update::Progress(event));
    }
}

/// Sends this instance's events to the others, a batch per NOTIFY.
async fn publish(pool: PgPool, from: String, mut inbox: mpsc::UnboundedReceiver<ProgressEvent>) {
    while let Some(first) = inbox.recv().await {
        let mut events = vec![first];
        let deadline = tokio::time::Instant::now() + BATCH_WINDOW;
        while let Ok(Some(event)) = tokio::time::timeout_at(deadline, inbox.recv()).await {
            events.push(event);
        }
        for payload in payloads(&from, events) {
            if let Err(error) = sea_orm::sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(&payload)
                .execute(&pool)
                .await
            {
                tracing::warn!(%error, "could not publish progress to the other instances");
            }
        }
    }
}

/// Splits events into NOTIFY payloads under the size limit, serialising
/// each event once (a payload is a `Batch` written by hand around them).
fn payloads(from: &str, events: Vec<ProgressEvent>) -> Vec<String> {
    let head = format!(
        "{{\"from\":{},\"events\":[",
        serde_json::to_string(from).unwrap_or_default()
    );
    let mut out = Vec::new();
    let mut batch = head.clone();
    for event in events {
        let Ok(json) = serde_json::to_string(&event) else {
            continue;
        };
        if json.len() > MAX_PAYLOAD {
            // A job view too big for NOTIFY: streams fetch the job instead.
            continue;
        }
        if batch.len() + json.len() > MAX_PAYLOAD && batch.len() > head.len() {
            batch.push_str("]}");
            out.push(std::mem::replace(&mut batch, head.clone()));
        }
        if batch.len() > head.len() {
            batch.push(',');
        }
        batch.push_str(&json);
    }
    if batch.len() > head.len() {
        batch.push_str("]}");
        out.push(batch);
    }
    out
}

/// Relays the other instances' events into this one's channel.
async fn relay(pool: PgPool, me: String, local: broadcast::Sender<Update>) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for other instances' progress; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(CHANNEL).await {
            tracing::warn!(%error, "cannot listen for other instances' progress; trying again");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    let Ok(batch) = serde_json::from_str::<Batch>(notification.payload()) else {
                        continue;
                    };
                    if batch.from == me {
                        continue;
                    }
                    for event in batch.events {
                        let _ = local.send(Update::Progress(event));
                    }
                }
                Ok(None) => {
                    // The connection dropped; the next call reconnects. What
                    // was said meanwhile is lost: streams catch up from the database.
                    tracing::warn!("lost the link for other instances' progress; reconnecting");
                    let _ = local.send(Update::Resync);
                }
                Err(error) => {
                    tracing::warn!(%error, "listening for other instances' progress failed");
                    let _ = local.send(Update::Resync);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::job::{CompanyProgress, CompanyStatus, Stage};

    fn company(id: i32) -> ProgressEvent {
        ProgressEvent::Company(CompanyProgress {
            job_id: 1,
            company_id: id,
            status: CompanyStatus::Researching,
            stage: Stage::Searching,
            score_total: None,
            priority_tier: None,
            error_message: Some("x".repeat(300)),
        })
    }

    #[test]
    fn batches_fit_a_notify_and_keep_every_event_in_order() {
        let events: Vec<_> = (0..100).map(company).collect();
        let payloads = payloads("a", events.clone());
        assert!(payloads.len() > 1);
        let mut back = Vec::new();
        for payload in &payloads {
            assert!(payload.len() < 8_000, "{}", payload.len());
            let batch: Batch = serde_json::from_str(payload).unwrap();
            assert_eq!(batch.from, "a");
            back.extend(batch.events);
        }
        assert_eq!(back, events);
    }
}
