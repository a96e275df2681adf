use leptos::prelude::*;

use crate::components::page_header::PageHeader;

#[component]
pub fn CachePage() -> impl IntoView {
    view! {
        <PageHeader
            title="Research cache"
            subtitle="Verified research, reused across jobs so quarterly re-runs cost little."
        />
        <div class="rounded-lg border border-slate-200 bg-white p-6 text-sm text-slate-600">
            "The cache is empty."
        </div>
    }
}
