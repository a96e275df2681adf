//! The job's header: status, progress and ETA, counts, cost, cache savings, actions.

use leptos::prelude::*;

use super::{
    badges::{ProgressBar, StatusBadge},
    browser::{ask_for_notifications, notifications_allowed, now},
    confirm::ConfirmButton,
    current_user::use_current_user,
    format::{duration, usd},
    job_budget::{budget_line, raise_budget_view},
    rescore_form::RescoreButton,
    retry_button::RetryButton,
    run_again::RunAgainButton,
    schedule_form::ScheduleButton,
};
use crate::{
    domain::{job::JobStatus, views::JobView},
    server_fns::jobs::{cancel_job, delete_job, retry_job},
};

/// The "How scoring works" page of the version the job scores with.
fn rubric_href(job: &JobView) -> String {
    match job.rubric_version {
        Some(v) => format!("/rubrics/{}?version={v}", job.job_type),
        None => format!("/rubrics/{}", job.job_type),
    }
}

/// Seconds left at the rate seen so far, while running.
fn eta_seconds(job: &JobView) -> Option<f64> {
    let started = job.started_at?;
    let done = job.completed_companies
        + job.failed_companies
        + job.cancelled_companies
        + job.skipped_companies;
    if job.status != JobStatus::Running || done == 0 {
        return None;
    }
    let elapsed = (now() - started).num_milliseconds() as f64 / 1000.0;
    Some(elapsed / f64::from(done) * f64::from(job.pending_companies))
}

