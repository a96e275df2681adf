//! The signed-in person in the navigation: their name, their account page,
//! the admin pages for admins, and signing out.

use leptos::prelude::*;

use super::current_user::use_current_user;
use crate::server_fns::accounts::Logout;

#[component]
pub fn UserMenu() -> impl IntoView {
    let user = use_current_user();
    let logout = ServerAction::<Logout>::new();
    let link = "rounded-md px-3 py-2 text-sm font-medium text-slate-200 hover:bg-slate-700 hover:text-white";
    view! {
        <Transition fallback=|| ()>
            {move || user.get().map(|u| view! {
                <div class="flex flex-wrap items-center gap-1" data-testid="user-menu">
                    {u.is_admin().then(|| view! {
                        <a href="/admin/users" class=link>"Users"</a>
                        <a href="/admin/audit" class=link>"Audit log"</a>
                    })}
                    <a href="/account" class=link title=u.email.clone() data-testid="signed-in-as">
                        {u.name.clone()}
                        <span class="ml-1 rounded bg-slate-700 px-1.5 py-0.5 text-xs text-slate-200">{u.role.label()}</span>
                    </a>
                    {(!u.local_mode).then(|| view! {
                        <ActionForm action=logout>
                            <button type="submit" class=link>"Sign out"</button>
                        </ActionForm>
                    })}
                </div>
            })}
        </Transition>
    }
}
