//! Sign in with email and password.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::auth_card::{AuthCard, Field, FormError, SUBMIT};
use crate::server_fns::accounts::Login;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = Signal::derive(move || login.value().get().and_then(Result::err));
    view! {
        <AuthCard title="Sign in" subtitle="Territory Planner is for your team's accounts. Sign in to see the jobs and start research.">
            <ActionForm action=login attr:class="space-y-4" attr:aria-label="Sign in">
                <input type="hidden" name="next" prop:value=next />
                <Field label="Email" name="email" kind="email" autocomplete="username" />
                <Field label="Password" name="password" kind="password" autocomplete="current-password" />
                <FormError error />
                <button type="submit" class=SUBMIT disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p class="mt-4 text-xs text-slate-500">
                "Forgot your password? An admin can set a temporary one on the Users page."
            </p>
        </AuthCard>
    }
}
