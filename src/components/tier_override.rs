//! A tier set by hand, with a note: it holds for this company and rubric in
//! every job and re-run until someone removes it.

use leptos::prelude::*;

use super::{auth_card::FormError, browser::local_time, company_table::tier_label};
use crate::{
    domain::{rubric::PriorityTier, views::CompanyView},
    server_fns::review::{RemoveTier, SetTier},
};

const BUTTON: &str = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40";

#[component]
pub fn TierOverride(
    company: CompanyView,
    job_id: i32,
    tier_labels: Vec<(String, String)>,
) -> impl IntoView {
    let set = ServerAction::<SetTier>::new();
    let remove = ServerAction::<RemoveTier>::new();
    let error = Signal::derive(move || {
        [set.value().get(), remove.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
    });
    let saved = Signal::derive(move || {
        [set.value().get(), remove.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::ok)
    });
    let id = company.id;
    let current = company.tier_override.clone();
    let labels = tier_labels.clone();
    let overridden = current.is_some();
    let chosen = current.as_ref().map(|o| o.tier);
    view! {
        <section class="space-y-2 rounded-md border border-slate-200 bg-white p-3 text-sm" data-testid="tier-override">
            <h4 class="font-medium text-slate-800">"Tier set by hand"</h4>
            {current.clone().map(|o| {
                let model = o.model_tier.map(|t| tier_label(&labels, t)).unwrap_or_else(|| "none".into());
                view! {
                    <p class="text-slate-700" data-testid="override-note">
                        {format!("{} (the model said {model}): “{}” by {}", tier_label(&labels, o.tier), o.note, o.set_by)}
                        {o.set_at.map(|at| format!(", {}", local_time(&at)))}
                    </p>
                }
            })}
            <ActionForm action=set attr:class="flex flex-wrap items-end gap-2" attr:aria-label="Set the tier">
                <input type="hidden" name="job_id" value=job_id.to_string() />
                <input type="hidden" name="company_id" value=id.to_string() />
                <label class="text-xs text-slate-700">"Tier"
                    <select name="tier" class="mt-0.5 block rounded-md border border-slate-300 px-2 py-1 text-sm">
                        {PriorityTier::ALL.into_iter().map(|t| view! {
                            <option value=t.as_str() selected=chosen == Some(t)>{tier_label(&tier_labels, t)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="text-xs text-slate-700">"Why"
                    <input type="text" name="note" required maxlength="500" placeholder="What you know that the model does not"
                        class="mt-0.5 block w-72 rounded-md border border-slate-300 px-2 py-1 text-sm" />
                </label>
                <button type="submit" class=BUTTON disabled=move || set.pending().get()>"Set tier"</button>
            </ActionForm>
            {overridden.then(|| view! {
                <ActionForm action=remove attr:aria-label="Remove the tier set by hand">
                    <input type="hidden" name="job_id" value=job_id.to_string() />
                    <input type="hidden" name="company_id" value=id.to_string() />
                    <button type="submit" class=BUTTON disabled=move || remove.pending().get()>"Use the model's tier again"</button>
                </ActionForm>
            })}
            <p class="text-xs text-slate-500">"Kept for this company and rubric in every job and re-run until removed; exported beside the model's tier."</p>
            <FormError error />
            {move || saved.get().map(|c| view! {
                <p role="status" class="text-emerald-800">{format!("Saved: {} is now {}.", c.name, c.priority_tier.map(|t| t.as_str()).unwrap_or("unscored"))}</p>
            })}
        </section>
    }
}
