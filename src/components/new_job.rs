//! Starting research: a CSV (drop zone or picker, then a preview) or one company.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use send_wrapper::SendWrapper;
use web_sys::{File, FormData};

use super::format::usd;
use crate::{
    domain::views::{TargetTypeView, UploadPreview},
    server_fns::jobs::{preview_upload, start_single, start_upload},
};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Csv,
    Single,
}

fn form_data(file: &File, target_type: &str, submitted_by: &str, budget_usd: &str) -> FormData {
    let data = FormData::new().expect("FormData is available in browsers");
    let _ = data.append_with_blob_and_filename("file", file, &file.name());
    let _ = data.append_with_str("target_type", target_type);
    let _ = data.append_with_str("submitted_by", submitted_by);
    let _ = data.append_with_str("budget_usd", budget_usd);
    data
}

/// The job's budget, typed once for either way of starting research.
#[component]
fn BudgetField(budget: RwSignal<String>) -> impl IntoView {
    view! {
        <label class="block text-sm">
            <span class="text-slate-700">"Budget cap in USD (optional)"</span>
            <input
                class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5"
                type="text"
                inputmode="decimal"
                placeholder="no cap"
                data-testid="budget-cap"
                prop:value=move || budget.get()
                on:input=move |ev| budget.set(event_target_value(&ev))
            />
            <span class="mt-1 block text-xs text-slate-500">
                "The job pauses before a company that could take it past the cap; raise it on the job page to go on."
            </span>
        </label>
    }
}

