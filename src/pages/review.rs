//! The review queue across jobs: every company whose research was not
//! verified, whose name several companies share, or that was verified only
//! just, with what to do about it.

use leptos::prelude::*;

use crate::{
    components::{page_header::PageHeader, review_panel::ReviewPanel},
    server_fns::review::review_queue,
};

/// Companies shown at once (the oldest wait on the next page).
const PAGE: u64 = 50;

#[component]
pub fn ReviewPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let skip = RwSignal::new(0u64);
    let queue = Resource::new(
        move || (version.get(), skip.get()),
        |(_, skip)| review_queue(skip, PAGE),
    );
    let on_done = Callback::new(move |_| version.update(|n| *n += 1));
    view! {
        <PageHeader
            title="Review"
            subtitle="Companies a person should look at: research they could not verify, names several companies share, and matches verified only just. Give a website or a better name, accept, or mark as not a company."
        />
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading the queue…"</p> }>
            {move || queue.get().map(|result| match result {
                Err(error) => view! { <p role="alert" class="rounded-md bg-red-50 p-4 text-sm text-red-800">{error.to_string()}</p> }.into_any(),
                Ok(page) if page.items.is_empty() && page.total == 0 => view! {
                    <p class="rounded-lg border border-slate-200 bg-white p-6 text-sm text-slate-600" data-testid="review-empty">
                        "Nothing waits for review: every company is verified or decided."
                    </p>
                }.into_any(),
                Ok(page) => {
                    let shown = page.items.len() as u64;
                    let total = page.total;
                    view! {
                        <p class="mb-3 text-sm text-slate-600" data-testid="review-total">
                            {format!("{total} compan{} waiting", if total == 1 { "y" } else { "ies" })}
                        </p>
                        <ul class="space-y-4">
                            {page.items.into_iter().map(|item| {
                                let company = item.company;
                                let name = company.name.clone();
                                let title = company.name.clone();
                                let website = company.website.clone();
                                view! {
                                    <li class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-company=name>
                                        <div class="mb-2 flex flex-wrap items-baseline justify-between gap-2">
                                            <h2 class="font-semibold text-slate-900">{title}
                                                {website.map(|w| view! { <span class="ml-2 text-sm font-normal text-slate-500">{w}</span> })}
                                            </h2>
                                            <a class="text-sm text-emerald-700 hover:underline" href=format!("/jobs/{}", item.job_id)>
                                                {format!("in {}", item.job_name)}
                                            </a>
                                        </div>
                                        <ReviewPanel company job_id=item.job_id on_done />
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <div class="mt-4 flex gap-2 text-sm">
                            <button type="button" class="rounded-md px-3 py-1.5 ring-1 ring-slate-300 disabled:opacity-40"
                                disabled=move || skip.get() == 0
                                on:click=move |_| skip.update(|s| *s = s.saturating_sub(PAGE))>"Newer"</button>
                            <button type="button" class="rounded-md px-3 py-1.5 ring-1 ring-slate-300 disabled:opacity-40"
                                disabled=move || skip.get() + shown >= total
                                on:click=move |_| skip.update(|s| *s += PAGE)>"Older"</button>
                        </div>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
