use leptos::prelude::*;

use crate::{
    components::{
        job_list::JobList, month_spend::MonthSpend, new_job::NewJob, page_header::PageHeader,
    },
    server_fns::jobs::target_types,
};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let types = Resource::new(|| (), |_| target_types());
    view! {
        <PageHeader
            title="Dashboard"
            subtitle="Upload a CSV of prospect companies, watch them get researched live, and leave with a ranked list."
        />
        <MonthSpend />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || types.get().map(|result| match result {
                Ok(types) => view! {
                    <div class="grid gap-6 lg:grid-cols-3">
                        <div class="lg:col-span-1"><NewJob target_types=types.clone() /></div>
                        <div class="lg:col-span-2"><JobList target_types=types /></div>
                    </div>
                }.into_any(),
                Err(error) => view! { <p role="alert" class="text-sm text-red-700">{error.to_string()}</p> }.into_any(),
            })}
        </Suspense>
        <crate::components::hydration_marker::HydrationMarker />
    }
}
