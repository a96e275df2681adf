//! An action that asks first, inline (never a browser dialog): one that
//! destroys (red), or one that spends money (amber, the price in the question).

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
    /// It spends money rather than destroying something.
    #[prop(optional)]
    spends: bool,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let (button, group, confirm, keep) = if spends {
        (
            "rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40",
            "inline-flex flex-wrap items-center gap-2 rounded-md bg-amber-50 px-2 py-1 text-sm text-amber-900",
            "rounded bg-emerald-600 px-2 py-1 text-white",
            "rounded px-2 py-1 ring-1 ring-amber-300",
        )
    } else {
        (
            "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 text-red-700 disabled:opacity-40",
            "inline-flex items-center gap-2 rounded-md bg-red-50 px-2 py-1 text-sm text-red-800",
            "rounded bg-red-600 px-2 py-1 text-white",
            "rounded px-2 py-1 ring-1 ring-red-300",
        )
    };
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button type="button" class=button disabled=move || disabled.get() on:click=move |_| confirming.set(true)>{label}</button>
            }
        >
            <span role="group" class=group>
                {move || question.get()}
                <button type="button" class=confirm
                    on:click=move |_| { confirming.set(false); on_confirm.run(()); }>{label}</button>
                <button type="button" class=keep on:click=move |_| confirming.set(false)>{if spends { "Cancel" } else { "Keep" }}</button>
            </span>
        </Show>
    }
}
