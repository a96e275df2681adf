//! A destructive action that asks first, inline (never a browser dialog).

use leptos::prelude::*;

#[component]
pub fn ConfirmButton(
    /// The button's label, also the confirming button's.
    label: &'static str,
    /// The question asked before acting.
    #[prop(into)]
    question: Signal<String>,
    on_confirm: Callback<()>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let button = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 text-red-700 disabled:opacity-40";
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button type="button" class=button disabled=move || disabled.get() on:click=move |_| confirming.set(true)>{label}</button>
            }
        >
            <span role="group" class="inline-flex items-center gap-2 rounded-md bg-red-50 px-2 py-1 text-sm text-red-800">
                {move || question.get()}
                <button type="button" class="rounded bg-red-600 px-2 py-1 text-white"
                    on:click=move |_| { confirming.set(false); on_confirm.run(()); }>{label}</button>
                <button type="button" class="rounded px-2 py-1 ring-1 ring-red-300" on:click=move |_| confirming.set(false)>"Keep"</button>
            </span>
        </Show>
    }
}
