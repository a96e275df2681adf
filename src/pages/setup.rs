//! First start: create the admin account with the link the server printed.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::auth_card::{AuthCard, Field, FormError, SUBMIT};
use crate::server_fns::accounts::{Setup, setup_needed};

#[component]
pub fn SetupPage() -> impl IntoView {
    let setup = ServerAction::<Setup>::new();
    let needed = Resource::new(|| (), |_| setup_needed());
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let error = Signal::derive(move || setup.value().get().and_then(Result::err));
    view! {
        <AuthCard title="Create the admin account" subtitle="The first account of this Territory Planner. It can add the rest of the team.">
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || needed.get().map(|needed| match needed {
                    Ok(false) => view! {
                        <p class="text-sm text-slate-700">"Setup is done: an admin exists. " <a class="text-emerald-700 underline" href="/login">"Sign in"</a>"."</p>
                    }.into_any(),
                    Err(e) => view! { <p role="alert" class="text-sm text-red-700">{e.to_string()}</p> }.into_any(),
                    Ok(true) if token().is_empty() => view! {
                        <p class="text-sm text-slate-700" data-testid="setup-needs-link">
                            "Open the setup link the server printed when it started (it ends in "
                            <code class="rounded bg-slate-100 px-1">"/setup?token=…"</code>
                            "). Or start the server with ADMIN_EMAIL and ADMIN_PASSWORD set."
                        </p>
                    }.into_any(),
                    Ok(true) => view! {
                        <ActionForm action=setup attr:class="space-y-4" attr:aria-label="Create the admin account">
                            <input type="hidden" name="token" prop:value=token />
                            <Field label="Your name" name="name" autocomplete="name" />
                            <Field label="Email" name="email" kind="email" autocomplete="username" />
                            <Field label="Password" name="password" kind="password" autocomplete="new-password" hint="At least 10 characters." />
                            <FormError error />
                            <button type="submit" class=SUBMIT disabled=move || setup.pending().get()>"Create the admin account"</button>
                        </ActionForm>
                    }.into_any(),
                })}
            </Suspense>
        </AuthCard>
    }
}
