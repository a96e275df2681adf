//! One company's expanded row: what it does, why it scored so, the sources.

use leptos::prelude::*;

use super::{
    browser::{local_time, now},
    format::{duration, funding, usd},
    review_panel::ReviewPanel,
    score_history::ScoreHistory,
    source_link::SourceLink,
    tier_override::TierOverride,
};
use crate::{
    domain::{
        cache,
        job::{CompanyStatus, USD_PER_TAVILY_CREDIT},
        views::{CompanyView, CriterionView},
    },
    server_fns::jobs::get_company,
};

fn line(label: &'static str, value: Option<String>) -> impl IntoView {
    value
        .filter(|v| !v.is_empty())
        .map(|v| view! { <div><dt class="inline text-slate-500">{label} ": "</dt><dd class="inline">{v}</dd></div> })
}

/// Where the evidence came from and how old it is.
fn provenance(c: &CompanyView) -> String {
    let fetched = c
        .evidence_fetched_at
        .map(|at| {
            format!(
                "fetched {} ({} old)",
                local_time(&at),
                cache::age(at, now())
            )
        })
        .unwrap_or_default();
    if c.cache_hit {
        format!(
            "Evidence from the research cache, {fetched}; saved {} credits ({}).",
            c.credits_saved,
            usd(c.credits_saved * USD_PER_TAVILY_CREDIT)
        )
    } else {
        format!("Evidence searched for this job, {fetched}.")
    }
}

/// A row's details as a chunk of their own (`#[lazy]`): the browser fetches
/// their code the first time a row opens, not with the job page.
#[lazy]
pub fn details_view(
    job_id: i32,
    company_id: i32,
    criteria: Vec<CriterionView>,
    tier_labels: Vec<(String, String)>,
) -> AnyView {
    view! { <CompanyDetailsLoader job_id company_id criteria tier_labels /> }.into_any()
}

