//! One job: live progress over server-sent events, one page of ranked results
//! at a time (sorted, filtered and paged on the server), actions.

use std::{collections::HashSet, time::Duration};

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    components::{
        browser::{JobStreamEvent, subscribe_to_job},
        company_table::CompanyTable,
        job_header::JobHeader,
    },
    domain::table::{CompanyPage, CompanyQuery, JobSnapshot, apply},
    server_fns::{
        error::AppError,
        jobs::{get_companies, get_job, target_types},
    },
};

/// While companies finish, the page on screen is asked for again at most this
/// often, so new results take their place in the order.
const REORDER_EVERY: Duration = Duration::from_millis(1500);

#[component]
pub fn JobPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i32>().ok()));
    let job_version = RwSignal::new(0u32);
    let rows_version = RwSignal::new(0u32);
    let query = RwSignal::new(CompanyQuery::default());
    let job = Resource::new(
        move || (id.get(), job_version.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_job(id).await,
                None => Err(AppError::NotFound("There is no such job.".into())),
            }
        },
    );
    let page = Resource::new(
        move || (id.get(), query.get(), rows_version.get()),
        |(id, query, _)| async move {
            match id {
                Some(id) => get_companies(id, query).await,
                None => Err(AppError::NotFound("There is no such job.".into())),
            }
        },
    );
    let types = Resource::new(|| (), |_| target_types());

    // What is on screen: the loaded job and page, with live deltas applied.
    let live_job = RwSignal::new(None::<JobSnapshot>);
    let live_rows = RwSignal::new(None::<CompanyPage>);
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = job.get() {
            // The event stream may have said more while this was on its way;
            // then the rows fetched with it are as old: fetch them again.
            let stale = live_job
                .with_untracked(|live| live.as_ref().is_some_and(|l| l.is_newer_than(&fresh)));
            if stale {
                rows_version.update(|n| *n += 1);
            } else {
                live_job.set(Some(fresh));
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = page.get() {
            live_rows.set(Some(fresh));
        }
    });

    let reorder_queued = StoredValue::new(false);
    let queue_reorder = move || {
        if !reorder_queued.get_value() {
            reorder_queued.set_value(true);
            set_timeout(
                move || {
                    reorder_queued.set_value(false);
                    rows_version.update(|n| *n += 1);
                },
                REORDER_EVERY,
            );
        }
    };
    Effect::new(move |_| {
        let Some(job_id) = id.get() else { return };
        let close = subscribe_to_job(job_id, move |event| match event {
            JobStreamEvent::Snapshot(fresh) => {
                // Sent on connect, on a reconnect and after falling behind: if it
                // says more than the page knew, the rows on screen missed events.
                let missed = live_job
                    .with_untracked(|live| live.as_ref().is_some_and(|l| fresh.is_newer_than(l)));
                live_job.set(Some(*fresh));
                if missed {
                    rows_version.update(|n| *n += 1);
                }
            }
            JobStreamEvent::Progress(progress) => {
                let before = live_job.with_untracked(|l| l.as_ref().map(|s| s.job.status));
                if let crate::domain::job::ProgressEvent::Job(now) = &progress
                    && before.is_some_and(|b| b != now.status)
                {
                    tell_the_person(now);
                }
                let mut applied = Default::default();
                live_job.update(|snapshot| {
                    if let Some(snapshot) = snapshot {
                        live_rows.update(|rows| {
                            let rows = rows.as_mut().map_or(&mut [][..], |p| &mut p.rows[..]);
                            applied = apply(snapshot, rows, &progress);
                        });
                    }
                });
                let crate::domain::table::Applied {
                    row_finished,
                    job_finished,
                } = applied;
                let company_finished = matches!(
                    progress,
                    crate::domain::job::ProgressEvent::Company(c) if c.status.is_finished()
                );
                if job_finished {
                    // The final order and every row's last state, at once.
                    rows_version.update(|n| *n += 1);
                } else if row_finished || company_finished {
                    queue_reorder();
                }
            }
        });
        on_cleanup(close);
    });

    let expanded = RwSignal::new(HashSet::<i32>::new());
    // The loaded values until the live copies exist, so the server renders the
    // job and its first page, and hydration starts from them.
    let snapshot =
        Signal::derive(move || live_job.get().or_else(|| job.get().and_then(Result::ok)));
    let rows = Signal::derive(move || live_rows.get().or_else(|| page.get().and_then(Result::ok)));
    let job_view = Signal::derive(move || snapshot.get().map(|s| s.job));
    let rubric = Signal::derive(move || {
        let kind = job_view.get().map(|j| j.job_type).unwrap_or_default();
        types
            .get()
            .and_then(Result::ok)
            .and_then(|all| all.into_iter().find(|t| t.id == kind))
    });
    let export_href =
        Signal::derive(move || query.with(|q| q.export_href(id.get().unwrap_or_default())));

    view! {
        <p class="mb-4 text-sm"><a href="/" class="text-emerald-700 hover:underline">"← All jobs"</a></p>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading the job…"</p> }>
            {move || job.get().map(|result| match result {
                Err(error) => view! { <p role="alert" class="rounded-md bg-red-50 p-4 text-sm text-red-800">{error.to_string()}</p> }.into_any(),
                Ok(_) => view! {
                    <div class="space-y-6">
                        <JobHeader
                            job=job_view
                            type_label=Signal::derive(move || rubric.get().map(|r| r.label).unwrap_or_default())
                            export_href
                            on_changed=Callback::new(move |_| {
                                job_version.update(|n| *n += 1);
                                rows_version.update(|n| *n += 1);
                            })
                        />
                        <CompanyTable
                            job_id=Signal::derive(move || id.get().unwrap_or_default())
                            page=rows
                            tiers=Signal::derive(move || snapshot.get().map(|s| s.tiers).unwrap_or_default())
                            total=Signal::derive(move || job_view.get().map_or(0, |j| j.total_companies))
                            review=Signal::derive(move || job_view.get().map_or(0, |j| j.review_companies))
                            query
                            expanded
                            tier_labels=Signal::derive(move || rubric.get().map(|r| r.priority_labels).unwrap_or_default())
                            criteria=Signal::derive(move || rubric.get().map(|r| r.criteria).unwrap_or_default())
                        />
                    </div>
                }.into_any(),
            })}
        </Transition>
    }
}

/// A browser notification when the job ends or pauses (if the person allowed them).
fn tell_the_person(job: &crate::domain::job::JobProgress) {
    use crate::domain::job::JobStatus;
    if !(job.status.is_finished() || job.status == JobStatus::Paused) {
        return;
    }
    let name = job
        .view
        .as_ref()
        .map(|v| v.name.clone())
        .unwrap_or_default();
    let body = match &job.error_message {
        Some(message) => message.clone(),
        None => format!(
            "{} of {} scored, {} failed.",
            job.completed, job.total, job.failed
        ),
    };
    crate::components::browser::notify(&format!("{name}: {}", job.status.as_str()), &body);
}
