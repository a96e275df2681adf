//! The editor's inputs: each reads one value of the rubric being edited and
//! writes it back on every keystroke (`prop:value`, so a re-render shows
//! what is stored).

use leptos::prelude::*;

const INPUT: &str =
    "mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm disabled:bg-slate-50";

#[component]
pub fn TextField(
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
    #[prop(optional)] rows: u32,
    #[prop(optional)] testid: &'static str,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let field = if rows > 0 {
        view! {
            <textarea class=INPUT rows=rows data-testid=testid disabled=move || disabled.get()
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))></textarea>
        }
        .into_any()
    } else {
        view! {
            <input type="text" class=INPUT data-testid=testid disabled=move || disabled.get()
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev)) />
        }
        .into_any()
    };
    view! {
        <label class="block text-sm">
            <span class="text-slate-700">{label}</span>
            {field}
        </label>
    }
}

/// A whole number of points; what is not a number is not stored (the field shows the last number).
#[component]
pub fn PointsField(
    label: &'static str,
    #[prop(into)] value: Signal<u32>,
    on_input: Callback<u32>,
    #[prop(optional)] testid: &'static str,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <label class="block text-sm">
            <span class="text-slate-700">{label}</span>
            <input type="number" min="0" max="100" step="1" class=INPUT data-testid=testid aria-label=label
                disabled=move || disabled.get()
                prop:value=move || value.get().to_string()
                on:input=move |ev| {
                    if let Ok(points) = event_target_value(&ev).trim().parse::<u32>() {
                        on_input.run(points);
                    }
                } />
        </label>
    }
}
