//! This month's spend against each monthly budget that applies (the team's,
//! yours), on the dashboard; nothing without budgets.

use leptos::prelude::*;

use super::badges::ProgressBar;
use crate::{domain::budget::MonthBudget, server_fns::settings::month_budgets};

#[component]
pub fn MonthSpend() -> impl IntoView {
    let months = Resource::new(|| (), |_| month_budgets());
    view! {
        <Transition fallback=|| ()>
            {move || months.get().and_then(Result::ok).filter(|m| !m.is_empty()).map(|months| view! {
                <section class="mb-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-label="Monthly budgets" data-testid="month-spend">
                    <h2 class="text-sm font-semibold text-slate-900">"Monthly budgets"</h2>
                    {months.into_iter().map(|m| view! { <BudgetBar month=m /> }).collect_view()}
                </section>
            })}
        </Transition>
    }
}

#[component]
fn BudgetBar(month: MonthBudget) -> impl IntoView {
    let used = if month.budget_usd > 0.0 {
        ((month.spent_usd + month.set_aside_usd) / month.budget_usd * 100.0).min(100.0)
    } else {
        100.0
    };
    view! {
        <div class="mt-2 flex items-center gap-3 text-sm">
            <ProgressBar percent=Signal::derive(move || used) />
            <span class="whitespace-nowrap text-slate-700">{month.summary()}</span>
        </div>
    }
}