#[component]
pub fn NewJob(target_types: Vec<TargetTypeView>) -> impl IntoView {
    let navigate = use_navigate();
    let mode = RwSignal::new(Mode::Csv);
    let target_type = RwSignal::new(
        target_types
            .first()
            .map(|t| t.id.clone())
            .unwrap_or_else(|| "iaas".into()),
    );
    let submitted_by = RwSignal::new(String::new());
    // Browser objects live in SendWrappers; on the server they are never created.
    let file = RwSignal::new(None::<SendWrapper<File>>);
    let dragging = RwSignal::new(false);
    let company = RwSignal::new(String::new());
    let website = RwSignal::new(String::new());
    let budget = RwSignal::new(String::new());

    let preview = Action::new(|data: &SendWrapper<FormData>| {
        let data = data.clone();
        SendWrapper::new(async move { preview_upload(data.take().into()).await })
    });
    let start = Action::new(|data: &SendWrapper<FormData>| {
        let data = data.clone();
        SendWrapper::new(async move { start_upload(data.take().into()).await })
    });
    // What one lookup costs at most, said before it starts (asked once, in the browser).
    let price = RwSignal::new(None::<crate::domain::views::Estimate>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(estimate) = crate::server_fns::review::research_price().await {
                price.set(Some(estimate));
            }
        });
    });
    let single = Action::new(|args: &(String, String, String, String, String)| {
        let (name, site, kind, who, cap) = args.clone();
        start_single(name, Some(site), kind, who, Some(cap))
    });

    let choose = move |chosen: Option<File>| {
        preview.value().set(None);
        if let Some(f) = &chosen {
            preview.dispatch(SendWrapper::new(form_data(
                f,
                &target_type.get_untracked(),
                "",
                "",
            )));
        }
        file.set(chosen.map(SendWrapper::new));
    };
    let navigate_started = navigate.clone();
    Effect::new(move |_| {
        if let Some(Ok(job)) = start.value().get() {
            navigate_started(&format!("/jobs/{}", job.id), Default::default());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(job)) = single.value().get() {
            navigate(&format!("/jobs/{}", job.id), Default::default());
        }
    });

    let tab = move |which: Mode, label: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                aria-selected=move || (mode.get() == which).to_string()
                class=move || {
                    if mode.get() == which {
                        "flex-1 rounded-md bg-white px-3 py-1.5 text-sm font-medium shadow"
                    } else {
                        "flex-1 rounded-md px-3 py-1.5 text-sm text-slate-600"
                    }
                }
                on:click=move |_| mode.set(which)
            >
                {label}
            </button>
        }
    };

    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-label="New research job">
            <h2 class="font-semibold text-slate-800">"New research job"</h2>
            <div class="mt-4 space-y-3">
                <label class="block text-sm">
                    <span class="text-slate-700">"Target type"</span>
                    <select
                        class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5"
                        on:change=move |ev| target_type.set(event_target_value(&ev))
                        prop:value=move || target_type.get()
                    >
                        {target_types
                            .iter()
                            .map(|t| view! { <option value=t.id.clone()>{format!("{} · v{}", t.label, t.version)}</option> })
                            .collect_view()}
                    </select>
                    <a class="mt-1 inline-block text-xs text-emerald-700 underline" href=move || format!("/rubrics/{}", target_type.get())>"How scoring works"</a>
                </label>
                <label class="block text-sm">
                    <span class="text-slate-700">"Submitted by (optional; you when empty)"</span>
                    <input
                        class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5"
                        type="text"
                        maxlength="100"
                        prop:value=move || submitted_by.get()
                        on:input=move |ev| submitted_by.set(event_target_value(&ev))
                    />
                </label>
                <div class="flex gap-1 rounded-lg bg-slate-100 p-1" role="tablist">
                    {tab(Mode::Csv, "Upload CSV")}
                    {tab(Mode::Single, "One company")}
                </div>

                <Show when=move || mode.get() == Mode::Csv>
                    <label
                        class=move || {
                            format!(
                                "flex cursor-pointer flex-col items-center justify-center rounded-lg border-2 border-dashed p-6 text-center text-sm {}",
                                if dragging.get() { "border-emerald-500 bg-emerald-50" } else { "border-slate-300" },
                            )
                        }
                        on:dragover=move |ev| {
                            ev.prevent_default();
                            dragging.set(true);
                        }
                        on:dragleave=move |_| dragging.set(false)
                        on:drop=move |ev: web_sys::DragEvent| {
                            ev.prevent_default();
                            dragging.set(false);
                            choose(ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)));
                        }
                    >
                        <span class="font-medium text-slate-700">"Drop a CSV here or choose a file"</span>
                        <span class="mt-1 text-xs text-slate-500">
                            "One company per row: a company_name (or name, company, account) column, optional website. Add an outcome column (won/lost) to back-test the rubric."
                        </span>
                        <input
                            type="file"
                            accept=".csv,text/csv"
                            class="sr-only"
                            aria-label="CSV file"
                            on:change=move |ev| {
                                let input: web_sys::HtmlInputElement = event_target(&ev);
                                choose(input.files().and_then(|f| f.get(0)));
                                input.set_value("");
                            }
                        />
                    </label>
                    {move || preview.pending().get().then(|| view! { <p class="text-sm text-slate-500">"Reading the file…"</p> })}
                    {move || match preview.value().get() {
                        Some(Err(error)) => Some(view! { <p role="alert" class="rounded-md bg-red-50 p-3 text-sm text-red-800">{error.to_string()}</p> }.into_any()),
                        Some(Ok(summary)) => Some(view! {
                            <PreviewCard
                                summary
                                budget
                                starting=start.pending().into()
                                on_start=Callback::new(move |_| {
                                    if let Some(f) = file.get_untracked() {
                                        start.dispatch(SendWrapper::new(form_data(&f, &target_type.get_untracked(), &submitted_by.get_untracked(), &budget.get_untracked())));
                                    }
                                })
                                on_cancel=Callback::new(move |_| {
                                    preview.value().set(None);
                                    file.set(None);
                                })
                            />
                        }.into_any()),
                        None => None,
                    }}
                    {move || match start.value().get() {
                        Some(Err(error)) => Some(view! { <p role="alert" class="rounded-md bg-red-50 p-3 text-sm text-red-800">{error.to_string()}</p> }),
                        _ => None,
                    }}
                </Show>

                <Show when=move || mode.get() == Mode::Single>
                    <form
                        class="space-y-3"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            single.dispatch((company.get_untracked(), website.get_untracked(), target_type.get_untracked(), submitted_by.get_untracked(), budget.get_untracked()));
                        }
                    >
                        <label class="block text-sm">
                            <span class="text-slate-700">"Company name"</span>
                            <input
                                class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5"
                                type="text"
                                required
                                prop:value=move || company.get()
                                on:input=move |ev| company.set(event_target_value(&ev))
                            />
                        </label>
                        <label class="block text-sm">
                            <span class="text-slate-700">"Website (optional)"</span>
                            <input
                                class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5"
                                type="text"
                                placeholder="example.com"
                                prop:value=move || website.get()
                                on:input=move |ev| website.set(event_target_value(&ev))
                            />
                        </label>
                        <BudgetField budget />
                        <button
                            type="submit"
                            class="w-full rounded-md bg-emerald-600 px-3 py-2 text-sm font-semibold text-white hover:bg-emerald-700 disabled:opacity-50"
                            disabled=move || company.get().trim().is_empty() || single.pending().get()
                        >
                            {move || if single.pending().get() { "Starting…" } else { "Research company" }}
                        </button>
                        <p class="text-xs text-slate-500" data-testid="single-price">
                            {move || price.get().map(|p| format!(
                                "Costs at most {} ({} Tavily credits and the model's tokens); nothing if the research cache has it.",
                                usd(p.usd), p.credits
                            ))}
                        </p>
                        {move || match single.value().get() {
                            Some(Err(error)) => Some(view! { <p role="alert" class="rounded-md bg-red-50 p-3 text-sm text-red-800">{error.to_string()}</p> }),
                            _ => None,
                        }}
                    </form>
                </Show>
            </div>
        </section>
    }
}

