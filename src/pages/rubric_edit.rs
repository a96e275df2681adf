//! Writing a rubric: the editor with its live problems, saving a new
//! version (or a new rubric), a copy of one the person may not change, and
//! the version history with each version's "How scoring works" and TOML.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::{
    components::{
        format::utc_minute,
        rubric_editor::{RubricForm, RubricProblems},
    },
    domain::{
        rubric::Rubric,
        studio::{RubricVersionView, VersionSummary, starter},
    },
    server_fns::studio::{CloneRubric, CreateRubric, SaveRubric, rubric_version},
};

#[component]
pub fn RubricEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let loaded = Resource::new(
        move || id.get(),
        |id| async move {
            if id == "new" {
                Ok(None)
            } else {
                rubric_version(id, None).await.map(Some)
            }
        },
    );
    // A save reads the rubric again: the editor then shows the version it made.
    let saved = RwSignal::new(None::<i32>);
    // Another rubric (a copy just made, say) has saved nothing yet.
    Effect::new(move |_| {
        id.track();
        saved.set(None);
    });
    let on_saved = Callback::new(move |version: i32| {
        saved.set(Some(version));
        loaded.refetch();
    });
    view! {
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading the rubric…"</p> }>
            {move || loaded.get().map(|found| match found {
                Err(e) => view! { <p role="alert" class="rounded-md bg-red-50 p-3 text-sm text-red-800">{e.to_string()}</p> }.into_any(),
                Ok(view) => view! { <Editor view on_saved /> }.into_any(),
            })}
        </Transition>
        {move || saved.get().map(|v| view! { <p class="mt-3 text-sm text-emerald-800" role="status" data-testid="saved">{format!("Saved as version {v}.")}</p> })}
    }
}

#[component]
fn Editor(view: Option<RubricVersionView>, on_saved: Callback<i32>) -> impl IntoView {
    let rubric = RwSignal::new(view.as_ref().map_or_else(starter, |v| v.rubric.clone()));
    let problems = Memo::new(move |_| {
        rubric.with(|r| {
            let mut r = r.clone();
            // A new rubric's id is made from its name on save.
            if r.id.is_empty() {
                r.id = "new".into();
            }
            r.problems()
        })
    });
    let may_edit = view.as_ref().is_none_or(|v| v.may_edit);
    let title = view.as_ref().map_or_else(
        || "New rubric".to_string(),
        |v| format!("{} · v{}", v.rubric.label, v.version),
    );
    let history = view
        .as_ref()
        .map(|v| (v.rubric.id.clone(), v.id, v.history.clone()));
    view! {
        <header class="mb-4">
            <h1 class="text-2xl font-semibold tracking-tight text-slate-900" data-testid="editor-title">{title}</h1>
            <p class="mt-1 text-sm text-slate-600">"Saving makes a new version; jobs keep the version they scored with. Re-score a finished job with the new version to compare, for the price of the scoring calls alone."</p>
        </header>
        {(!may_edit).then(|| view! {
            <p class="mb-4 rounded-md bg-slate-100 p-3 text-sm text-slate-700" data-testid="read-only">"A built-in rubric: only an admin changes it. Save a copy to make it your own."</p>
        })}
        <div class="grid gap-6 lg:grid-cols-4">
            <div class="space-y-4 lg:col-span-3">
                <RubricForm rubric disabled=!may_edit />
                <RubricProblems problems />
                {match view.clone() {
                    Some(v) if may_edit => view! { <SaveForm rubric problems id=v.rubric.id.clone() based_on=v.version on_saved /> }.into_any(),
                    Some(_) => ().into_any(),
                    None => view! { <CreateForm rubric problems /> }.into_any(),
                }}
            </div>
            <aside class="space-y-4">
                {history.map(|(id, version_id, history)| view! {
                    <CloneForm version_id />
                    <History id history />
                })}
            </aside>
        </div>
    }
}

