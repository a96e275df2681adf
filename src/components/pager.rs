//! Which rows of how many are on screen, and the way to the others.

use leptos::prelude::*;

use crate::domain::table::{CompanyPage, CompanyQuery};

#[component]
pub fn Pager(query: RwSignal<CompanyQuery>, page: Signal<Option<CompanyPage>>) -> impl IntoView {
    let bounds = move || {
        page.get().map(|p| {
            let first = if p.rows.is_empty() { 0 } else { p.skip + 1 };
            (
                first,
                p.skip + p.rows.len() as u64,
                p.matching,
                p.skip,
                p.limit,
            )
        })
    };
    let go = move |skip: u64| query.update(|q| q.skip = skip);
    let button = "rounded-md px-3 py-1 ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40";
    view! {
        <nav class="flex flex-wrap items-center justify-between gap-2 border-t border-slate-200 p-3 text-sm text-slate-600" aria-label="Pages">
            <p data-testid="page-range">{move || bounds().map(|(first, last, matching, _, _)| format!("{first}–{last} of {matching}"))}</p>
            <div class="flex gap-2">
                <button type="button" class=button
                    disabled=move || bounds().is_none_or(|(_, _, _, skip, _)| skip == 0)
                    on:click=move |_| if let Some((_, _, _, skip, limit)) = bounds() { go(skip.saturating_sub(limit)) }>
                    "← Previous"
                </button>
                <button type="button" class=button
                    disabled=move || bounds().is_none_or(|(_, last, matching, _, _)| last >= matching)
                    on:click=move |_| if let Some((_, last, _, _, _)) = bounds() { go(last) }>
                    "Next →"
                </button>
            </div>
        </nav>
    }
}
