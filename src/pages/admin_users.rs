//! Admins: the team's accounts. Create users with a temporary password,
//! change roles, disable and enable, set a temporary password, see last sign-ins.

use leptos::prelude::*;

use crate::components::{
    auth_card::{Field, FormError},
    browser::local_time,
    current_user::use_current_user,
    page_header::PageHeader,
};
use crate::domain::account::{Role, UserChange, UserView};
use crate::server_fns::accounts::{
    CreateUser, SetTemporaryPassword, SetUserBudget, list_users, set_disabled, set_role,
    set_user_budget,
};

const BUTTON: &str = "rounded-md px-2 py-1 text-xs font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40";

#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let password = ServerAction::<SetTemporaryPassword>::new();
    let budget = ServerAction::<SetUserBudget>::new();
    let change = Action::new(|(id, change): &(i32, UserChange)| {
        let (id, change) = (*id, change.clone());
        async move {
            match change {
                UserChange::Role(role) => set_role(id, role).await,
                UserChange::Disabled(disabled) => set_disabled(id, disabled).await,
                UserChange::TemporaryPassword(password) => {
                    crate::server_fns::accounts::set_temporary_password(id, password).await
                }
                UserChange::MonthlyBudget(budget) => set_user_budget(id, budget).await,
            }
        }
    });
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                change.version().get(),
                password.version().get(),
                budget.version().get(),
            )
        },
        |_| list_users(),
    );
    let error = Signal::derive(move || {
        [
            create.value().get(),
            password.value().get(),
            budget.value().get(),
            change.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
    });
    view! {
        <PageHeader title="Users" subtitle="Everyone signed in sees the team's jobs and starts research; admins also manage users, the cache and anyone's jobs." />
        <div class="grid gap-6 lg:grid-cols-3">
            <section class="rounded-lg border border-slate-200 bg-white p-5 shadow-sm lg:col-span-1">
                <h2 class="font-semibold text-slate-900">"Add a user"</h2>
                <ActionForm action=create attr:class="mt-4 space-y-3" attr:aria-label="Add a user">
                    <Field label="Name" name="name" />
                    <Field label="Email" name="email" kind="email" />
                    <label class="block text-sm">
                        <span class="font-medium text-slate-700">"Role"</span>
                        <select name="role" class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm">
                            <option value="member" selected>"Member"</option>
                            <option value="admin">"Admin"</option>
                        </select>
                    </label>
                    <Field label="Temporary password" name="temporary_password" kind="text" hint="Give it to them; they choose their own at the first sign-in." />
                    <button type="submit" class="w-full rounded-md bg-emerald-600 px-3 py-2 text-sm font-semibold text-white hover:bg-emerald-700" disabled=move || create.pending().get()>"Add user"</button>
                </ActionForm>
            </section>
            <section class="lg:col-span-2">
                <FormError error />
                <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading users…"</p> }>
                    {move || users.get().map(|list| match list {
                        Ok(list) => view! { <UserTable list change password budget /> }.into_any(),
                        Err(e) => view! { <p role="alert" class="text-sm text-red-700">{e.to_string()}</p> }.into_any(),
                    })}
                </Transition>
            </section>
        </div>
    }
}

#[component]
fn UserTable(
    list: Vec<UserView>,
    change: Action<(i32, UserChange), Result<UserView, crate::server_fns::error::AppError>>,
    password: ServerAction<SetTemporaryPassword>,
    budget: ServerAction<SetUserBudget>,
) -> impl IntoView {
    let me = use_current_user();
    view! {
        <table class="w-full rounded-lg border border-slate-200 bg-white text-left text-sm shadow-sm">
            <thead class="bg-slate-50 text-xs uppercase text-slate-500">
                <tr><th class="px-3 py-2">"User"</th><th>"Role"</th><th>"Last sign-in"</th><th>"Monthly budget"</th><th>"Actions"</th></tr>
            </thead>
            <tbody class="divide-y divide-slate-100">
                {list.into_iter().map(|u| {
                    let id = u.id;
                    let myself = move || me.get().and_then(|m| m.id) == Some(id);
                    let other_role = if u.role == Role::Admin { Role::Member } else { Role::Admin };
                    // The property too: a re-rendered row keeps its input, whose typed value would stay.
                    let budget_text = u.monthly_budget_usd.map(|b| format!("{b:.2}")).unwrap_or_default();
                    view! {
                        <tr data-user=u.email.clone() class=if u.disabled { "text-slate-400" } else { "" }>
                            <td class="px-3 py-2">
                                <div class="font-medium">{u.name.clone()}</div>
                                <div class="text-xs text-slate-500">{u.email.clone()}</div>
                                {u.disabled.then(|| view! { <span class="rounded bg-slate-200 px-1.5 text-xs text-slate-700">"disabled"</span> })}
                                {u.must_change_password.then(|| view! { <span class="rounded bg-amber-100 px-1.5 text-xs text-amber-800">"temporary password"</span> })}
                            </td>
                            <td>{u.role.label()}</td>
                            <td data-testid="last-login">{u.last_login_at.as_ref().map_or_else(|| "never".to_string(), local_time)}</td>
                            <td class="py-2">
                                <ActionForm action=budget attr:class="flex gap-1" attr:aria-label="Set the monthly budget">
                                    <input type="hidden" name="id" value=id.to_string() />
                                    <input type="text" name="monthly_budget_usd" inputmode="decimal" placeholder="team default"
                                        value=budget_text.clone() prop:value=budget_text
                                        aria-label=format!("Monthly budget of {} in USD", u.name)
                                        class="w-24 rounded-md border border-slate-300 px-2 py-1 text-xs" />
                                    <button type="submit" class=BUTTON>"Save"</button>
                                </ActionForm>
                            </td>
                            <td class="space-y-1 py-2">
                                <div class="flex flex-wrap gap-1">
                                    <button type="button" class=BUTTON disabled=myself
                                        on:click=move |_| { change.dispatch((id, UserChange::Role(other_role))); }>
                                        {format!("Make {}", other_role.label().to_lowercase())}
                                    </button>
                                    <button type="button" class=BUTTON disabled=myself
                                        on:click=move |_| { change.dispatch((id, UserChange::Disabled(!u.disabled))); }>
                                        {if u.disabled { "Enable" } else { "Disable" }}
                                    </button>
                                </div>
                                <ActionForm action=password attr:class="flex gap-1" attr:aria-label="Set a temporary password">
                                    <input type="hidden" name="id" value=id.to_string() />
                                    <input type="text" name="temporary_password" required placeholder="Temporary password" class="w-40 rounded-md border border-slate-300 px-2 py-1 text-xs" />
                                    <button type="submit" class=BUTTON>"Set"</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
