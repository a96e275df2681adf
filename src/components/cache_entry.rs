//! One cache entry's evidence: the verdict and the sources scoring sees.

use leptos::prelude::*;

use super::{browser::local_time, source_link::SourceLink};
use crate::domain::cache::{self, CacheEntryDetail};

#[component]
pub fn CacheEntryEvidence(detail: CacheEntryDetail, on_close: Callback<()>) -> impl IntoView {
    let e = detail.entry;
    view! {
        <section aria-label="Cached evidence" class="rounded-lg border border-emerald-200 bg-white p-5 shadow-sm">
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div>
                    <h2 class="text-lg font-semibold text-slate-900">{e.name.clone()}</h2>
                    <p class="text-sm text-slate-600">
                        {format!("{} · fetched {} · {} sources · {} · {} credits", e.target_type, local_time(&e.fetched_at), e.source_count, cache::size(e.size_bytes), e.credits)}
                    </p>
                    <p class="mt-1 text-sm text-slate-700">{format!("Validator ({:.0}%): {}", e.confidence * 100.0, e.verdict)}</p>
                </div>
                <button type="button" class="rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-50" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
            <ol class="mt-4 space-y-3">
                {detail.evidence.into_iter().map(|s| view! {
                    <li class="rounded-md bg-slate-50 p-3 text-sm">
                        <div class="flex flex-wrap items-baseline gap-2">
                            <span class="text-xs text-slate-500">{format!("[{}]", s.index)}</span>
                            <SourceLink class="font-medium text-emerald-800 hover:underline" url=s.url.clone() text=if s.title.is_empty() { s.url.clone() } else { s.title.clone() } />
                            <span class="text-xs text-slate-500">{format!("relevance {:.2}", s.relevance)}</span>
                        </div>
                        <p class="mt-1 whitespace-pre-line text-slate-700">{s.excerpt}</p>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