#[component]
fn PreviewCard(
    summary: UploadPreview,
    budget: RwSignal<String>,
    starting: Signal<bool>,
    on_start: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let dropped = summary.blank + summary.duplicates + summary.too_long;
    view! {
        <div class="rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-sm" aria-label="Upload preview">
            <p class="font-medium text-slate-800">{summary.file_name.clone()}</p>
            <dl class="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-slate-700">
                <dt>"Rows read"</dt><dd data-testid="rows-read">{summary.rows_read}</dd>
                <dt>"Blank or duplicate"</dt><dd>{dropped}</dd>
                <dt>"Companies"</dt><dd data-testid="companies">{summary.companies}</dd>
                <dt>"Already cached"</dt><dd data-testid="already-cached">{summary.already_cached}</dd>
                <dt>"Estimated cost"</dt>
                <dd data-testid="estimate">{format!("{} credits, about {}", summary.estimated_credits, usd(summary.estimated_usd))}</dd>
            </dl>
            {summary.converted_from.clone().map(|from| view! { <p class="mt-2 text-xs text-amber-800">{format!("Converted from {from} to UTF-8.")}</p> })}
            {summary.outcomes.clone().map(|line| view! {
                <p class="mt-2 rounded-md bg-sky-50 p-2 text-xs text-sky-900" data-testid="outcome-mapping">
                    {line}" The job reports a back-test of the rubric against these outcomes."
                </p>
            })}
            {(summary.rejected_count > 0).then(|| view! {
                <div class="mt-2 rounded-md bg-amber-50 p-2 text-xs text-amber-900" data-testid="rejected-rows">
                    <p class="font-medium">{format!("{} rows left out:", summary.rejected_count)}</p>
                    <ul class="mt-1 list-disc pl-4">
                        {summary.rejected.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                    </ul>
                </div>
            })}
            <p class="mt-2 truncate text-xs text-slate-500">{summary.sample.join(", ")}</p>
            <div class="mt-3"><BudgetField budget /></div>
            <div class="mt-3 flex gap-2">
                <button
                    type="button"
                    class="flex-1 rounded-md bg-emerald-600 px-3 py-2 font-semibold text-white hover:bg-emerald-700 disabled:opacity-50"
                    disabled=move || starting.get()
                    on:click=move |_| on_start.run(())
                >
                    {move || if starting.get() { "Starting…" } else { "Start research" }}
                </button>
                <button type="button" class="rounded-md px-3 py-2 text-slate-700 ring-1 ring-slate-300" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
            </div>
        </div>
    }
}
