//! The cache's entries: sortable columns, an expired badge, and per-entry
//! view, refresh (priced, asks first) and delete (asks first).

use leptos::prelude::*;

use super::{browser::now, confirm::ConfirmButton, current_user::use_is_admin};
use crate::domain::cache::{self, CacheEntryView, CacheSort};

/// What a row asks the page to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryAction {
    View(i32),
    Refresh(i32),
    Delete(i32),
}

#[component]
pub fn CacheTable(
    entries: Vec<CacheEntryView>,
    sort: RwSignal<CacheSort>,
    descending: RwSignal<bool>,
    on_action: Callback<EntryAction>,
    /// What refreshing one entry costs at most, as a sentence (None while unknown).
    #[prop(into)]
    refresh_price: Signal<Option<String>>,
) -> impl IntoView {
    let header = move |key: CacheSort, label: &'static str| {
        view! {
            <th scope="col" class="px-3 py-2 text-left"
                aria-sort=move || if sort.get() == key { if descending.get() { "descending" } else { "ascending" } } else { "none" }>
                <button type="button" class="font-semibold hover:text-emerald-700"
                    on:click=move |_| {
                        if sort.get_untracked() == key { descending.update(|d| *d = !*d) } else { sort.set(key); descending.set(false) }
                    }>
                    {label}
                    {move || (sort.get() == key).then_some(if descending.get() { " ▼" } else { " ▲" })}
                </button>
            </th>
        }
    };
    let today = now();
    // Deleting entries is for admins.
    let is_admin = use_is_admin();
    let rows = entries
        .into_iter()
        .map(|e| {
            let id = e.id;
            let question = format!("Delete the cached research of {}?", e.name);
            let name = e.name.clone();
            let refresh_question = Signal::derive(move || {
                format!(
                    "Search {name} again? {}",
                    refresh_price.get().unwrap_or_else(|| "Pricing…".into())
                )
            });
            view! {
                <tr class="border-t border-slate-100 align-top" data-testid="cache-row">
                    <td class="px-3 py-2">
                        <button type="button" class="font-medium text-emerald-800 hover:underline"
                            on:click=move |_| on_action.run(EntryAction::View(id))>{e.name.clone()}</button>
                        {e.website.clone().map(|w| view! { <div class="text-xs text-slate-500">{w}</div> })}
                    </td>
                    <td class="px-3 py-2">{e.target_type.clone()}</td>
                    <td class="px-3 py-2 whitespace-nowrap" title=e.fetched_at.to_rfc3339()>{format!("{} ago", cache::age(e.fetched_at, today))}</td>
                    <td class="px-3 py-2 whitespace-nowrap">
                        {if e.expired {
                            view! { <span class="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800">"expired"</span> }.into_any()
                        } else {
                            view! { <span title=e.expires_at.to_rfc3339()>{format!("in {}", cache::age(today, e.expires_at))}</span> }.into_any()
                        }}
                    </td>
                    <td class="px-3 py-2">{format!("{:.0}%", e.confidence * 100.0)}</td>
                    <td class="px-3 py-2">{e.hits}</td>
                    <td class="px-3 py-2 whitespace-nowrap">{cache::size(e.size_bytes)}</td>
                    <td class="px-3 py-2">
                        <div class="flex flex-wrap gap-2">
                            <ConfirmButton label="Refresh" question=refresh_question spends=true
                                disabled=Signal::derive(move || refresh_price.get().is_none())
                                on_confirm=Callback::new(move |()| on_action.run(EntryAction::Refresh(id))) />
                            <Show when=move || is_admin.get()>
                                <ConfirmButton label="Delete" question=question.clone()
                                    on_confirm=Callback::new(move |()| on_action.run(EntryAction::Delete(id))) />
                            </Show>
                        </div>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="overflow-x-auto">
            <table class="min-w-full text-sm">
                <thead class="bg-slate-50 text-xs text-slate-600">
                    <tr>
                        {header(CacheSort::Name, "Company")}
                        {header(CacheSort::TargetType, "Target type")}
                        {header(CacheSort::FetchedAt, "Fetched")}
                        {header(CacheSort::ExpiresAt, "Expires")}
                        {header(CacheSort::Confidence, "Confidence")}
                        {header(CacheSort::Hits, "Hits")}
                        {header(CacheSort::Size, "Size")}
                        <th scope="col" class="px-3 py-2 text-left">"Actions"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
