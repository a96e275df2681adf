//! A back-test's report: how well the rubric version's tiers and scores
//! separate the accounts the team won from those it lost, with the worst
//! misses, and the version it re-scored side by side when there is one.

use leptos::prelude::*;

use crate::{
    components::{
        backtest_chart::DistributionChart, page_header::PageHeader, rescore_form::RescoreButton,
    },
    domain::{
        backtest::{Metrics, Outcome},
        backtest_report::{BacktestReport, Miss},
    },
    server_fns::studio::get_backtest,
};

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".into(), |v| format!("{:.0}%", v * 100.0))
}

fn auc(value: Option<f64>) -> String {
    value.map_or_else(|| "–".into(), |v| format!("{v:.2}"))
}

#[component]
pub fn BacktestPage() -> impl IntoView {
    let id = super::job_id_param();
    let report = Resource::new(move || id.get(), get_backtest);
    view! {
        <PageHeader title="Back-test" subtitle="The rubric's scores against the outcomes in your labelled file: does HOT mean won?" />
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Computing…"</p> }>
            {move || report.get().map(|found| match found {
                Err(error) => view! { <p role="alert" class="rounded-md bg-red-50 p-4 text-sm text-red-800">{error.to_string()}</p> }.into_any(),
                Ok(r) => view! { <Report report=r /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Report(report: BacktestReport) -> impl IntoView {
    let job_id = report.job_id;
    let rubric_id = report.rubric_id.clone();
    let version = report
        .rubric_version
        .map_or_else(String::new, |v| format!(" v{v}"));
    let title = format!("{}{version}", report.rubric_label);
    let compared = report.compared_with.map(|other| {
        let earlier = Resource::new(move || other, get_backtest);
        let now = report.metrics.clone();
        let label = title.clone();
        view! {
            <Transition fallback=|| ()>
                {move || earlier.get().and_then(Result::ok).map(|before| view! { <Comparison before=before now=now.clone() now_label=label.clone() /> })}
            </Transition>
        }
    });
    view! {
        <div class="mb-4 flex flex-wrap items-center justify-between gap-3 text-sm">
            <p class="text-slate-700" data-testid="backtest-subject">
                <a class="text-emerald-700 hover:underline" href=format!("/jobs/{job_id}")>{report.job_name.clone()}</a>
                {format!(" scored with {title}")}
                {(report.pending > 0).then(|| format!(" · {} labelled companies still being scored", report.pending))}
            </p>
            <span class="flex flex-wrap gap-2">
                <a class="rounded-md px-3 py-1.5 ring-1 ring-slate-300 hover:bg-slate-50" href=format!("/api/jobs/{job_id}/backtest.csv") download>"Export CSV"</a>
                <a class="rounded-md px-3 py-1.5 ring-1 ring-slate-300 hover:bg-slate-50" href=format!("/api/jobs/{job_id}/backtest") download=format!("backtest_{job_id}.json")>"Export JSON"</a>
                <RescoreButton job_id=Signal::derive(move || job_id) rubric_id=Signal::derive(move || rubric_id.clone()) />
            </span>
        </div>
        {compared}
        <Figures metrics=report.metrics.clone() />
        <div class="mt-4 grid gap-4 lg:grid-cols-2">
            <TierTable metrics=report.metrics.clone() />
            <DistributionChart buckets=report.distribution.clone() />
        </div>
        <Misses misses=report.worst_misses />
    }
}

#[component]
fn Figures(metrics: Metrics) -> impl IntoView {
    let cards = [
        (
            "Accounts",
            format!("{} won · {} lost", metrics.positives, metrics.negatives),
            "accounts",
        ),
        (
            "Precision of HOT+WARM",
            percent(metrics.precision),
            "precision",
        ),
        ("Recall of HOT+WARM", percent(metrics.recall), "recall"),
        ("ROC AUC of the score", auc(metrics.auc), "auc"),
    ];
    view! {
        <div class="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
            {cards.into_iter().map(|(label, value, testid)| view! {
                <div class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
                    <p class="text-xs uppercase text-slate-500">{label}</p>
                    <p class="mt-1 text-xl font-semibold text-slate-900" data-testid=testid>{value}</p>
                </div>
            }).collect_view()}
        </div>
        <p class="mt-2 text-xs text-slate-500">
            "Precision: of the accounts ranked HOT or WARM, the share you won. Recall: of the accounts you won, the share ranked HOT or WARM. "
            "ROC AUC: the chance that a won account scores above a lost one (0.5 is a coin toss, 1 is perfect)."
            {(metrics.unscored > 0).then(|| format!(" {} labelled accounts have no score and are left out.", metrics.unscored))}
        </p>
    }
}

#[component]
fn TierTable(metrics: Metrics) -> impl IntoView {
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-label="Tier by outcome">
            <h2 class="font-semibold text-slate-900">"Tier by outcome"</h2>
            <table class="mt-2 w-full text-left text-sm">
                <thead class="text-xs uppercase text-slate-500"><tr><th class="py-1">"Tier"</th><th>"Won"</th><th>"Lost"</th><th>"Win rate"</th></tr></thead>
                <tbody>
                    {metrics.tiers.into_iter().map(|t| view! {
                        <tr class="border-t border-slate-100" data-tier=t.tier.as_str()>
                            <td class="py-1 font-medium">{t.tier.as_str()}</td>
                            <td>{t.positives}</td>
                            <td>{t.negatives}</td>
                            <td data-testid="win-rate">{percent(t.win_rate)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn Misses(misses: Vec<Miss>) -> impl IntoView {
    let count = misses.len();
    view! {
        <section class="mt-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="worst-misses">
            <h2 class="font-semibold text-slate-900">{format!("Worst misses ({count})")}</h2>
            <p class="text-xs text-slate-500">"Lost accounts scored HOT, and won accounts scored COLD: read why, and change the rubric where it is wrong."</p>
            {(count == 0).then(|| view! { <p class="mt-2 text-sm text-slate-500">"None: no lost account is HOT and no won account is COLD."</p> })}
            <ul class="mt-2 divide-y divide-slate-100 text-sm">
                {misses.into_iter().map(|m| {
                    let what = match m.outcome {
                        Outcome::Negative => format!("Lost, scored {} {}", m.tier.as_str(), m.score),
                        Outcome::Positive => format!("Won, scored {} {}", m.tier.as_str(), m.score),
                    };
                    view! {
                        <li class="py-2" data-company=m.name.clone()>
                            <p><span class="font-medium text-slate-800">{m.name.clone()}</span><span class="ml-2 text-slate-600">{what}</span></p>
                            <p class="mt-1 text-slate-700">{m.reasoning.clone()}</p>
                            <p class="mt-1 flex flex-wrap gap-2 text-xs">
                                {m.sources.into_iter().enumerate().map(|(i, (title, url))| view! {
                                    <a class="text-emerald-700 hover:underline" href=url target="_blank" rel="noopener noreferrer">{format!("[{}] {title}", i + 1)}</a>
                                }).collect_view()}
                            </p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The version this job re-scored against the one it re-scored, side by side.
#[component]
fn Comparison(before: BacktestReport, now: Metrics, now_label: String) -> impl IntoView {
    let before_label = format!(
        "{}{}",
        before.rubric_label,
        before
            .rubric_version
            .map_or_else(String::new, |v| format!(" v{v}"))
    );
    let b = before.metrics;
    let rows = [
        (
            "Precision of HOT+WARM",
            percent(b.precision),
            percent(now.precision),
        ),
        ("Recall of HOT+WARM", percent(b.recall), percent(now.recall)),
        ("ROC AUC", auc(b.auc), auc(now.auc)),
        (
            "Win rate of HOT",
            percent(b.tiers[0].win_rate),
            percent(now.tiers[0].win_rate),
        ),
        (
            "Win rate of COLD",
            percent(b.tiers[3].win_rate),
            percent(now.tiers[3].win_rate),
        ),
    ];
    view! {
        <section class="mb-4 rounded-lg border border-sky-200 bg-sky-50 p-4 text-sm" data-testid="backtest-comparison">
            <h2 class="font-semibold text-slate-900">"Side by side on the same labelled list"</h2>
            <table class="mt-2 w-full text-left">
                <thead class="text-xs uppercase text-slate-500"><tr>
                    <th class="py-1">"Figure"</th>
                    <th><a class="hover:underline" href=format!("/jobs/{}/backtest", before.job_id)>{before_label}</a></th>
                    <th>{now_label}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|(label, was, is)| view! {
                        <tr class="border-t border-sky-100"><td class="py-1">{label}</td><td>{was}</td><td class="font-medium">{is}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
