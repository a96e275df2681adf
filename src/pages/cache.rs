//! The research cache: totals, a searchable and sortable table of entries,
//! one entry's evidence, and refresh / delete / clear actions.

use leptos::prelude::*;

use crate::{
    components::{
        cache_entry::CacheEntryEvidence,
        cache_table::{CacheTable, EntryAction},
        cache_totals::CacheTotals,
        confirm::ConfirmButton,
        current_user::use_is_admin,
        page_header::PageHeader,
    },
    domain::cache::{CacheQuery, CacheSort},
    server_fns::cache::{
        clear_cache, delete_cache_entry, get_cache_entry, get_cache_stats, list_cache,
        refresh_cache_entry,
    },
    server_fns::review::research_price,
};

const PAGE: u64 = 25;

#[component]
pub fn CachePage() -> impl IntoView {
    // Bumped after every action so the totals and the table load again.
    let version = RwSignal::new(0u32);
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new(CacheSort::FetchedAt);
    let descending = RwSignal::new(true);
    let page = RwSignal::new(0u64);
    let selected = RwSignal::new(None::<i32>);
    let notice = RwSignal::new(None::<Result<(String, Option<i32>), String>>);

    let stats = Resource::new(move || version.get(), |_| get_cache_stats());
    // A refresh is one company researched afresh: shown before it is confirmed.
    let price = Resource::new(|| (), |_| research_price());
    let refresh_price = Signal::derive(move || {
        price.get().and_then(Result::ok).map(|e| {
            format!(
                "It costs about {} ({} Tavily credits and the model's tokens), whatever the cache holds.",
                crate::components::format::usd(e.usd),
                e.credits
            )
        })
    });
    let entries = Resource::new(
        move || {
            (
                search.get(),
                sort.get(),
                descending.get(),
                page.get(),
                version.get(),
            )
        },
        |(search, sort, descending, page, _)| {
            list_cache(CacheQuery {
                search: Some(search).filter(|s| !s.trim().is_empty()),
                sort,
                descending,
                skip: page * PAGE,
                limit: PAGE,
            })
        },
    );
    let evidence = Resource::new(
        move || selected.get(),
        |id| async move {
            match id {
                Some(id) => Some(get_cache_entry(id).await),
                None => None,
            }
        },
    );

    let act = Action::new(|action: &EntryAction| {
        let action = *action;
        async move {
            match action {
                EntryAction::View(_) => Ok((String::new(), None)),
                EntryAction::Refresh(id) => refresh_cache_entry(id)
                    .await
                    .map(|r| (r.message, Some(r.job_id))),
                EntryAction::Delete(id) => delete_cache_entry(id)
                    .await
                    .map(|()| ("Entry deleted.".to_string(), None)),
            }
        }
    });
    let is_admin = use_is_admin();
    let clear = Action::new(|expired_only: &bool| {
        let expired_only = *expired_only;
        async move {
            clear_cache(expired_only).await.map(|c| {
                let message = format!(
                    "Cleared {} {}.",
                    c.deleted,
                    if c.expired_only {
                        "expired entries"
                    } else {
                        "entries"
                    }
                );
                (message, None)
            })
        }
    });
    let on_action = Callback::new(move |action: EntryAction| match action {
        EntryAction::View(id) => selected.set(Some(id)),
        other => {
            if let EntryAction::Delete(id) = other
                && selected.get_untracked() == Some(id)
            {
                selected.set(None);
            }
            act.dispatch(other);
        }
    });
    for value in [act.value(), clear.value()] {
        Effect::new(move |_| {
            if let Some(result) = value.get() {
                notice.set(Some(result.map_err(|e| e.to_string())));
                version.update(|v| *v += 1);
            }
        });
    }
    Effect::new(move |_| {
        if clear.value().get().is_some_and(|r| r.is_ok()) {
            selected.set(None);
        }
    });

    view! {
        <PageHeader
            title="Research cache"
            subtitle="Verified research, reused across jobs so quarterly re-runs cost little."
        />
        <div class="space-y-6">
            <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading totals…"</p> }>
                {move || stats.get().map(|result| match result {
                    Ok(stats) => view! { <CacheTotals stats /> }.into_any(),
                    Err(error) => view! { <p role="alert" class="text-sm text-red-700">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            {move || notice.get().filter(|n| n.as_ref().is_ok_and(|(m, _)| !m.is_empty()) || n.is_err()).map(|n| match n {
                Ok((message, job)) => view! {
                    <p role="status" data-testid="cache-notice" class="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">
                        {message}
                        {job.map(|id| view! { " " <a class="font-medium underline" href=format!("/jobs/{id}")>"Follow the refresh"</a> })}
                    </p>
                }.into_any(),
                Err(message) => view! { <p role="alert" data-testid="cache-notice" class="rounded-md bg-red-50 p-3 text-sm text-red-800">{message}</p> }.into_any(),
            })}
            <Transition fallback=|| ()>
                {move || evidence.get().flatten().map(|result| match result {
                    Ok(detail) => view! { <CacheEntryEvidence detail on_close=Callback::new(move |()| selected.set(None)) /> }.into_any(),
                    Err(error) => view! { <p role="alert" class="rounded-md bg-red-50 p-3 text-sm text-red-800">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <section aria-label="Cache entries" class="rounded-lg border border-slate-200 bg-white shadow-sm">
                <div class="flex flex-wrap items-end justify-between gap-3 border-b border-slate-200 p-4">
                    <input
                        type="search"
                        placeholder="Search companies or websites"
                        aria-label="Search the cache"
                        class="w-full max-w-xs rounded-md border border-slate-300 px-2 py-1 text-sm"
                        on:input=move |ev| {
                            page.set(0);
                            search.set(event_target_value(&ev));
                        }
                    />
                    <Transition fallback=|| ()>
                    <Show when=move || is_admin.get()>
                    <div class="flex flex-wrap gap-2">
                        <ConfirmButton label="Clear expired" question="Delete every expired entry?".to_string()
                            on_confirm=Callback::new(move |()| { clear.dispatch(true); }) />
                        <ConfirmButton label="Clear all" question="Delete every cached entry? The next jobs search everything again.".to_string()
                            on_confirm=Callback::new(move |()| { clear.dispatch(false); }) />
                    </div>
                    </Show>
                    </Transition>
                </div>
                <Transition fallback=|| view! { <p class="p-4 text-sm text-slate-500">"Loading entries…"</p> }>
                    {move || entries.get().map(|result| match result {
                        Err(error) => view! { <p role="alert" class="p-4 text-sm text-red-700">{error.to_string()}</p> }.into_any(),
                        Ok(list) if list.entries.is_empty() => view! {
                            <p class="p-4 text-sm text-slate-600">
                                {if search.get_untracked().trim().is_empty() {
                                    "The cache is empty. Research that passes validation is kept here for the next jobs."
                                } else {
                                    "No cached company matches this search."
                                }}
                            </p>
                        }.into_any(),
                        Ok(list) => {
                            let total = list.total;
                            view! {
                                <CacheTable entries=list.entries sort descending on_action refresh_price />
                                <div class="flex items-center justify-between border-t border-slate-200 p-3 text-sm text-slate-600">
                                    <span>{move || format!("{}–{} of {total}", page.get() * PAGE + 1, ((page.get() + 1) * PAGE).min(total))}</span>
                                    <div class="flex gap-2">
                                        <button type="button" class="rounded-md px-3 py-1 ring-1 ring-slate-300 disabled:opacity-40"
                                            disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                                        <button type="button" class="rounded-md px-3 py-1 ring-1 ring-slate-300 disabled:opacity-40"
                                            disabled=move || { (page.get() + 1) * PAGE >= total } on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
                                    </div>
                                </div>
                            }.into_any()
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}
