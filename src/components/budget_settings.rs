//! The monthly budgets on the Settings page: everyone sees them; an admin
//! sets the team's and each account's (an account's own is on the Users page).

use leptos::prelude::*;

use super::{current_user::use_is_admin, format::usd};
use crate::server_fns::settings::{SetBudgets, budget_settings};

const INPUT: &str = "mt-1 block w-40 rounded-md border border-slate-300 px-2 py-1 text-sm";

fn shown(budget: Option<f64>) -> String {
    budget.map_or_else(|| "none".to_string(), usd)
}

#[component]
pub fn BudgetSettingsForm() -> impl IntoView {
    let save = ServerAction::<SetBudgets>::new();
    let current = Resource::new(move || save.version().get(), |_| budget_settings());
    let is_admin = use_is_admin();
    view! {
        <section aria-label="Monthly budgets" class="mb-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <h2 class="font-semibold text-slate-900">"Monthly budgets"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "Every job, lookup, retry, refresh and scheduled run is priced first and refused when a budget has less left. An admin can give one account its own budget on the Users page."
            </p>
            <Transition fallback=|| view! { <p class="mt-2 text-sm text-slate-500">"Loading budgets…"</p> }>
                {move || current.get().map(|result| match result {
                    Err(e) => view! { <p role="alert" class="mt-2 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
                    Ok(b) => view! {
                        <p class="mt-2 text-sm" data-testid="budget-settings">
                            {format!("Team: {} a month. Each account: {} a month. ", shown(b.team_usd), shown(b.each_account_usd))}
                            {match (b.set_by.clone(), b.set_at) {
                                (Some(by), Some(at)) => format!("Set by {by} on {}.", at.format("%Y-%m-%d")),
                                _ => "From the environment (MONTHLY_BUDGET_USD, MONTHLY_BUDGET_PER_USER_USD).".to_string(),
                            }}
                        </p>
                        <Show when=move || is_admin.get()>
                            <ActionForm action=save attr:class="mt-3 flex flex-wrap items-end gap-3" attr:aria-label="Set the monthly budgets">
                                <label class="block text-sm">"Team, USD a month (blank: none)"
                                    <input class=INPUT name="team_usd" inputmode="decimal" value=b.team_usd.map(|v| format!("{v:.2}")).unwrap_or_default() />
                                </label>
                                <label class="block text-sm">"Each account, USD a month (blank: none)"
                                    <input class=INPUT name="each_account_usd" inputmode="decimal" value=b.each_account_usd.map(|v| format!("{v:.2}")).unwrap_or_default() />
                                </label>
                                <button type="submit" class="rounded-md bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-40"
                                    disabled=move || save.pending().get()>"Save budgets"</button>
                            </ActionForm>
                        </Show>
                    }.into_any(),
                })}
            </Transition>
            {move || save.value().get().and_then(Result::err).map(|e| view! { <p role="alert" class="mt-2 text-sm text-red-700">{e.to_string()}</p> })}
        </section>
    }
}
