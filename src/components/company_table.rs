//! The ranked results: one page of rows from the server, sortable on every
//! column; a row opens to its details, loaded when it opens.

use std::collections::HashSet;

use leptos::prelude::*;

use super::{
    badges::{CacheBadge, PriorityBadge, UseCaseBadge},
    company_details::details_view,
    format::funding,
    pager::Pager,
    table_filters::TableFilters,
};
use crate::domain::{
    job::CompanyStatus,
    rubric::PriorityTier,
    table::{CompanyPage, CompanyQuery, CompanyRow, Order, SortKey, TierCounts},
    views::CriterionView,
};

/// The tier's label in the job's rubric.
pub fn tier_label(labels: &[(String, String)], tier: PriorityTier) -> String {
    labels
        .iter()
        .find(|(t, _)| t == tier.as_str())
        .map_or_else(|| tier.as_str().to_string(), |(_, l)| l.clone())
}

/// What the priority column says of a row without a tier.
fn unscored_label(status: CompanyStatus) -> &'static str {
    match status {
        CompanyStatus::Failed => "Failed",
        CompanyStatus::Cancelled => "Cancelled",
        CompanyStatus::Skipped => "Not a company",
        CompanyStatus::Researching => "Researching…",
        CompanyStatus::Pending | CompanyStatus::Completed => "Pending",
    }
}

#[component]
fn SortHeader(query: RwSignal<CompanyQuery>, key: SortKey, label: &'static str) -> impl IntoView {
    let sorted = move || query.with(|q| (q.sort == key).then_some(q.order));
    view! {
        <th scope="col" class="px-3 py-2 text-left"
            aria-sort=move || match sorted() { Some(Order::Asc) => "ascending", Some(Order::Desc) => "descending", None => "none" }>
            <button type="button" class="font-semibold hover:text-emerald-700"
                on:click=move |_| query.update(|q| {
                    if q.sort == key {
                        q.order = if q.order == Order::Asc { Order::Desc } else { Order::Asc };
                    } else {
                        q.sort = key;
                        q.order = Order::Asc;
                    }
                    q.skip = 0;
                })>
                {label}
                {move || sorted().map(|o| if o == Order::Desc { " ▼" } else { " ▲" })}
            </button>
        </th>
    }
}

#[component]
fn Row(
    row: CompanyRow,
    job_id: i32,
    expanded: RwSignal<HashSet<i32>>,
    tier_labels: Signal<Vec<(String, String)>>,
    criteria: Signal<Vec<CriterionView>>,
) -> impl IntoView {
    let id = row.id;
    let open = move || expanded.with(|set| set.contains(&id));
    let label = match row.priority_tier {
        Some(tier) => tier_label(&tier_labels.get_untracked(), tier),
        None => unscored_label(row.status).to_string(),
    };
    let score = row.score_total;
    let status = row.status;
    view! {
        <tr class="cursor-pointer border-t border-slate-100 hover:bg-slate-50" data-company=row.name.clone()
            aria-expanded=move || open().to_string()
            on:click=move |_| expanded.update(|set| { if !set.remove(&id) { set.insert(id); } })>
            <td class="px-3 py-2 text-slate-500" data-testid="rank">{row.rank}</td>
            <td class="px-3 py-2">
                <div class="font-medium text-slate-900">{row.name.clone()}</div>
                <div class="text-xs text-slate-500">{row.industry.clone()}</div>
                {row.review.map(|reason| view! {
                    <span class="mt-0.5 inline-block rounded bg-amber-100 px-1.5 text-xs text-amber-900" data-review=reason.as_str()>
                        "Needs review: " {reason.label()}
                    </span>
                })}
            </td>
            <td class="px-3 py-2">
                <PriorityBadge tier=row.priority_tier label />
                {row.model_tier.map(|model| view! {
                    <div class="mt-0.5 text-xs text-slate-500" data-testid="override">
                        <span class="rounded bg-violet-100 px-1 font-semibold text-violet-800">"override"</span>
                        " model: " {tier_label(&tier_labels.get_untracked(), model)}
                    </div>
                })}
            </td>
            <td class="px-3 py-2"><UseCaseBadge tier=row.use_case_tier.clone() /></td>
            <td class="px-3 py-2">{funding(row.funding_millions, row.total_funding.as_deref())}</td>
            <td class="px-3 py-2">
                <div class="flex items-center gap-2">
                    <div class="h-1.5 w-16 rounded bg-slate-200"><div class="h-full rounded bg-emerald-500" style=format!("width: {}%", score.unwrap_or(0).clamp(0, 100))></div></div>
                    <span class="font-mono" data-testid="score">{score.map(|s| s.to_string()).unwrap_or_else(|| "–".into())}</span>
                </div>
            </td>
            <td class="px-3 py-2">{(status == CompanyStatus::Completed).then(|| view! { <CacheBadge hit=row.cache_hit /> })}</td>
            <td class="px-3 py-2">{row.validation_confidence.map(|v| format!("{:.0}%", v * 100.0)).unwrap_or_else(|| "–".into())}</td>
            <td class="px-3 py-2 text-xs text-slate-600" data-testid="status">{format!("{} · {}", row.status, row.stage)}</td>
        </tr>
        <Show when=open>
            <tr class="bg-slate-50"><td colspan="9">
                <Suspense fallback=|| view! { <p class="p-4 text-sm text-slate-500">"Loading the research…"</p> }>
                    {move || Suspend::new(details_view(job_id, id, criteria.get_untracked(), tier_labels.get_untracked()))}
                </Suspense>
            </td></tr>
        </Show>
    }
    .into_any()
}