#[component]
fn SaveForm(
    rubric: RwSignal<Rubric>,
    problems: Memo<Vec<String>>,
    id: String,
    based_on: i32,
    on_saved: Callback<i32>,
) -> impl IntoView {
    let save = ServerAction::<SaveRubric>::new();
    let note = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            on_saved.run(saved.version);
        }
    });
    view! {
        <div class="flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <label class="block flex-1 text-sm">
                <span class="text-slate-700">"What changed (for the history)"</span>
                <input class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm" data-testid="save-note"
                    prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
            </label>
            <button type="button" class="rounded-md bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-40" data-testid="save-rubric"
                disabled=move || save.pending().get() || !problems.get().is_empty()
                on:click=move |_| {
                    save.dispatch(SaveRubric { id: id.clone(), rubric: rubric.get(), based_on, note: Some(note.get()) });
                }>"Save as a new version"</button>
            {move || save.value().get().and_then(Result::err).map(|e| view! { <p role="alert" class="w-full rounded-md bg-red-50 p-2 text-sm text-red-800">{e.to_string()}</p> })}
        </div>
    }
}

#[component]
fn CreateForm(rubric: RwSignal<Rubric>, problems: Memo<Vec<String>>) -> impl IntoView {
    let create = ServerAction::<CreateRubric>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = create.value().get() {
            navigate(
                &format!("/rubrics/{}/edit", saved.rubric.id),
                Default::default(),
            );
        }
    });
    view! {
        <div class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <button type="button" class="rounded-md bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-40" data-testid="create-rubric"
                disabled=move || create.pending().get() || !problems.get().is_empty()
                on:click=move |_| { create.dispatch(CreateRubric { rubric: rubric.get() }); }>"Create the rubric"</button>
            {move || create.value().get().and_then(Result::err).map(|e| view! { <p role="alert" class="mt-2 rounded-md bg-red-50 p-2 text-sm text-red-800">{e.to_string()}</p> })}
        </div>
    }
}

/// A copy of the version shown, as a new rubric of the person's own.
#[component]
fn CloneForm(version_id: i32) -> impl IntoView {
    let clone = ServerAction::<CloneRubric>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(copy)) = clone.value().get() {
            navigate(
                &format!("/rubrics/{}/edit", copy.rubric.id),
                Default::default(),
            );
        }
    });
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm" aria-label="Save a copy">
            <h2 class="font-semibold text-slate-800">"Save a copy"</h2>
            <ActionForm action=clone>
                <input type="hidden" name="version_id" value=version_id />
                <label class="mt-2 block">
                    <span class="text-slate-700">"Name of the copy"</span>
                    <input name="label" required class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1" data-testid="clone-name" />
                </label>
                <button type="submit" class="mt-2 rounded-md px-3 py-1.5 ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40" data-testid="clone-rubric" disabled=move || clone.pending().get()>"Copy"</button>
            </ActionForm>
            {move || clone.value().get().and_then(Result::err).map(|e| view! { <p role="alert" class="mt-2 rounded-md bg-red-50 p-2 text-red-800">{e.to_string()}</p> })}
        </section>
    }
}

#[component]
fn History(id: String, history: Vec<VersionSummary>) -> impl IntoView {
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm" aria-label="Versions">
            <h2 class="font-semibold text-slate-800">"Versions"</h2>
            <ol class="mt-2 space-y-2">
                {history.into_iter().map(|v| view! {
                    <li data-testid="version" class="text-xs text-slate-600">
                        <span class="font-medium text-slate-800">{format!("v{}", v.version)}</span>
                        {format!(" · {} · {}", v.created_by_name, utc_minute(&v.created_at))}
                        {v.note.clone().map(|n| view! { <div class="italic">{n}</div> })}
                        <div>
                            <a class="text-emerald-700 hover:underline" href=format!("/rubrics/{id}?version={}", v.version)>"How scoring works"</a>
                            " · "
                            <a class="text-emerald-700 hover:underline" href=format!("/api/rubrics/{id}/export?version={}", v.version) download>"TOML"</a>
                        </div>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
