//! Admins: who started, cancelled, retried, deleted, exported, cleared or
//! refreshed what, and when; newest first.

use leptos::prelude::*;

use crate::components::{browser::local_time, page_header::PageHeader};
use crate::server_fns::accounts::audit_log;

const PAGE: u64 = 50;

#[component]
pub fn AuditPage() -> impl IntoView {
    let skip = RwSignal::new(0u64);
    let page = Resource::new(move || skip.get(), |skip| audit_log(skip, PAGE));
    let button = "rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40";
    view! {
        <PageHeader title="Audit log" subtitle="Every action that starts, stops, removes or exports work, and every change to accounts." />
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => {
                    let total = page.total;
                    view! {
                        <table class="w-full rounded-lg border border-slate-200 bg-white text-left text-sm shadow-sm" aria-label="Audit log">
                            <thead class="bg-slate-50 text-xs uppercase text-slate-500">
                                <tr><th class="px-3 py-2">"When"</th><th>"Who"</th><th>"Action"</th><th>"What"</th><th>"Detail"</th></tr>
                            </thead>
                            <tbody class="divide-y divide-slate-100">
                                {page.entries.into_iter().map(|e| view! {
                                    <tr data-action=e.action.clone()>
                                        <td class="whitespace-nowrap px-3 py-2">{local_time(&e.at)}</td>
                                        <td>{e.actor.clone()}</td>
                                        <td class="font-mono text-xs">{e.action.clone()}</td>
                                        <td>{e.target.clone()}</td>
                                        <td class="text-slate-600">{e.detail.clone().unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <div class="mt-3 flex items-center gap-2 text-sm text-slate-600">
                            <button type="button" class=button disabled=move || skip.get() == 0
                                on:click=move |_| skip.update(|s| *s = s.saturating_sub(PAGE))>"Newer"</button>
                            <button type="button" class=button disabled=move || { skip.get() + PAGE >= total }
                                on:click=move |_| skip.update(|s| *s += PAGE)>"Older"</button>
                            <span>{move || format!("{} entries", total)}</span>
                        </div>
                    }.into_any()
                }
                Err(e) => view! { <p role="alert" class="text-sm text-red-700">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}