/// A row's details, loaded when it opens (the table rebuilds a row, and so
/// loads it again, when its company moves on).
#[component]
pub fn CompanyDetailsLoader(
    job_id: i32,
    company_id: i32,
    criteria: Vec<CriterionView>,
    tier_labels: Vec<(String, String)>,
) -> impl IntoView {
    let company = Resource::new(move || (), move |_| get_company(job_id, company_id));
    view! {
        <Suspense fallback=|| view! { <p class="p-4 text-sm text-slate-500">"Loading the research…"</p> }>
            {move || company.get().map(|result| match result {
                Ok(company) => view! { <CompanyDetails company criteria=criteria.clone() tier_labels=tier_labels.clone() /> }.into_any(),
                Err(error) => view! { <p role="alert" class="m-4 rounded-md bg-red-50 p-3 text-sm text-red-800">{error.to_string()}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
pub fn CompanyDetails(
    company: CompanyView,
    criteria: Vec<CriterionView>,
    tier_labels: Vec<(String, String)>,
) -> impl IntoView {
    let c = company;
    let job_id = c.job_id;
    if c.review.is_some() && c.status != CompanyStatus::Completed {
        return view! { <div class="p-4"><ReviewPanel company=c job_id /></div> }.into_any();
    }
    if c.status != CompanyStatus::Completed {
        let reason = c.error_message.clone().unwrap_or_else(|| match c.status {
            CompanyStatus::Pending => "Waiting to be researched.".into(),
            CompanyStatus::Researching => format!("Being researched ({}).", c.stage),
            _ => "No result.".into(),
        });
        return view! {
            <div class="space-y-2 p-4 text-sm">
                <p class=if c.status == CompanyStatus::Failed { "rounded-md bg-red-50 p-3 text-red-800" } else { "text-slate-600" }>{reason}</p>
                {c.validation_verdict.clone().map(|v| view! { <p class="text-slate-600">"Validator: " {v}</p> })}
                <p class="text-xs text-slate-500">{format!("{} search(es), {} credits, {}", c.search_attempts, c.tavily_credits_used, usd(c.cost_usd))}</p>
            </div>
        }
        .into_any();
    }
    let breakdown = c.score_breakdown.clone().unwrap_or_default();
    let keys = ["use_case", "scale_budget", "growth", "confidence"];
    view! {
        {c.review.is_some().then(|| view! { <div class="px-4 pt-4"><ReviewPanel company=c.clone() job_id /></div> })}
        <div class="grid gap-4 p-4 text-sm md:grid-cols-2">
            <div class="space-y-2">
                <p class="text-slate-800">{c.description.clone()}</p>
                <dl class="space-y-1 text-slate-700">
                    {line("Industry", c.industry.clone())}
                    {line("Business model", c.business_model.clone())}
                    {line("Headquarters", c.headquarters.clone())}
                    {line("Founded", c.founded_year.map(|y| y.to_string()))}
                    {line("Employees", c.employee_count.clone())}
                    {line("Funding", Some(funding(c.funding_millions, c.total_funding.as_deref())))}
                    {line("Last round", c.last_round.clone())}
                    {line("Investors", Some(c.investors.join(", ")))}
                </dl>
                {c.gpu_use_case_label.clone().map(|label| view! { <p class="text-slate-800" data-testid="use-case">"Use case: " {label}</p> })}
                <p class="italic text-slate-700">{c.gpu_analysis_reasoning.clone()}</p>
                {(!c.signals_positive.is_empty()).then(|| view! { <p class="text-green-800">"+ " {c.signals_positive.join("; ")}</p> })}
                {(!c.signals_negative.is_empty()).then(|| view! { <p class="text-red-800">"− " {c.signals_negative.join("; ")}</p> })}
                <p class="rounded-md bg-emerald-50 p-2 text-emerald-900">"Recommended: " {c.recommended_action.clone()}</p>
            </div>
            <div class="space-y-3">
                <div>
                    <h4 class="font-medium text-slate-800">"Score breakdown"</h4>
                    <ul class="mt-1 space-y-1">
                        {keys.iter().zip(criteria.iter()).map(|(key, criterion)| {
                            let detail = breakdown.get(*key).cloned();
                            let points = detail.as_ref().map_or(0, |d| d.points);
                            let max = criterion.max;
                            let chosen = detail.as_ref().map(|d| d.choices.iter().map(|id| criterion.describe(id)).collect::<Vec<_>>().join(" + ")).unwrap_or_default();
                            let evidence = detail.as_ref().map(|d| d.evidence.clone()).unwrap_or_default();
                            let cited: Vec<u32> = detail.as_ref().map(|d| d.sources.clone()).unwrap_or_default();
                            let sources = c.sources.clone();
                            view! {
                                <li data-testid="criterion" data-criterion=key.to_string()>
                                    <div class="flex justify-between gap-2"><span class="font-medium">{criterion.label.clone()}</span><span class="font-mono">{format!("{points} / {max}")}</span></div>
                                    <div class="h-1.5 rounded bg-slate-200"><div class="h-full rounded bg-emerald-500" style=format!("width: {}%", points * 100 / max.max(1))></div></div>
                                    {(!chosen.is_empty()).then(|| view! { <p class="mt-0.5 text-slate-700" data-testid="criterion-choice">{chosen}</p> })}
                                    <p class="text-xs text-slate-600" data-testid="criterion-evidence">
                                        {evidence}
                                        {cited.into_iter().map(|n| {
                                            let source = sources.iter().find(|s| s.index == n).cloned();
                                            view! {
                                                " "
                                                {match source {
                                                    Some(s) => view! { <SourceLink class="text-emerald-700 underline" url=s.url text=format!("[{n}]") /> }.into_any(),
                                                    None => view! { <span class="text-slate-400">{format!("[{n}]")}</span> }.into_any(),
                                                }}
                                            }
                                        }).collect_view()}
                                    </p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
                <div>
                    <h4 class="font-medium text-slate-800">"Sources"</h4>
                    <ol class="mt-1 space-y-1">
                        {c.sources.iter().map(|s| view! {
                            <li>
                                <div class="truncate">
                                    <span class="text-slate-400">{format!("[{}] ", s.index)}</span>
                                    <SourceLink class="text-emerald-700 underline" url=s.url.clone() text=s.title.clone() />
                                </div>
                                {(!s.excerpt.is_empty()).then(|| view! {
                                    <details class="text-xs text-slate-600">
                                        <summary class="cursor-pointer text-slate-500">"Evidence excerpt"</summary>
                                        <p class="mt-1 whitespace-pre-line" data-testid="evidence-excerpt">{s.excerpt.clone()}</p>
                                    </details>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                </div>
                <TierOverride company=c.clone() job_id tier_labels />
                <ScoreHistory job_id company_id=c.id />
                <p class="text-xs text-slate-500" data-testid="evidence-provenance">{provenance(&c)}</p>
                <p class="text-xs text-slate-500">
                    {format!(
                        "Validated {} · search {} · LLM {} · {} tokens · {}",
                        c.validation_confidence.map(|v| format!("{:.0}%", v * 100.0)).unwrap_or_else(|| "–".into()),
                        duration(c.tavily_response_time),
                        duration(c.llm_response_time),
                        c.llm_tokens_used,
                        usd(c.cost_usd),
                    )}
                </p>
            </div>
        </div>
    }
    .into_any()
}
