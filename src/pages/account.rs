//! The signed-in person's page: their password and their API tokens.

use leptos::prelude::*;

use crate::components::{
    auth_card::{Field, FormError},
    browser::local_time,
    confirm::ConfirmButton,
    current_user::use_current_user,
    page_header::PageHeader,
};
use crate::domain::account::{NewToken, TokenView};
use crate::server_fns::accounts::{ChangePassword, CreateToken, list_tokens, revoke_token};

const BUTTON: &str = "rounded-md bg-emerald-600 px-3 py-2 text-sm font-semibold text-white hover:bg-emerald-700 disabled:opacity-50";

#[component]
pub fn AccountPage() -> impl IntoView {
    let user = use_current_user();
    view! {
        <PageHeader title="Account" subtitle="Your password, and the API tokens your scripts use." />
        <Transition fallback=|| ()>
            {move || user.get().map(|u| view! {
                <p class="mb-6 text-sm text-slate-700" data-testid="account-summary">
                    {format!("{} · {} · {}", u.name, if u.email.is_empty() { "no email" } else { &u.email }, u.role.label())}
                </p>
                {u.must_change_password.then(|| view! {
                    <p role="alert" class="mb-6 rounded-md bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-200">
                        "An admin set a temporary password for you. Choose your own below to go on."
                    </p>
                })}
                {if u.local_mode {
                    view! {
                        <p class="rounded-md bg-slate-100 p-4 text-sm text-slate-700">
                            "Sign-in is off (AUTH_MODE=off), so there are no passwords or tokens. Everyone on this machine is an admin."
                        </p>
                    }.into_any()
                } else {
                    view! {
                        <div class="grid gap-6 lg:grid-cols-2">
                            <PasswordForm />
                            <Tokens />
                        </div>
                    }.into_any()
                }}
            })}
        </Transition>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            <h2 class="font-semibold text-slate-900">"Change your password"</h2>
            <ActionForm action=change attr:class="mt-4 space-y-3" attr:aria-label="Change your password">
                <Field label="Current password" name="current" kind="password" autocomplete="current-password" />
                <Field label="New password" name="new" kind="password" autocomplete="new-password" hint="At least 10 characters." />
                <Field label="New password again" name="confirm" kind="password" autocomplete="new-password" />
                <FormError error />
                {move || change.value().get().and_then(Result::ok).map(|()| view! {
                    <p role="status" class="rounded-md bg-emerald-50 p-3 text-sm text-emerald-800">"Password changed."</p>
                })}
                <button type="submit" class=BUTTON disabled=move || change.pending().get()>"Change password"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = Action::new(|id: &i32| revoke_token(*id));
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let error = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
    });
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            <h2 class="font-semibold text-slate-900">"API tokens"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "A token lets a script use the REST API as you. Send it as "
                <code class="rounded bg-slate-100 px-1">"Authorization: Bearer <token>"</code>"."
            </p>
            <ActionForm action=create attr:class="mt-4 flex items-end gap-2" attr:aria-label="Create a token">
                <div class="flex-1"><Field label="Token name" name="name" hint="What it is for, e.g. quarterly export script." /></div>
                <button type="submit" class=BUTTON disabled=move || create.pending().get()>"Create token"</button>
            </ActionForm>
            <FormError error />
            {move || create.value().get().and_then(Result::ok).map(|new| view! { <NewTokenBox new /> })}
            <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading tokens…"</p> }>
                {move || tokens.get().map(|list| match list {
                    Ok(list) if list.is_empty() => view! { <p class="mt-4 text-sm text-slate-500">"No tokens yet."</p> }.into_any(),
                    Ok(list) => view! { <TokenList list revoke=Callback::new(move |id| { revoke.dispatch(id); }) /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="mt-4 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NewTokenBox(new: NewToken) -> impl IntoView {
    let example = format!(
        "curl -H \"Authorization: Bearer {}\" \"$SERVER/api/jobs\"",
        new.secret
    );
    view! {
        <div class="mt-4 rounded-md bg-emerald-50 p-3 text-sm text-emerald-900 ring-1 ring-emerald-200" data-testid="new-token">
            <p class="font-medium">{format!("Token \"{}\" created. Copy it now: it is not shown again.", new.token.name)}</p>
            <code class="mt-2 block select-all break-all rounded bg-white p-2 font-mono text-xs" data-testid="token-secret">{new.secret.clone()}</code>
            <p class="mt-2 text-xs">"For example:"</p>
            <code class="mt-1 block select-all break-all rounded bg-white p-2 font-mono text-xs">{example}</code>
        </div>
    }
}

#[component]
fn TokenList(list: Vec<TokenView>, revoke: Callback<i32>) -> impl IntoView {
    view! {
        <table class="mt-4 w-full text-left text-sm">
            <thead class="text-xs uppercase text-slate-500">
                <tr><th class="py-1">"Name"</th><th>"Token"</th><th>"Created"</th><th>"Last used"</th><th></th></tr>
            </thead>
            <tbody class="divide-y divide-slate-100">
                {list.into_iter().map(|t| {
                    let id = t.id;
                    let name = t.name.clone();
                    view! {
                        <tr data-token=t.name.clone()>
                            <td class="py-2 font-medium">{t.name.clone()}</td>
                            <td class="font-mono text-xs">{format!("{}…", t.prefix)}</td>
                            <td>{local_time(&t.created_at)}</td>
                            <td>{t.last_used_at.as_ref().map_or_else(|| "never".to_string(), local_time)}</td>
                            <td class="text-right">
                                {match t.revoked_at {
                                    Some(at) => view! { <span class="text-xs text-slate-500">{format!("revoked {}", local_time(&at))}</span> }.into_any(),
                                    None => view! {
                                        <ConfirmButton label="Revoke" question=format!("Revoke {name}? Scripts using it stop working.")
                                            on_confirm=Callback::new(move |()| revoke.run(id)) />
                                    }.into_any(),
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
