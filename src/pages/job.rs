//! One job: live progress over server-sent events, ranked results, actions.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    components::{
        browser::{JobStreamEvent, subscribe_to_job},
        company_table::CompanyTable,
        job_header::JobHeader,
    },
    domain::{
        table::{TableView, apply},
        views::JobDetail,
    },
    server_fns::{
        error::AppError,
        jobs::{get_job_detail, target_types},
    },
};

#[component]
pub fn JobPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i32>().ok()));
    let refresh = RwSignal::new(0u32);
    let detail = Resource::new(
        move || (id.get(), refresh.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_job_detail(id).await,
                None => Err(AppError::NotFound("There is no such job.".into())),
            }
        },
    );
    let types = Resource::new(|| (), |_| target_types());
    let live = RwSignal::new(None::<JobDetail>);
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = detail.get() {
            live.set(Some(fresh));
        }
    });

    // Full details of finished companies arrive with a (throttled) refetch;
    // everything else is applied in place as events come.
    let refetch_queued = StoredValue::new(false);
    let queue_refetch = move || {
        if !refetch_queued.get_value() {
            refetch_queued.set_value(true);
            set_timeout(
                move || {
                    refetch_queued.set_value(false);
                    refresh.update(|n| *n += 1);
                },
                std::time::Duration::from_millis(800),
            );
        }
    };
    Effect::new(move |_| {
        let Some(job_id) = id.get() else { return };
        let close = subscribe_to_job(job_id, move |event| match event {
            JobStreamEvent::Snapshot(fresh) => live.set(Some(*fresh)),
            JobStreamEvent::Progress(progress) => {
                let mut finished = false;
                live.update(|d| {
                    if let Some(d) = d {
                        finished = apply(d, &progress);
                    }
                });
                if finished {
                    queue_refetch();
                }
            }
        });
        on_cleanup(close);
    });

    let view_state = RwSignal::new(TableView::default());
    let expanded = RwSignal::new(std::collections::HashSet::<i32>::new());
    // What is shown: the live copy once events flow, the loaded detail until
    // then (so the server renders the job, and hydration starts from it).
    let current = Signal::derive(move || live.get().or_else(|| detail.get().and_then(Result::ok)));
    let job = Signal::derive(move || current.get().map(|d| d.job));
    let companies = Signal::derive(move || current.get().map(|d| d.companies).unwrap_or_default());
    let rubric = Signal::derive(move || {
        let kind = job.get().map(|j| j.job_type).unwrap_or_default();
        types
            .get()
            .and_then(Result::ok)
            .and_then(|all| all.into_iter().find(|t| t.id == kind))
    });
    let export_href = Signal::derive(move || {
        let v = view_state.get();
        let mut query = Vec::new();
        for (key, value) in [("tier", v.tier), ("status", v.status), ("q", v.query)] {
            if !value.is_empty() {
                query.push(format!(
                    "{key}={}",
                    value.replace('&', "%26").replace(' ', "%20")
                ));
            }
        }
        let id = id.get().unwrap_or_default();
        if query.is_empty() {
            format!("/api/jobs/{id}/export")
        } else {
            format!("/api/jobs/{id}/export?{}", query.join("&"))
        }
    });

    view! {
        <p class="mb-4 text-sm"><a href="/" class="text-emerald-700 hover:underline">"← All jobs"</a></p>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading the job…"</p> }>
            {move || detail.get().map(|result| match result {
                Err(error) => view! { <p role="alert" class="rounded-md bg-red-50 p-4 text-sm text-red-800">{error.to_string()}</p> }.into_any(),
                Ok(_) => view! {
                    <div class="space-y-6">
                        <JobHeader
                            job
                            type_label=Signal::derive(move || rubric.get().map(|r| r.label).unwrap_or_default())
                            export_href
                            on_changed=Callback::new(move |_| refresh.update(|n| *n += 1))
                        />
                        <CompanyTable
                            companies
                            view_state
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
