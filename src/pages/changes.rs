//! What changed since the last run of a list: new HOT companies, tier moves
//! up and down, companies that dropped out, each with its score change.

use leptos::prelude::*;

use crate::{
    components::page_header::PageHeader,
    domain::changes::{Change, ReasoningChange, RunResult},
    server_fns::jobs::job_changes,
};

fn result(found: &Option<RunResult>) -> String {
    found.as_ref().map_or_else(
        || "not scored".into(),
        |r| format!("{} {}", r.tier.as_str(), r.score),
    )
}

fn moved(change: &Change) -> String {
    match change.score_change() {
        Some(d) if d > 0 => format!("+{d}"),
        Some(d) => format!("{d}"),
        None => String::new(),
    }
}

#[component]
fn ChangeList(title: &'static str, testid: &'static str, changes: Vec<Change>) -> impl IntoView {
    let count = changes.len();
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid=testid>
            <h2 class="font-semibold text-slate-900">{format!("{title} ({count})")}</h2>
            {(count == 0).then(|| view! { <p class="mt-1 text-sm text-slate-500">"None."</p> })}
            <ul class="mt-2 divide-y divide-slate-100 text-sm">
                {changes.into_iter().map(|c| {
                    let delta = moved(&c);
                    let line = format!("{} → {}", result(&c.before), result(&c.after));
                    view! {
                        <li class="flex flex-wrap items-baseline justify-between gap-2 py-1.5" data-company=c.name.clone()>
                            <span class="font-medium text-slate-800">{c.name.clone()}</span>
                            <span class="text-slate-600">{line}" "<span class="font-medium" data-testid="score-change">{delta}</span></span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The companies whose reasoning changed most, before and after.
#[component]
fn ReasoningList(changes: Vec<ReasoningChange>) -> impl IntoView {
    let count = changes.len();
    view! {
        <section class="mt-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="reasoning-changes">
            <h2 class="font-semibold text-slate-900">{format!("Reasoning that changed most ({count})")}</h2>
            {(count == 0).then(|| view! { <p class="mt-1 text-sm text-slate-500">"The reasoning is the same."</p> })}
            <ul class="mt-2 space-y-3 text-sm">
                {changes.into_iter().map(|c| view! {
                    <li data-company=c.name.clone()>
                        <p class="font-medium text-slate-800">{c.name.clone()}<span class="ml-2 text-xs font-normal text-slate-500">{format!("{:.0}% of the wording changed", c.changed * 100.0)}</span></p>
                        <div class="mt-1 grid gap-2 md:grid-cols-2">
                            <p class="rounded bg-slate-50 p-2 text-slate-600"><span class="block text-xs uppercase text-slate-400">"Before"</span>{c.before.clone()}</p>
                            <p class="rounded bg-emerald-50 p-2 text-slate-800"><span class="block text-xs uppercase text-emerald-600">"Now"</span>{c.after.clone()}</p>
                        </div>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
pub fn ChangesPage() -> impl IntoView {
    let id = super::job_id_param();
    let changes = Resource::new(move || id.get(), job_changes);
    view! {
        <PageHeader title="What changed" subtitle="This run of the list (or re-score) against the one before it: companies that became HOT, moved a tier up or down, or dropped out, with their score change, and the reasoning that changed most." />
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Comparing…"</p> }>
            {move || changes.get().map(|found| match found {
                Err(error) => view! { <p role="alert" class="rounded-md bg-red-50 p-4 text-sm text-red-800">{error.to_string()}</p> }.into_any(),
                Ok(c) if c.previous_job_id.is_none() => view! {
                    <p class="rounded-lg border border-slate-200 bg-white p-6 text-sm text-slate-600">"This job runs no earlier list: use \"Run this list again\" on a finished job to compare runs."</p>
                }.into_any(),
                Ok(c) => {
                    let job_id = c.job_id;
                    let previous = c.previous_job_id.unwrap_or_default();
                    view! {
                        {c.versions.clone().filter(|(a, b)| a != b).map(|(before, after)| view! {
                            <p class="mb-2 text-sm font-medium text-slate-800" data-testid="changes-versions">{format!("Scored with {before} before, {after} now.")}</p>
                        })}
                        <p class="mb-4 text-sm text-slate-600" data-testid="changes-summary">
                            <a class="text-emerald-700 hover:underline" href=format!("/jobs/{job_id}")>{format!("Job #{job_id}")}</a>
                            " against "
                            <a class="text-emerald-700 hover:underline" href=format!("/jobs/{previous}")>{format!("job #{previous}")}</a>
                            {format!(": {} new HOT, {} up, {} down, {} dropped out, {} unchanged.", c.new_hot.len(), c.up.len(), c.down.len(), c.dropped.len(), c.unchanged)}
                        </p>
                        <div class="grid gap-4 lg:grid-cols-2">
                            <ChangeList title="New HOT" testid="new-hot" changes=c.new_hot />
                            <ChangeList title="Moved up" testid="moved-up" changes=c.up />
                            <ChangeList title="Moved down" testid="moved-down" changes=c.down />
                            <ChangeList title="Dropped out" testid="dropped" changes=c.dropped />
                            <ChangeList title="Same tier, new score" testid="score-moves" changes=c.score_moves />
                        </div>
                        <ReasoningList changes=c.reasoning />
                    }.into_any()
                }
            })}
        </Transition>
    }
}
