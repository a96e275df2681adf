use leptos::prelude::*;

use crate::components::page_header::PageHeader;

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <PageHeader
            title="Dashboard"
            subtitle="Upload a CSV of prospect companies, watch them get researched live, and leave with a ranked list."
        />
        <section class="grid gap-6 md:grid-cols-3">
            <div class="rounded-lg border border-dashed border-slate-300 bg-white p-6 md:col-span-1">
                <h2 class="font-medium text-slate-800">"New research job"</h2>
                <p class="mt-2 text-sm text-slate-600">
                    "CSV upload and single-company lookup arrive with the research engine."
                </p>
            </div>
            <div class="rounded-lg border border-slate-200 bg-white p-6 md:col-span-2">
                <h2 class="font-medium text-slate-800">"Research jobs"</h2>
                <p class="mt-2 text-sm text-slate-600">"No jobs yet."</p>
            </div>
        </section>
    }
}
