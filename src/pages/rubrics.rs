//! The Rubrics page: every rubric the team scores with, its latest version
//! and who saved it; a new rubric from scratch; a TOML file imported.

use leptos::prelude::*;

use crate::{
    components::{format::utc_minute, page_header::PageHeader},
    domain::studio::RubricSummary,
    server_fns::studio::{ImportRubric, list_rubrics},
};

#[component]
fn RubricRow(rubric: RubricSummary) -> impl IntoView {
    let id = rubric.id.clone();
    view! {
        <tr class="border-t border-slate-100 align-top" data-rubric=id.clone()>
            <td class="px-3 py-2">
                <a class="font-medium text-emerald-800 hover:underline" href=format!("/rubrics/{id}/edit")>{rubric.label.clone()}</a>
                {rubric.built_in.then(|| view! { <span class="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">"built-in"</span> })}
                <div class="text-xs text-slate-500">{rubric.description.clone()}</div>
            </td>
            <td class="px-3 py-2 whitespace-nowrap" data-testid="latest-version">{format!("v{}", rubric.latest_version)}</td>
            <td class="px-3 py-2 text-xs text-slate-600">{format!("{} · {}", rubric.updated_by, utc_minute(&rubric.updated_at))}</td>
            <td class="px-3 py-2 whitespace-nowrap text-xs">
                <a class="text-emerald-700 hover:underline" href=format!("/rubrics/{id}")>"How scoring works"</a>
                " · "
                <a class="text-emerald-700 hover:underline" href=format!("/rubrics/{id}/edit")>{if rubric.may_edit { "Edit" } else { "Open" }}</a>
                " · "
                <a class="text-emerald-700 hover:underline" href=format!("/api/rubrics/{id}/export") download>"TOML"</a>
            </td>
        </tr>
    }
}

#[component]
pub fn RubricsPage() -> impl IntoView {
    let rubrics = Resource::new(|| (), |_| list_rubrics());
    view! {
        <PageHeader title="Rubrics" subtitle="What makes an ideal customer, as points the model's picks earn. Every save is a new version; each job records the version it scored with." />
        <div class="mb-4 flex flex-wrap gap-2">
            <a class="rounded-md bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-700" href="/rubrics/new/edit" data-testid="new-rubric">"New rubric"</a>
        </div>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading the rubrics…"</p> }>
            {move || rubrics.get().map(|found| match found {
                Err(e) => view! { <p role="alert" class="rounded-md bg-red-50 p-3 text-sm text-red-800">{e.to_string()}</p> }.into_any(),
                Ok(list) => view! {
                    <div class="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
                        <table class="w-full text-left text-sm">
                            <thead class="bg-slate-50 text-xs uppercase text-slate-500"><tr>
                                <th class="px-3 py-2">"Rubric"</th><th class="px-3 py-2">"Version"</th><th class="px-3 py-2">"Saved"</th><th class="px-3 py-2"></th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|rubric| view! { <RubricRow rubric /> }).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            })}
        </Transition>
        <ImportForm />
    }
}

/// A rubric file (the TOML of `rubrics/`, or one exported here), pasted.
#[component]
fn ImportForm() -> impl IntoView {
    let import = ServerAction::<ImportRubric>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(view)) = import.value().get() {
            navigate(
                &format!("/rubrics/{}/edit", view.rubric.id),
                Default::default(),
            );
        }
    });
    view! {
        <section class="mt-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-label="Import a rubric">
            <h2 class="text-sm font-semibold text-slate-800">"Import a TOML rubric"</h2>
            <p class="text-xs text-slate-500">"Paste a rubric file (the format of the server's rubrics/ folder, or a version exported here). An id the team has already becomes its next version."</p>
            <ActionForm action=import>
                <textarea name="text" rows="6" required class="mt-2 block w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-xs" data-testid="import-text"></textarea>
                <button type="submit" class="mt-2 rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40" disabled=move || import.pending().get()>"Import"</button>
            </ActionForm>
            {move || import.value().get().and_then(Result::err).map(|e| view! { <p role="alert" class="mt-2 rounded-md bg-red-50 p-2 text-sm text-red-800">{e.to_string()}</p> })}
        </section>
    }
}
