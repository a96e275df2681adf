//! "Run this list again" on a finished job: priced first (the research cache
//! serves what it still holds), then a new job of the same companies, linked
//! to this one so it can say what changed.

use leptos::prelude::*;

use super::format::usd;
use crate::server_fns::jobs::{run_again, run_again_plan};

const BUTTON: &str = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40";

#[component]
pub fn RunAgainButton(job_id: Signal<i32>) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! { <button type="button" class=BUTTON on:click=move |_| open.set(true)>"Run this list again"</button> }
        >
            <Suspense fallback=|| view! { <span class="text-sm text-slate-500">"Pricing…"</span> }>
                {move || Suspend::new(run_again_view(job_id.get_untracked(), Callback::new(move |()| open.set(false))))}
            </Suspense>
        </Show>
    }
}

/// The priced question, a chunk of its own: fetched when someone asks.
#[lazy]
fn run_again_view(job_id: i32, close: Callback<()>) -> AnyView {
    let plan = Resource::new(move || (), move |_| run_again_plan(job_id));
    let start = Action::new(move |(): &()| run_again(job_id));
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(job)) = start.value().get() {
            navigate(&format!("/jobs/{}", job.id), Default::default());
        }
    });
    view! {
        <span role="group" class="inline-flex flex-wrap items-center gap-2 rounded-md bg-amber-50 px-2 py-1 text-sm text-amber-900" data-testid="run-again-plan">
            {move || match plan.get() {
                None => view! { <span>"Pricing…"</span> }.into_any(),
                Some(Err(e)) => view! { <span role="alert">{e.to_string()}</span> }.into_any(),
                Some(Ok(e)) => view! {
                    <span>{format!(
                        "Run {} compan{} again as a new job: about {} ({} Tavily credits{}).",
                        e.companies,
                        if e.companies == 1 { "y" } else { "ies" },
                        usd(e.usd),
                        e.credits,
                        if e.to_research < e.companies { format!(", {} from the research cache", e.companies - e.to_research) } else { String::new() },
                    )}</span>
                    <button type="button" class="rounded bg-emerald-600 px-2 py-1 text-white disabled:opacity-40"
                        disabled=move || start.pending().get()
                        on:click=move |_| { start.dispatch(()); }>"Run again"</button>
                }.into_any(),
            }}
            {move || start.value().get().and_then(Result::err).map(|e| view! { <span role="alert">{e.to_string()}</span> })}
            <button type="button" class="rounded px-2 py-1 ring-1 ring-amber-300" on:click=move |_| close.run(())>"Keep"</button>
        </span>
    }
    .into_any()
}
