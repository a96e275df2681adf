//! "Re-score" on a finished job: pick a rubric version, read the price
//! (scoring calls only, no searches; scores the score cache holds are
//! free), then a new job linked to this one, whose page compares the two.

use leptos::prelude::*;

use super::format::usd;
use crate::server_fns::studio::{get_rescore_plan, rescore_job, rubric_choices};

const BUTTON: &str = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40";

#[component]
pub fn RescoreButton(job_id: Signal<i32>, rubric_id: Signal<String>) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! { <button type="button" class=BUTTON data-testid="rescore" on:click=move |_| open.set(true)>"Re-score"</button> }
        >
            <Suspense fallback=|| view! { <span class="text-sm text-slate-500">"Loading the rubrics…"</span> }>
                {move || Suspend::new(rescore_view(job_id.get_untracked(), rubric_id.get_untracked(), Callback::new(move |()| open.set(false))))}
            </Suspense>
        </Show>
    }
}

/// The version picker and its price, a chunk of its own.
#[lazy]
fn rescore_view(job_id: i32, rubric_id: String, close: Callback<()>) -> AnyView {
    let choices = Resource::new(|| (), |_| rubric_choices());
    let chosen = RwSignal::new(None::<i32>);
    let plan = Resource::new(
        move || chosen.get(),
        move |version| async move {
            match version {
                Some(v) => Some(get_rescore_plan(job_id, v).await),
                None => None,
            }
        },
    );
    let start = Action::new(move |version: &i32| rescore_job(job_id, *version, None));
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(job)) = start.value().get() {
            navigate(&format!("/jobs/{}", job.id), Default::default());
        }
    });
    // The job's own rubric, latest version, is the first choice.
    Effect::new(move |_| {
        if chosen.get_untracked().is_none()
            && let Some(Ok(list)) = choices.get()
        {
            let first = list
                .iter()
                .find(|c| c.latest && c.rubric_id == rubric_id)
                .or(list.first());
            chosen.set(first.map(|c| c.version_id));
        }
    });
    view! {
        <span role="group" aria-label="Re-score" class="inline-flex flex-wrap items-center gap-2 rounded-md bg-sky-50 px-2 py-1 text-sm text-sky-900" data-testid="rescore-plan">
            <label class="inline-flex items-center gap-1">"Rubric "
                <select class="rounded border border-slate-300 px-1 py-0.5" data-testid="rescore-version"
                    on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                    {move || choices.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|c| {
                        let id = c.version_id;
                        view! { <option value=id.to_string() selected=move || chosen.get() == Some(id)>{c.label}</option> }
                    }).collect_view()}
                </select>
            </label>
            {move || match plan.get().flatten() {
                None => view! { <span>"Pricing…"</span> }.into_any(),
                Some(Err(e)) => view! { <span role="alert">{e.to_string()}</span> }.into_any(),
                Some(Ok(p)) => {
                    let version = p.version_id;
                    view! {
                        <span data-testid="rescore-summary">{p.summary()}</span>
                        <button type="button" class="rounded bg-emerald-600 px-2 py-1 text-white disabled:opacity-40"
                            disabled=move || start.pending().get()
                            on:click=move |_| { start.dispatch(version); }>{format!("Re-score for about {}", usd(p.usd))}</button>
                    }.into_any()
                }
            }}
            {move || start.value().get().and_then(Result::err).map(|e| view! { <span role="alert">{e.to_string()}</span> })}
            <button type="button" class="rounded px-2 py-1 ring-1 ring-sky-300" on:click=move |_| close.run(())>"Keep"</button>
        </span>
    }
    .into_any()
}
