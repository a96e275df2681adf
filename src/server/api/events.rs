//! GET /api/jobs/{id}/events: server-sent events. A snapshot first (the job
//! and its tier counts, never its companies), then one event per company stage
//! change and per job change, from whichever instance runs the company, with
//! keep-alives. A reconnecting browser (or one that fell behind) gets a fresh
//! snapshot: the counts again, not the rows. When this instance stops, the
//! stream ends with a `reconnect` event and a short retry, so the browser
//! reconnects (through the proxy, to another instance) at once.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::{Path, State},
    response::sse::{Event, KeepAlive, Sse},
};
use futures::{Stream, StreamExt, stream};
use tokio_stream::wrappers::{BroadcastStream, errors::BroadcastStreamRecvError};

use super::openapi::ErrorBody;
use crate::{
    domain::{job::ProgressEvent, table::JobSnapshot},
    server::{auth::Actor, engine::events::Update, services::results, state::AppState},
    server_fns::error::AppError,
};

fn snapshot_event(snapshot: &JobSnapshot) -> Event {
    Event::default()
        .event("snapshot")
        .json_data(snapshot)
        .unwrap_or_default()
}

async fn snapshot(state: &AppState, actor: &Actor, id: i32) -> Event {
    match results::snapshot(state, actor, id).await {
        Ok(snapshot) => snapshot_event(&snapshot),
        Err(_) => Event::default()
            .event("error")
            .data("the job could not be loaded"),
    }
}

#[utoipa::path(get, path = "/api/jobs/{id}/events", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "Server-sent events: a snapshot, then one event per change", content_type = "text/event-stream", body = String), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    // Subscribe before the snapshot, so nothing between the two is lost.
    let updates = BroadcastStream::new(state.engine.subscribe());
    let stopping = state.engine.stopping();
    let first = snapshot_event(&results::snapshot(&state, &actor, id).await?);
    let follow = updates.take_until(stopping).filter_map(move |item| {
        let state = state.clone();
        let actor = actor.clone();
        async move {
            match item {
                Ok(Update::Progress(event)) if event.job_id() == id => {
                    let name = match event {
                        ProgressEvent::Company(_) => "company",
                        ProgressEvent::Job(_) => "job",
                    };
                    Some(
                        Event::default()
                            .event(name)
                            .json_data(&event)
                            .unwrap_or_default(),
                    )
                }
                Ok(Update::Progress(_)) => None,
                Ok(Update::Resync) | Err(BroadcastStreamRecvError::Lagged(_)) => {
                    Some(snapshot(&state, &actor, id).await)
                }
            }
        }
    });
    let farewell = stream::once(async {
        Event::default()
            .event("reconnect")
            .retry(Duration::from_millis(500))
            .data("this instance is stopping; connect again")
    });
    let stream = stream::once(async move { first })
        .chain(follow)
        .chain(farewell)
        .map(Ok);
    Ok(Sse::new(stream).keep_alive(
        KeepAlive::new()
            .interval(Duration::from_secs(15))
            .text("keep-alive"),
    ))
}
