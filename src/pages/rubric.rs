//! "How scoring works" for one rubric, generated from the rubric itself: its
//! criteria with their options and points, the tiers' thresholds, and what
//! each tier recommends.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    components::format::utc_minute,
    domain::{
        rubric::{Criterion, CriterionMode, PriorityTier},
        studio::RubricVersionView,
    },
    server_fns::studio::rubric_version,
};

#[component]
pub fn RubricPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let version = Memo::new(move |_| {
        query
            .read()
            .get("version")
            .and_then(|v| v.parse::<i32>().ok())
    });
    let rubric = Resource::new(
        move || (id.get(), version.get()),
        |(id, version)| rubric_version(id, version),
    );
    view! {
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading the rubric…"</p> }>
            {move || rubric.get().map(|result| match result {
                Ok(version) => view! { <RubricExplained version /> }.into_any(),
                Err(error) => view! { <p role="alert" class="rounded-md bg-red-50 p-3 text-sm text-red-800">{error.to_string()}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn RubricExplained(version: RubricVersionView) -> impl IntoView {
    let rubric = version.rubric;
    let id = rubric.id.clone();
    let max = rubric.max_total();
    let which = if version.version == version.latest_version {
        format!("Version {} (the latest)", version.version)
    } else {
        format!("Version {} of {}", version.version, version.latest_version)
    };
    let tiers = PriorityTier::ALL.map(|tier| {
        (
            rubric.priority_label(tier).to_string(),
            rubric.threshold(tier),
            rubric.action_for(tier).to_string(),
        )
    });
    view! {
        <header class="mb-6">
            <h1 class="text-2xl font-semibold tracking-tight text-slate-900">"How scoring works: " {rubric.label.clone()}</h1>
            <p class="mt-1 text-sm text-slate-600">{rubric.description.clone()}</p>
            <p class="mt-1 text-xs text-slate-500" data-testid="rubric-version-line">
                {format!("{which} · saved by {} · {}", version.created_by_name, utc_minute(&version.created_at))}
                " · "
                <a class="text-emerald-700 hover:underline" href=format!("/rubrics/{id}/edit")>{if version.may_edit { "Edit" } else { "Copy to edit" }}</a>
                " · "
                <a class="text-emerald-700 hover:underline" href=format!("/api/rubrics/{id}/export?version={}", version.version) download>"TOML"</a>
            </p>
        </header>
        <section class="space-y-4 text-sm">
            <p class="text-slate-700">
                {format!(
                    "For every company, the model reads the verified sources, picks an option for each criterion below and cites the sources it rests on. \
                     The points come from this table, not from the model: each criterion is capped at its maximum and the total (up to {max}) sets the tier."
                )}
            </p>
            {rubric.criteria.iter().into_iter().map(|(key, criterion)| view! { <CriterionTable key criterion=criterion.clone() /> }).collect_view()}
            <div class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-label="Tiers">
                <h2 class="font-semibold text-slate-800">"Tiers"</h2>
                <table class="mt-2 w-full text-left">
                    <thead class="text-xs uppercase text-slate-500"><tr><th class="py-1">"Tier"</th><th>"Total"</th><th>"Recommended"</th></tr></thead>
                    <tbody>
                        {tiers.into_iter().map(|(label, threshold, action)| view! {
                            <tr class="border-t border-slate-100" data-testid="tier-rule">
                                <td class="py-1 font-medium">{label}</td>
                                <td class="font-mono">{format!("≥ {threshold}")}</td>
                                <td class="text-slate-700">{action}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn CriterionTable(key: &'static str, criterion: Criterion) -> impl IntoView {
    let how = match criterion.mode {
        CriterionMode::Single => "one option applies",
        CriterionMode::Additive => "every option that applies adds up, capped at the maximum",
    };
    view! {
        <div class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-criterion=key>
            <h2 class="font-semibold text-slate-800">{criterion.label.clone()} <span class="font-normal text-slate-500">{format!(" · up to {} points · {how}", criterion.max)}</span></h2>
            {(!criterion.guidance.is_empty()).then(|| view! { <p class="mt-1 text-slate-600">{criterion.guidance.clone()}</p> })}
            <table class="mt-2 w-full text-left">
                <thead class="text-xs uppercase text-slate-500"><tr><th class="py-1">"Option"</th><th>"Points"</th><th>"When"</th></tr></thead>
                <tbody>
                    {criterion.options.into_iter().map(|option| view! {
                        <tr class="border-t border-slate-100 align-top" data-testid="rubric-option">
                            <td class="py-1 pr-2 font-medium">{format!("{}: {}", option.id, option.label)}</td>
                            <td class="pr-2 font-mono">{option.points}</td>
                            <td class="text-slate-600">{option.description}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
