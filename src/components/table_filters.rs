//! The results' filters: a chip per tier with its count, a search box, a
//! status menu. Every change goes back to the first page.

use leptos::prelude::*;

use super::company_table::tier_label;
use crate::domain::{
    job::CompanyStatus,
    rubric::PriorityTier,
    table::{CompanyQuery, TierCounts},
};

const COLOURS: [&str; 4] = ["bg-red-500", "bg-amber-400", "bg-blue-400", "bg-slate-400"];

#[component]
pub fn TableFilters(
    query: RwSignal<CompanyQuery>,
    tiers: Signal<TierCounts>,
    total: Signal<i32>,
    /// Companies of the job waiting for review.
    review: Signal<i32>,
    tier_labels: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let chip = "rounded-full px-3 py-1 text-xs ring-1 ring-slate-300";
    let is_tier = move |tier: Option<PriorityTier>| query.with(|q| q.tier == tier);
    let set = move |change: &dyn Fn(&mut CompanyQuery)| {
        query.update(|q| {
            change(q);
            q.skip = 0;
        })
    };
    view! {
        <div class="grid gap-3 border-b border-slate-200 p-4 md:grid-cols-2">
            <div aria-label="Tier summary">
                <div class="flex flex-wrap gap-2">
                    <button type="button" class=chip
                        class:bg-slate-800=move || is_tier(None) class:text-white=move || is_tier(None)
                        on:click=move |_| set(&|q| q.tier = None)>
                        {move || format!("All ({})", total.get())}
                    </button>
                    {PriorityTier::ALL.into_iter().map(|tier| view! {
                        <button type="button" class=chip data-tier=tier.as_str()
                            class:bg-slate-800=move || is_tier(Some(tier)) class:text-white=move || is_tier(Some(tier))
                            on:click=move |_| set(&|q| q.tier = Some(tier))>
                            {move || format!("{} ({})", tier_label(&tier_labels.get(), tier), tiers.get().get(tier))}
                        </button>
                    }).collect_view()}
                </div>
                <div class="mt-3 flex h-3 overflow-hidden rounded" aria-hidden="true">
                    {PriorityTier::ALL.into_iter().enumerate().map(|(i, tier)| view! {
                        <div title=tier.as_str() class=COLOURS[i]
                            style=move || format!("width: {}%", tiers.get().percent(tier))></div>
                    }).collect_view()}
                </div>
            </div>
            <div class="flex flex-wrap items-start justify-end gap-2 text-sm">
                <button type="button" data-testid="needs-review"
                    class="rounded-full px-3 py-1 text-xs ring-1 ring-amber-400 text-amber-900"
                    class:bg-amber-100=move || query.with(|q| q.review)
                    aria-pressed=move || query.with(|q| q.review).to_string()
                    on:click=move |_| set(&|q| q.review = !q.review)>
                    {move || format!("Needs review ({})", review.get())}
                </button>
                <input type="search" placeholder="Search companies" aria-label="Search companies"
                    class="rounded-md border border-slate-300 px-2 py-1"
                    prop:value=move || query.with(|q| q.q.clone().unwrap_or_default())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        set(&|q| q.q = Some(text.clone()).filter(|t| !t.is_empty()))
                    } />
                <select aria-label="Filter by status" class="rounded-md border border-slate-300 px-2 py-1"
                    on:change=move |ev| {
                        let status = CompanyStatus::parse(&event_target_value(&ev));
                        set(&|q| q.status = status)
                    }>
                    <option value="">"All statuses"</option>
                    {CompanyStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=move || query.with(|q| q.status == Some(*s))>{s.as_str()}</option>
                    }).collect_view()}
                </select>
            </div>
        </div>
    }
    .into_any()
}
