//! One criterion in the editor: its name, maximum, how options combine,
//! guidance for the model, and its options (id, label, points, guidance).

use leptos::prelude::*;

use super::fields::{PointsField, TextField};
use crate::domain::rubric::{CriterionMode, CriterionOption, Rubric};

/// Reads a value of criterion `key`.
fn read<T: Default>(
    rubric: RwSignal<Rubric>,
    key: &'static str,
    f: impl Fn(&crate::domain::rubric::Criterion) -> T,
) -> T {
    rubric.with(|r| r.criteria.get(key).map(f).unwrap_or_default())
}

#[component]
pub fn CriterionEditor(
    rubric: RwSignal<Rubric>,
    key: &'static str,
    disabled: Signal<bool>,
) -> impl IntoView {
    let edit = move |f: fn(&mut crate::domain::rubric::Criterion, String)| {
        Callback::new(move |value: String| {
            rubric.update(|r| {
                if let Some(c) = r.criteria.get_mut(key) {
                    f(c, value);
                }
            })
        })
    };
    let count = Memo::new(move |_| read(rubric, key, |c| c.options.len()));
    view! {
        <fieldset class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-criterion=key>
            <legend class="px-1 text-sm font-semibold text-slate-800">{move || read(rubric, key, |c| c.label.clone())}</legend>
            <div class="grid gap-3 sm:grid-cols-3">
                <TextField label="Criterion" disabled value=Signal::derive(move || read(rubric, key, |c| c.label.clone()))
                    on_input=edit(|c, v| c.label = v) />
                <PointsField label="Maximum points" disabled testid="criterion-max" value=Signal::derive(move || read(rubric, key, |c| c.max))
                    on_input=Callback::new(move |v| rubric.update(|r| if let Some(c) = r.criteria.get_mut(key) { c.max = v })) />
                <label class="block text-sm">
                    <span class="text-slate-700">"Options"</span>
                    <select class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm" disabled=move || disabled.get()
                        prop:value=move || if read(rubric, key, |c| c.mode == CriterionMode::Additive) { "additive" } else { "single" }
                        on:change=move |ev| {
                            let mode = if event_target_value(&ev) == "additive" { CriterionMode::Additive } else { CriterionMode::Single };
                            rubric.update(|r| if let Some(c) = r.criteria.get_mut(key) { c.mode = mode });
                        }>
                        <option value="single">"One option applies"</option>
                        <option value="additive">"Several add up (capped at the maximum)"</option>
                    </select>
                </label>
            </div>
            <div class="mt-3">
                <TextField label="How the model should choose" rows=2 disabled value=Signal::derive(move || read(rubric, key, |c| c.guidance.clone()))
                    on_input=edit(|c, v| c.guidance = v) />
            </div>
            <table class="mt-3 w-full text-left text-sm">
                <thead class="text-xs uppercase text-slate-500"><tr><th class="w-28">"Id"</th><th>"Label"</th><th class="w-24">"Points"</th><th>"Guidance for the model"</th><th></th></tr></thead>
                <tbody>
                    {move || (0..count.get()).map(|i| view! { <OptionRow rubric key index=i disabled /> }).collect_view()}
                </tbody>
            </table>
            <button type="button" class="mt-2 rounded px-2 py-1 text-xs ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40" disabled=move || disabled.get()
                on:click=move |_| rubric.update(|r| if let Some(c) = r.criteria.get_mut(key) {
                    let n = c.options.len() + 1;
                    c.options.push(CriterionOption { id: format!("option_{n}"), label: format!("Option {n}"), points: 0, description: String::new() });
                })>"Add option"</button>
        </fieldset>
    }
}

#[component]
fn OptionRow(
    rubric: RwSignal<Rubric>,
    key: &'static str,
    index: usize,
    disabled: Signal<bool>,
) -> impl IntoView {
    let get = move |f: fn(&CriterionOption) -> String| {
        Signal::derive(move || {
            read(rubric, key, |c| {
                c.options.get(index).map(f).unwrap_or_default()
            })
        })
    };
    let set = move |f: fn(&mut CriterionOption, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            rubric.update(|r| {
                if let Some(o) = r
                    .criteria
                    .get_mut(key)
                    .and_then(|c| c.options.get_mut(index))
                {
                    f(o, value);
                }
            })
        }
    };
    let cell = "w-full rounded border border-slate-300 px-1 py-0.5 disabled:bg-slate-50";
    let (id, label, description) = (
        get(|o| o.id.clone()),
        get(|o| o.label.clone()),
        get(|o| o.description.clone()),
    );
    let points = get(|o| o.points.to_string());
    view! {
        <tr class="align-top" data-option=move || id.get()>
            <td class="py-1 pr-2"><input class=cell aria-label="Option id" disabled=move || disabled.get() prop:value=move || id.get() on:input=set(|o, v| o.id = v) /></td>
            <td class="py-1 pr-2"><input class=cell aria-label="Option label" disabled=move || disabled.get() prop:value=move || label.get() on:input=set(|o, v| o.label = v) /></td>
            <td class="py-1 pr-2"><input type="number" min="0" max="100" class=cell aria-label="Option points" data-testid="option-points" disabled=move || disabled.get()
                prop:value=move || points.get()
                on:input=set(|o, v| if let Ok(p) = v.trim().parse() { o.points = p }) /></td>
            <td class="py-1 pr-2"><input class=cell aria-label="Option guidance" disabled=move || disabled.get() prop:value=move || description.get() on:input=set(|o, v| o.description = v) /></td>
            <td class="py-1">
                <button type="button" class="rounded px-1 text-xs text-red-700 ring-1 ring-red-200 disabled:opacity-40" aria-label="Remove option" disabled=move || disabled.get()
                    on:click=move |_| rubric.update(|r| if let Some(c) = r.criteria.get_mut(key) && index < c.options.len() { c.options.remove(index); })>"Remove"</button>
            </td>
        </tr>
    }
}
