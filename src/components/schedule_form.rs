//! "Repeat on a schedule" on a job: the list runs again every N days as a
//! new job linked to the last run, priced as a re-run today (the research
//! cache's TTL decides what is searched again each time).

use leptos::prelude::*;

use super::format::usd;
use crate::server_fns::{jobs::run_again_plan, schedules::CreateSchedule};

const BUTTON: &str =
    "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50";
const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm";

#[component]
pub fn ScheduleButton(job_id: Signal<i32>) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! { <button type="button" class=BUTTON on:click=move |_| open.set(true)>"Repeat on a schedule"</button> }
        >
            <Suspense fallback=|| view! { <span class="text-sm text-slate-500">"Pricing…"</span> }>
                {move || Suspend::new(schedule_view(job_id.get_untracked(), Callback::new(move |()| open.set(false))))}
            </Suspense>
        </Show>
    }
}

/// The priced form, a chunk of its own: fetched when someone asks.
#[lazy]
fn schedule_view(job_id: i32, close: Callback<()>) -> AnyView {
    let plan = Resource::new(move || (), move |_| run_again_plan(job_id));
    let create = ServerAction::<CreateSchedule>::new();
    view! {
        <div role="group" aria-label="Repeat on a schedule" data-testid="schedule-form"
            class="w-full rounded-md bg-sky-50 p-3 text-sm text-sky-950">
            <p>{move || match plan.get() {
                None => "Pricing…".to_string(),
                Some(Err(e)) => e.to_string(),
                Some(Ok(e)) => format!(
                    "Each run researches {} compan{} again as a new job. Today that costs about {} ({} Tavily credits{}); research older than the cache's lifetime is searched again.",
                    e.companies,
                    if e.companies == 1 { "y" } else { "ies" },
                    usd(e.usd),
                    e.credits,
                    if e.to_research < e.companies { format!(", {} from the research cache", e.companies - e.to_research) } else { String::new() },
                ),
            }}</p>
            <ActionForm action=create attr:class="mt-2 flex flex-wrap items-end gap-3">
                <input type="hidden" name="job_id" value=job_id />
                <label class="block">"Every (days)"
                    <input class=INPUT name="every_days" type="number" min="1" max="366" value="90" required />
                </label>
                <label class="block">"First run (blank: one gap from today)"
                    <input class=INPUT name="first_run_at" type="date" />
                </label>
                <label class="block">"Budget per run in USD (optional)"
                    <input class=INPUT name="budget_usd" inputmode="decimal" placeholder="twice the estimate" />
                </label>
                <button type="submit" class="rounded bg-emerald-600 px-3 py-1.5 text-white disabled:opacity-40"
                    disabled=move || create.pending().get()>"Schedule"</button>
                <button type="button" class="rounded px-3 py-1.5 ring-1 ring-sky-300" on:click=move |_| close.run(())>"Close"</button>
            </ActionForm>
            {move || create.value().get().map(|result| match result {
                Ok(s) => view! {
                    <p role="status" class="mt-2 text-emerald-800">
                        {format!("Scheduled {}: the next run starts {}.", crate::domain::schedule::every(s.every_days), super::format::utc_minute(&s.next_run_at))}
                        " " <a class="font-medium underline" href="/schedules">"See all schedules"</a>
                    </p>
                }.into_any(),
                Err(e) => view! { <p role="alert" class="mt-2 text-red-700">{e.to_string()}</p> }.into_any(),
            })}
        </div>
    }
    .into_any()
}
