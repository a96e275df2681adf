//! Schedules: lists run again every N days, with their next and last runs,
//! why a due run did not start, and a way to stop one.

use leptos::prelude::*;

use crate::{
    components::{
        confirm::ConfirmButton,
        format::{usd, utc_minute},
        page_header::PageHeader,
    },
    domain::schedule::{ScheduleView, every},
    server_fns::schedules::{delete_schedule, list_schedules},
};

#[component]
fn ScheduleRow(schedule: ScheduleView, on_stop: Callback<i32>) -> impl IntoView {
    let id = schedule.id;
    let question = format!(
        "Stop running {} {}?",
        schedule.job_name,
        every(schedule.every_days)
    );
    view! {
        <tr class="border-t border-slate-100 align-top" data-testid="schedule-row">
            <td class="px-3 py-2">
                <a class="font-medium text-emerald-800 hover:underline" href=format!("/jobs/{}", schedule.job_id)>{schedule.job_name.clone()}</a>
                <div class="text-xs text-slate-500">{format!("set up by {}", schedule.created_by)}</div>
            </td>
            <td class="px-3 py-2 whitespace-nowrap">{every(schedule.every_days)}</td>
            <td class="px-3 py-2 whitespace-nowrap" data-testid="next-run">{utc_minute(&schedule.next_run_at)}</td>
            <td class="px-3 py-2">
                {match (schedule.last_run_at, schedule.last_job_id) {
                    (None, _) => view! { <span class="text-slate-500">"not yet"</span> }.into_any(),
                    (Some(at), job) => view! {
                        <span class="whitespace-nowrap">{utc_minute(&at)}</span>
                        {job.map(|j| view! { " " <a class="underline" href=format!("/jobs/{j}")>{format!("job #{j}")}</a> })}
                    }.into_any(),
                }}
                <div class="text-xs text-slate-500">{format!("{} run{} so far", schedule.runs, if schedule.runs == 1 { "" } else { "s" })}</div>
                {schedule.last_error.clone().map(|e| view! { <p role="alert" class="mt-1 text-xs text-red-700">{format!("The last due run did not start: {e}")}</p> })}
            </td>
            <td class="px-3 py-2 whitespace-nowrap">{schedule.budget_usd.map_or_else(|| "twice the estimate".to_string(), usd)}</td>
            <td class="px-3 py-2">
                {schedule.can_stop.then(|| view! {
                    <ConfirmButton label="Stop" question=question.clone() on_confirm=Callback::new(move |()| on_stop.run(id)) />
                })}
            </td>
        </tr>
    }
}

#[component]
pub fn SchedulesPage() -> impl IntoView {
    let stop = Action::new(|id: &i32| delete_schedule(*id));
    let schedules = Resource::new(move || stop.version().get(), |_| list_schedules());
    let on_stop = Callback::new(move |id| {
        stop.dispatch(id);
    });
    view! {
        <PageHeader
            title="Schedules"
            subtitle="Lists run again every N days, each run a new job that says what changed since the last. To add one, open a finished job and choose “Repeat on a schedule”."
        />
        {move || stop.value().get().and_then(Result::err).map(|e| view! { <p role="alert" class="mb-4 rounded-md bg-red-50 p-3 text-sm text-red-800">{e.to_string()}</p> })}
        <section aria-label="Schedules" class="rounded-lg border border-slate-200 bg-white shadow-sm">
            <Transition fallback=|| view! { <p class="p-4 text-sm text-slate-500">"Loading schedules…"</p> }>
                {move || schedules.get().map(|result| match result {
                    Err(e) => view! { <p role="alert" class="p-4 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="p-4 text-sm text-slate-500" data-testid="no-schedules">"No schedule yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="overflow-x-auto">
                            <table class="min-w-full text-sm">
                                <thead class="bg-slate-50 text-xs text-slate-600">
                                    <tr>
                                        <th scope="col" class="px-3 py-2 text-left">"List"</th>
                                        <th scope="col" class="px-3 py-2 text-left">"Runs"</th>
                                        <th scope="col" class="px-3 py-2 text-left">"Next run"</th>
                                        <th scope="col" class="px-3 py-2 text-left">"Last run"</th>
                                        <th scope="col" class="px-3 py-2 text-left">"Budget per run"</th>
                                        <th scope="col" class="px-3 py-2 text-left"><span class="sr-only">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|schedule| view! { <ScheduleRow schedule on_stop /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
