//! A job's budget on its page: what it may spend, and, while it waits at its
//! budget, a form to raise it (the job goes on at once).

use leptos::prelude::*;

use super::{auth_card::FormError, format::usd};
use crate::{domain::views::JobView, server_fns::jobs::SetJobBudget};

/// "Budget: $0.50" beside the cost, while the job has one.
pub fn budget_line(job: &JobView) -> Option<String> {
    job.budget_usd
        .map(|cap| format!("{} of {}", usd(job.total_cost_usd), usd(cap)))
}

/// The form to raise the budget, a chunk of its own (`#[lazy]`): most job
/// pages never show it.
#[lazy]
pub fn raise_budget_view(job_id: i32, on_changed: Callback<()>) -> AnyView {
    let raise = ServerAction::<SetJobBudget>::new();
    Effect::new(move |_| {
        if raise.value().get().is_some_and(|r| r.is_ok()) {
            on_changed.run(());
        }
    });
    let error = Signal::derive(move || raise.value().get().and_then(Result::err));
    view! {
        <ActionForm action=raise attr:class="mt-3 flex flex-wrap items-end gap-2 text-sm" attr:aria-label="Raise the budget">
            <input type="hidden" name="id" value=job_id.to_string() />
            <label class="text-xs text-slate-700">"New budget in USD (blank: no cap)"
                <input type="text" name="budget_usd" inputmode="decimal" data-testid="new-budget"
                    class="mt-0.5 block w-40 rounded-md border border-slate-300 px-2 py-1 text-sm" />
            </label>
            <button type="submit" class="rounded-md bg-emerald-600 px-3 py-1.5 font-medium text-white disabled:opacity-40"
                disabled=move || raise.pending().get()>"Raise budget"</button>
            <FormError error />
        </ActionForm>
    }
    .into_any()
}
