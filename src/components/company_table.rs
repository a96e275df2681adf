//! The ranked results: search, tier and status filters, sort on every column,
//! rows that expand to their details.

use std::collections::HashSet;

use leptos::prelude::*;

use super::{
    badges::{CacheBadge, PriorityBadge},
    company_details::CompanyDetails,
    format::funding,
};
use crate::domain::{
    table::{SortKey, TableView, rows, tier_counts},
    views::CompanyView,
};

const TIERS: [&str; 4] = ["HOT", "WARM", "WATCH", "COLD"];

#[component]
pub fn CompanyTable(
    companies: Signal<Vec<CompanyView>>,
    view_state: RwSignal<TableView>,
    tier_labels: Signal<Vec<(String, String)>>,
    criteria: Signal<Vec<(String, u32)>>,
    /// Ids of the open rows; owned by the page so they stay open when the
    /// table is rebuilt after a refetch.
    expanded: RwSignal<HashSet<i32>>,
) -> impl IntoView {
    let label_of = move |tier: &str| {
        tier_labels
            .get()
            .into_iter()
            .find(|(t, _)| t == tier)
            .map_or(tier.to_string(), |(_, l)| l)
    };
    let visible = Memo::new(move |_| rows(&companies.get(), &view_state.get()));
    let counts = Memo::new(move |_| tier_counts(&companies.get()));

    let header = move |key: SortKey, label: &'static str| {
        view! {
            <th scope="col" class="px-3 py-2 text-left"
                aria-sort=move || { let v = view_state.get(); if v.sort == key { if v.descending { "descending" } else { "ascending" } } else { "none" } }>
                <button type="button" class="font-semibold hover:text-emerald-700"
                    on:click=move |_| view_state.update(|v| {
                        if v.sort == key { v.descending = !v.descending } else { v.sort = key; v.descending = false }
                    })>
                    {label}
                    {move || { let v = view_state.get(); (v.sort == key).then_some(if v.descending { " ▼" } else { " ▲" }) }}
                </button>
            </th>
        }
    };

    view! {
        <section class="rounded-lg border border-slate-200 bg-white shadow-sm" aria-label="Results">
            <div class="grid gap-3 border-b border-slate-200 p-4 md:grid-cols-2">
                <div aria-label="Tier summary">
                    <div class="flex flex-wrap gap-2">
                        <button type="button" class="rounded-full px-3 py-1 text-xs ring-1 ring-slate-300"
                            class:bg-slate-800=move || view_state.get().tier.is_empty()
                            class:text-white=move || view_state.get().tier.is_empty()
                            on:click=move |_| view_state.update(|v| v.tier.clear())>
                            {move || format!("All ({})", companies.get().len())}
                        </button>
                        {TIERS.iter().enumerate().map(|(i, tier)| view! {
                            <button type="button" class="rounded-full px-3 py-1 text-xs ring-1 ring-slate-300"
                                class:bg-slate-800=move || view_state.get().tier == *tier
                                class:text-white=move || view_state.get().tier == *tier
                                on:click=move |_| view_state.update(|v| v.tier = tier.to_string())>
                                {move || format!("{} ({})", label_of(tier), counts.get()[i])}
                            </button>
                        }).collect_view()}
                    </div>
                    <div class="mt-3 flex h-3 overflow-hidden rounded" aria-hidden="true">
                        {TIERS.iter().enumerate().map(|(i, tier)| {
                            let colour = ["bg-red-500", "bg-amber-400", "bg-blue-400", "bg-slate-400"][i];
                            view! { <div class=colour title=*tier style=move || {
                                let total: usize = counts.get().iter().sum();
                                format!("width: {}%", (counts.get()[i] * 100).checked_div(total).unwrap_or(0))
                            }></div> }
                        }).collect_view()}
                    </div>
                </div>
                <div class="flex flex-wrap items-start justify-end gap-2 text-sm">
                    <input type="search" placeholder="Search companies" aria-label="Search companies"
                        class="rounded-md border border-slate-300 px-2 py-1"
                        prop:value=move || view_state.get().query
                        on:input=move |ev| view_state.update(|v| v.query = event_target_value(&ev)) />
                    <select aria-label="Filter by status" class="rounded-md border border-slate-300 px-2 py-1"
                        on:change=move |ev| view_state.update(|v| v.status = event_target_value(&ev))>
                        <option value="">"All statuses"</option>
                        {["completed", "failed", "researching", "pending", "cancelled"].map(|s| view! { <option value=s>{s}</option> }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="overflow-x-auto">
                <table class="min-w-full text-sm">
                    <thead class="bg-slate-50 text-slate-700">
                        <tr>
                            {header(SortKey::Rank, "#")}
                            {header(SortKey::Name, "Company")}
                            {header(SortKey::Priority, "Priority")}
                            {header(SortKey::UseCase, "Use case")}
                            {header(SortKey::Funding, "Funding")}
                            {header(SortKey::Score, "Score")}
                            {header(SortKey::Cache, "Research")}
                            {header(SortKey::Confidence, "Verified")}
                            {header(SortKey::Status, "Status")}
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || visible.get() key=|(rank, c)| (*rank, c.id, c.status.clone(), c.stage.clone(), c.score_total) let((rank, c))>
                            {
                                let id = c.id;
                                let open = move || expanded.get().contains(&id);
                                let details = c.clone();
                                let tier_label = c.priority_tier.as_deref().map(label_of).unwrap_or_else(|| match c.status.as_str() {
                                    "failed" => "Failed".into(),
                                    "cancelled" => "Cancelled".into(),
                                    "researching" => "Researching…".into(),
                                    _ => "Pending".into(),
                                });
                                let score = c.score_total;
                                view! {
                                    <tr class="cursor-pointer border-t border-slate-100 hover:bg-slate-50" data-company=c.name.clone()
                                        aria-expanded=move || open().to_string()
                                        on:click=move |_| expanded.update(|set| { if !set.remove(&id) { set.insert(id); } })>
                                        <td class="px-3 py-2 text-slate-500">{rank}</td>
                                        <td class="px-3 py-2">
                                            <div class="font-medium text-slate-900">{c.name.clone()}</div>
                                            <div class="text-xs text-slate-500">{c.industry.clone()}</div>
                                        </td>
                                        <td class="px-3 py-2"><PriorityBadge tier=c.priority_tier.clone() label=tier_label /></td>
                                        <td class="px-3 py-2">{c.gpu_use_case_tier.clone().map(|t| format!("Tier {t}")).unwrap_or_else(|| "–".into())}</td>
                                        <td class="px-3 py-2">{funding(c.funding_millions, c.total_funding.as_deref())}</td>
                                        <td class="px-3 py-2">
                                            <div class="flex items-center gap-2">
                                                <div class="h-1.5 w-16 rounded bg-slate-200"><div class="h-full rounded bg-emerald-500" style=format!("width: {}%", score.unwrap_or(0).clamp(0, 100))></div></div>
                                                <span class="font-mono" data-testid="score">{score.map(|s| s.to_string()).unwrap_or_else(|| "–".into())}</span>
                                            </div>
                                        </td>
                                        <td class="px-3 py-2">{(c.status == "completed").then(|| view! { <CacheBadge hit=c.cache_hit /> })}</td>
                                        <td class="px-3 py-2">{c.validation_confidence.map(|v| format!("{:.0}%", v * 100.0)).unwrap_or_else(|| "–".into())}</td>
                                        <td class="px-3 py-2 text-xs text-slate-600" data-testid="status">{format!("{} · {}", c.status, c.stage)}</td>
                                    </tr>
                                    <Show when=open>
                                        <tr class="bg-slate-50"><td colspan="9"><CompanyDetails company=details.clone() criteria=criteria.get_untracked() /></td></tr>
                                    </Show>
                                }
                            }
                        </For>
                    </tbody>
                </table>
                <Show when=move || visible.get().is_empty()>
                    <p class="p-6 text-center text-sm text-slate-500">"No companies match these filters."</p>
                </Show>
            </div>
        </section>
    }
}
