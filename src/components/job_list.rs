//! The list of research jobs, with filters and paging; refreshed every few seconds.

use leptos::prelude::*;

use super::{
    badges::{ProgressBar, StatusBadge},
    browser::local_time,
    format::utc_minute,
};
use crate::{
    domain::views::{JobView, TargetTypeView},
    server_fns::jobs::list_jobs,
};

const PAGE: u64 = 10;

#[component]
pub fn JobList(target_types: Vec<TargetTypeView>) -> impl IntoView {
    let submitter = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let page = RwSignal::new(0u64);
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || tick.update(|t| *t += 1),
            std::time::Duration::from_secs(3),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    let jobs = Resource::new(
        move || (submitter.get(), kind.get(), page.get(), tick.get()),
        |(who, kind, page, _)| list_jobs(page * PAGE, PAGE, Some(who), Some(kind)),
    );
    // The submitters offered: everyone who has submitted a job (kept while
    // a new page of jobs loads, so the choice does not flicker away).
    let submitters = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        if let Some(Ok(list)) = jobs.get() {
            submitters.set(list.submitters);
        }
    });
    let known_submitters = move || submitters.get();
    let labels = target_types.clone();
    let label_of = move |id: &str| {
        labels
            .iter()
            .find(|t| t.id == id)
            .map_or(id.to_string(), |t| t.label.clone())
    };

    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-label="Research jobs">
            <div class="flex flex-wrap items-end justify-between gap-3">
                <h2 class="font-semibold text-slate-800">"Research jobs"</h2>
                <div class="flex flex-wrap gap-2 text-sm">
                    <select
                        aria-label="Filter by submitter"
                        class="rounded-md border border-slate-300 px-2 py-1"
                        prop:value=move || submitter.get()
                        on:change=move |ev| {
                            page.set(0);
                            submitter.set(event_target_value(&ev));
                        }
                    >
                        <option value="">"Everyone"</option>
                        {move || known_submitters().into_iter().map(|who| {
                            view! { <option value=who.clone()>{who.clone()}</option> }
                        }).collect_view()}
                    </select>
                    <select
                        aria-label="Filter by target type"
                        class="rounded-md border border-slate-300 px-2 py-1"
                        on:change=move |ev| {
                            page.set(0);
                            kind.set(event_target_value(&ev));
                        }
                    >
                        <option value="">"All types"</option>
                        {target_types.iter().map(|t| view! { <option value=t.id.clone()>{t.label.clone()}</option> }).collect_view()}
                    </select>
                </div>
            </div>
            <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading jobs…"</p> }>
                {move || {
                    let label_of = label_of.clone();
                    jobs.get().map(move |result| match result {
                        Err(error) => view! { <p role="alert" class="mt-4 text-sm text-red-700">{error.to_string()}</p> }.into_any(),
                        Ok(list) if list.jobs.is_empty() => view! {
                            <p class="mt-4 text-sm text-slate-500">"No jobs yet. Upload a CSV or look up one company to start."</p>
                        }.into_any(),
                        Ok(list) => {
                            let total = list.total;
                            view! {
                                <ul class="mt-4 divide-y divide-slate-100">
                                    {list.jobs.into_iter().map(|job| {
                                        let kind = label_of(&job.job_type);
                                        view! { <JobRow job kind /> }
                                    }).collect_view()}
                                </ul>
                                <div class="mt-3 flex items-center justify-between text-sm text-slate-600">
                                    <span>{format!("{total} job{}", if total == 1 { "" } else { "s" })}</span>
                                    <div class="flex gap-2">
                                        <button type="button" class="rounded px-2 py-1 ring-1 ring-slate-300 disabled:opacity-40"
                                            disabled=move || page.get() == 0
                                            on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                                        <button type="button" class="rounded px-2 py-1 ring-1 ring-slate-300 disabled:opacity-40"
                                            disabled=move || { (page.get() + 1) * PAGE >= total }
                                            on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
                                    </div>
                                </div>
                            }.into_any()
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn JobRow(job: JobView, kind: String) -> impl IntoView {
    let percent = job.progress_percent;
    let created = job.created_at;
    let (created_text, set_created_text) = signal(utc_minute(&created));
    Effect::new(move |_| set_created_text.set(local_time(&created)));
    view! {
        <li class="py-3">
            <a href=format!("/jobs/{}", job.id) class="block rounded-md p-1 hover:bg-slate-50">
                <div class="flex items-center justify-between gap-2">
                    <span class="truncate font-medium text-slate-800">{job.name.clone()}</span>
                    <StatusBadge status=job.status />
                </div>
                <div class="mt-1 flex flex-wrap gap-x-3 text-xs text-slate-500">
                    <span>{kind}</span>
                    <span>{format!("by {}", job.submitted_by)}</span>
                    <span>{move || created_text.get()}</span>
                </div>
                <div class="mt-2 flex items-center gap-3">
                    <ProgressBar percent=Signal::derive(move || percent) />
                    <span class="whitespace-nowrap text-xs text-slate-600">
                        {format!("{} / {} done", job.completed_companies, job.total_companies)}
                        {(job.failed_companies > 0).then(|| view! { <span class="text-red-700">{format!(" · {} failed", job.failed_companies)}</span> })}
                    </span>
                </div>
            </a>
        </li>
    }
}