#[component]
pub fn JobHeader(
    job: Signal<Option<JobView>>,
    type_label: Signal<String>,
    export_href: Signal<String>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let cancel = Action::new(|id: &i32| cancel_job(*id));
    let retry = Action::new(|(id, refresh): &(i32, bool)| retry_job(*id, *refresh));
    let delete = Action::new(|id: &i32| delete_job(*id));
    Effect::new(move |_| {
        if cancel.value().get().is_some_and(|r| r.is_ok())
            || retry.value().get().is_some_and(|r| r.is_ok())
        {
            on_changed.run(());
        }
    });
    Effect::new(move |_| {
        if delete.value().get().is_some_and(|r| r.is_ok()) {
            navigate("/", Default::default());
        }
    });
    let error = move || {
        [cancel.value().get().and_then(Result::err), retry.value().get().and_then(Result::err), delete.value().get().and_then(Result::err)]
            .into_iter()
            .flatten()
            .next()
            .map(|e| view! { <p role="alert" class="mt-3 rounded-md bg-red-50 p-3 text-sm text-red-800">{e.to_string()}</p> })
    };
    let field =
        move |f: fn(&JobView) -> String| move || job.get().map(|j| f(&j)).unwrap_or_default();
    let running = move || job.get().is_some_and(|j| !j.status.is_finished());
    let paused = move || job.get().is_some_and(|j| j.status == JobStatus::Paused);
    let id = move || job.get().map_or(0, |j| j.id);
    // Cancel, retry and delete are for the job's owner and admins.
    let me = use_current_user();
    let may_manage = move || {
        me.get()
            .is_some_and(|u| job.get().is_some_and(|j| u.may_manage_job(j.owner_id)))
    };
    // The browser tells the person when the job ends, once they allow it.
    let allowed = RwSignal::new(true);
    Effect::new(move |_| allowed.set(notifications_allowed()));
    let button = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40";

    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-label="Job">
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div>
                    <h1 class="text-xl font-semibold text-slate-900">{field(|j| j.name.clone())}</h1>
                    <p class="mt-1 text-sm text-slate-600">
                        {move || type_label.get()} " · by " {field(|j| j.submitted_by.clone())}
                        {move || job.get().and_then(|j| j.original_filename).map(|f| format!(" · {f}"))}
                        " · "
                        <a class="text-emerald-700 underline" data-testid="rubric-version" href=move || job.get().map(|j| rubric_href(&j)).unwrap_or_default()>
                            {move || job.get().and_then(|j| j.rubric_version).map_or_else(|| "How scoring works".to_string(), |v| format!("How scoring works (v{v})"))}
                        </a>
                        {move || job.get().filter(|j| j.backtest).map(|j| view! {
                            " · "
                            <a class="text-emerald-700 underline" data-testid="backtest-link" href=format!("/jobs/{}/backtest", j.id)>"Back-test report"</a>
                        })}
                        {move || job.get().and_then(|j| j.previous_job_id.map(|p| (j.id, p))).map(|(id, p)| view! {
                            " · "
                            <a class="text-emerald-700 underline" data-testid="what-changed" href=format!("/jobs/{id}/changes")>{format!("What changed since job #{p}")}</a>
                        })}
                    </p>
                </div>
                <div data-testid="job-status">{move || job.get().map(|j| view! { <StatusBadge status=j.status /> })}</div>
            </div>
            <div class="mt-4 flex items-center gap-3">
                <ProgressBar percent=Signal::derive(move || job.get().map_or(0.0, |j| j.progress_percent)) />
                <span class="whitespace-nowrap text-sm text-slate-700" data-testid="job-counts">
                    {move || job.get().map(|j| format!(
                        "{} / {} done · {} failed{}{}",
                        j.completed_companies + j.failed_companies + j.cancelled_companies + j.skipped_companies,
                        j.total_companies,
                        j.failed_companies,
                        if j.cancelled_companies > 0 { format!(" · {} cancelled", j.cancelled_companies) } else { String::new() },
                        if j.skipped_companies > 0 { format!(" · {} not companies", j.skipped_companies) } else { String::new() },
                    ))}
                </span>
            </div>
            <dl class="mt-3 flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-600">
                <div><dt class="inline">"Cost so far: "</dt><dd class="inline font-medium">{move || job.get().map(|j| usd(j.total_cost_usd))}</dd></div>
                {move || job.get().as_ref().and_then(budget_line).map(|b| view! { <div><dt class="inline">"Budget: "</dt><dd class="inline" data-testid="job-budget">{b}</dd></div> })}
                <div><dt class="inline">"Credits: "</dt><dd class="inline" data-testid="job-credits">{move || job.get().map(|j| format!("{}", j.total_tavily_credits))}</dd></div>
                <div data-testid="cache-summary"><dt class="inline">"Cache: "</dt><dd class="inline">{move || job.get().map(|j| {
                    let counts = format!("{} hits · {} misses", j.cache_hits, j.cache_misses);
                    if j.cache_hits == 0 { counts } else {
                        format!("{counts} · saved {} and {}", usd(j.usd_saved), duration(j.seconds_saved))
                    }
                })}</dd></div>
                {move || job.get().filter(|j| j.scoring_only || j.score_hits > 0).map(|j| view! {
                    <div data-testid="score-cache"><dt class="inline">"Scoring: "</dt><dd class="inline">{format!(
                        "{}{} reused from the score cache",
                        if j.scoring_only { "from stored evidence, no searches · " } else { "" },
                        j.score_hits
                    )}</dd></div>
                })}
                {move || job.get().as_ref().and_then(eta_seconds).map(|s| view! { <div><dt class="inline">"About "</dt><dd class="inline">{format!("{} left", duration(s))}</dd></div> })}
            </dl>
            {move || job.get().and_then(|j| j.error_message).map(|m| {
                let colour = if paused() { "bg-orange-50 text-orange-900" } else { "bg-red-50 text-red-800" };
                view! { <p role="alert" data-testid="job-message" class=format!("mt-3 rounded-md p-3 text-sm {colour}")>{m}</p> }
            })}
            <Show when=move || may_manage() && job.get().is_some_and(|j| j.waits_for_budget())>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(raise_budget_view(id(), on_changed))}
                </Suspense>
            </Show>
            {move || job.get().filter(|j| j.stalled).map(|_| view! { <p class="mt-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900">"No progress for over 5 minutes. The job resumes by itself if its server restarted; otherwise cancel and retry it."</p> })}
            <div class="mt-4 flex flex-wrap gap-2">
                <Show when=move || running() && may_manage()>
                    <button type="button" class=button on:click=move |_| { cancel.dispatch(id()); }>"Cancel"</button>
                </Show>
                <Show when=move || running() && !allowed.get()>
                    <button type="button" class=button data-testid="notify-me"
                        on:click=move |_| ask_for_notifications(move |granted| allowed.set(granted))>"Notify me when it ends"</button>
                </Show>
                <Show when=move || paused() && may_manage() && !job.get().is_some_and(|j| j.waits_for_budget())>
                    <RetryButton label="Resume now" job_id=Signal::derive(id) refresh=false
                        on_confirm=Callback::new(move |refresh| { retry.dispatch((id(), refresh)); }) />
                </Show>
                <Show when=move || !running() && may_manage()>
                    <RetryButton label="Retry failed" job_id=Signal::derive(id) refresh=false
                        disabled=Signal::derive(move || job.get().is_none_or(|j| j.failed_companies + j.cancelled_companies + j.pending_companies == 0))
                        on_confirm=Callback::new(move |refresh| { retry.dispatch((id(), refresh)); }) />
                    <RetryButton label="Re-run with fresh research" job_id=Signal::derive(id) refresh=true
                        on_confirm=Callback::new(move |refresh| { retry.dispatch((id(), refresh)); }) />
                </Show>
                // Anyone signed in may run a finished list again, as a job of their own.
                <Show when=move || !running() && me.get().is_some()>
                    <RunAgainButton job_id=Signal::derive(id) />
                    <ScheduleButton job_id=Signal::derive(id) />
                    <RescoreButton job_id=Signal::derive(id) rubric_id=Signal::derive(move || job.get().map(|j| j.job_type).unwrap_or_default()) />
                </Show>
                <a class=button href=move || export_href.get() download>"Export CSV"</a>
                <Show when=move || !running() && may_manage()>
                    <ConfirmButton
                        label="Delete"
                        question="Delete this job and its results?".to_string()
                        on_confirm=Callback::new(move |()| { delete.dispatch(id()); })
                    />
                </Show>
            </div>
            {error}
        </section>
    }
}