#[component]
pub fn CompanyTable(
    job_id: Signal<i32>,
    /// The page on screen, with live updates applied.
    page: Signal<Option<CompanyPage>>,
    tiers: Signal<TierCounts>,
    /// Companies in the job.
    total: Signal<i32>,
    /// Of them, those waiting for review.
    review: Signal<i32>,
    query: RwSignal<CompanyQuery>,
    tier_labels: Signal<Vec<(String, String)>>,
    criteria: Signal<Vec<CriterionView>>,
    /// Ids of the open rows; owned by the page so they stay open across refetches.
    expanded: RwSignal<HashSet<i32>>,
) -> impl IntoView {
    let rows = Memo::new(move |_| page.get().map(|p| p.rows).unwrap_or_default());
    view! {
        <section class="rounded-lg border border-slate-200 bg-white shadow-sm" aria-label="Results">
            <TableFilters query tiers total review tier_labels />
            <div class="overflow-x-auto">
                <table class="min-w-full text-sm">
                    <thead class="bg-slate-50 text-slate-700">
                        <tr>
                            <SortHeader query key=SortKey::Rank label="#" />
                            <SortHeader query key=SortKey::Name label="Company" />
                            <SortHeader query key=SortKey::Priority label="Priority" />
                            <SortHeader query key=SortKey::UseCase label="Use case" />
                            <SortHeader query key=SortKey::Funding label="Funding" />
                            <SortHeader query key=SortKey::Score label="Score" />
                            <SortHeader query key=SortKey::Cache label="Research" />
                            <SortHeader query key=SortKey::Confidence label="Verified" />
                            <SortHeader query key=SortKey::Status label="Status" />
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || rows.get()
                            // A row patched by a live event lacks the research a fetch
                            // brings (industry, use case, funding, verification):
                            // the key tells the two apart, so the fetched row is drawn.
                            key=|r| (
                                (r.id, r.rank, r.status, r.stage, r.score_total),
                                (r.industry.clone(), r.use_case_tier.clone(), r.validation_confidence.map(f64::to_bits)),
                                (r.priority_tier, r.model_tier, r.review),
                            )
                            let(row)>
                            <Row row job_id=job_id.get_untracked() expanded tier_labels criteria />
                        </For>
                    </tbody>
                </table>
                <Show when=move || page.get().is_some_and(|p| p.rows.is_empty())>
                    <p class="p-6 text-center text-sm text-slate-500">"No companies match these filters."</p>
                </Show>
            </div>
            <Pager query page />
        </section>
    }
    .into_any()
}
