//! What a person does with a company waiting for review: see why it waits
//! (the validator's verdict, its issues, the companies the name could mean,
//! the sources found), then research it again with a website or a better
//! name (the price is shown first), accept it as it is, or mark it as not a
//! company. The job's live page follows through its events.

use leptos::prelude::*;

use super::{auth_card::FormError, format::usd, source_link::SourceLink};
use crate::{
    domain::{
        job::{CompanyStatus, ReviewReason},
        views::CompanyView,
    },
    server_fns::review::{AcceptCompany, MarkNotACompany, ResearchAgain, research_price},
};

const BUTTON: &str = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40";

#[component]
pub fn ReviewPanel(
    company: CompanyView,
    job_id: i32,
    /// Told when an action went through (the review page lists again).
    #[prop(optional)]
    on_done: Option<Callback<()>>,
) -> impl IntoView {
    let Some(reason) = company.review else {
        return ().into_any();
    };
    let research = ServerAction::<ResearchAgain>::new();
    let accept = ServerAction::<AcceptCompany>::new();
    let skip = ServerAction::<MarkNotACompany>::new();
    let price = Resource::new(|| (), |_| research_price());
    let error = Signal::derive(move || {
        [
            research.value().get(),
            accept.value().get(),
            skip.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
    });
    let done = Signal::derive(move || {
        [
            research.value().get(),
            accept.value().get(),
            skip.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::ok)
    });
    Effect::new(move |_| {
        if done.get().is_some()
            && let Some(on_done) = on_done
        {
            on_done.run(());
        }
    });
    let id = company.id;
    let hidden = move || {
        view! {
            <input type="hidden" name="job_id" value=job_id.to_string() />
            <input type="hidden" name="company_id" value=id.to_string() />
        }
    };
    let scored = company.status == CompanyStatus::Completed;
    let placeholder_site = company
        .website
        .clone()
        .unwrap_or_else(|| "example.com".into());
    view! {
        <section class="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="review-panel" data-review=reason.as_str()>
            <div>
                <h4 class="font-semibold text-amber-900">{format!("Needs review: {}", reason.label())}</h4>
                <p class="text-amber-900">{reason.explain()}</p>
                {company.validation_verdict.clone().map(|v| view! { <p class="mt-1 text-slate-700">"Validator: " {v}</p> })}
                {(!company.validation_issues.is_empty()).then(|| view! {
                    <p class="text-xs text-slate-600">"Issues: " {company.validation_issues.join("; ")}</p>
                })}
                {(!company.validation_candidates.is_empty()).then(|| view! {
                    <div class="mt-1">
                        <p class="text-slate-700">"The name could mean:"</p>
                        <ul class="ml-4 list-disc text-slate-700" data-testid="candidates">
                            {company.validation_candidates.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}
                        </ul>
                    </div>
                })}
                {(reason != ReviewReason::NearThreshold && !company.sources.is_empty()).then(|| view! {
                    <details class="mt-1 text-xs">
                        <summary class="cursor-pointer text-slate-600">{format!("What the search found ({} sources)", company.sources.len())}</summary>
                        <ul class="mt-1 space-y-0.5">
                            {company.sources.iter().map(|s| view! {
                                <li class="truncate"><SourceLink class="text-emerald-700 underline" url=s.url.clone() text=s.title.clone() /></li>
                            }).collect_view()}
                        </ul>
                    </details>
                })}
            </div>
            <ActionForm action=research attr:class="flex flex-wrap items-end gap-2" attr:aria-label="Research again">
                {hidden()}
                <label class="text-xs text-slate-700">"Website"
                    <input type="text" name="website" placeholder=placeholder_site class="mt-0.5 block w-44 rounded-md border border-slate-300 px-2 py-1 text-sm" />
                </label>
                <label class="text-xs text-slate-700">"or a corrected name"
                    <input type="text" name="name" placeholder=company.name.clone() class="mt-0.5 block w-44 rounded-md border border-slate-300 px-2 py-1 text-sm" />
                </label>
                <button type="submit" class=BUTTON disabled=move || research.pending().get()>"Research again"</button>
                <span class="text-xs text-slate-600" data-testid="research-price">
                    {move || price.get().and_then(Result::ok).map(|p| format!(
                        "Costs at most {} ({} Tavily credits and the model's tokens); nothing if the research cache has it.",
                        usd(p.usd), p.credits
                    ))}
                </span>
            </ActionForm>
            <div class="flex flex-wrap gap-2">
                {scored.then(|| view! {
                    <ActionForm action=accept attr:aria-label="Accept as is">
                        {hidden()}
                        <button type="submit" class=BUTTON disabled=move || accept.pending().get()>"Accept as is"</button>
                    </ActionForm>
                })}
                <ActionForm action=skip attr:aria-label="Not a company">
                    {hidden()}
                    <button type="submit" class=format!("{BUTTON} text-red-700") disabled=move || skip.pending().get()>"Not a company"</button>
                </ActionForm>
            </div>
            <FormError error />
            {move || done.get().map(|c| view! {
                <p role="status" class="text-emerald-800">{match c.status {
                    CompanyStatus::Pending | CompanyStatus::Researching => format!("{} is queued for research again.", c.name),
                    CompanyStatus::Skipped => format!("{} is marked as not a company.", c.name),
                    _ => format!("{} is accepted.", c.name),
                }}</p>
            })}
        </section>
    }
    .into_any()
}
