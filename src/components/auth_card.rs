//! The card the sign-in and setup pages sit in, and their form fields.

use leptos::prelude::*;

use crate::server_fns::error::AppError;

#[component]
pub fn AuthCard(title: &'static str, subtitle: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="mx-auto mt-8 max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
            <h1 class="text-xl font-semibold text-slate-900">{title}</h1>
            <p class="mt-1 text-sm text-slate-600">{subtitle}</p>
            <div class="mt-5">{children()}</div>
        </div>
    }
}

/// A labelled input of a form; the hint is its description, not part of its name.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    view! {
        <div class="text-sm">
            <label class="block">
                <span class="font-medium text-slate-700">{label}</span>
                <input
                    type=kind
                    name=name
                    required
                    autocomplete=autocomplete
                    aria-describedby=(!hint.is_empty()).then(|| hint_id.clone())
                    class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-emerald-500 focus:outline-none focus:ring-1 focus:ring-emerald-500"
                />
            </label>
            {(!hint.is_empty()).then(|| view! { <p id=hint_id class="mt-1 text-xs text-slate-500">{hint}</p> })}
        </div>
    }
}

/// The error of a form's last submission, if any.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| view! {
            <p role="alert" class="rounded-md bg-red-50 p-3 text-sm text-red-800">{e.to_string()}</p>
        })
    }
}

pub const SUBMIT: &str = "w-full rounded-md bg-emerald-600 px-3 py-2 text-sm font-semibold text-white hover:bg-emerald-700 disabled:opacity-50";
