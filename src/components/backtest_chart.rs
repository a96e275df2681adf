//! The score distribution of won and lost accounts, as paired bars per ten
//! points of score (an SVG drawn on the server, no chart library).

use leptos::prelude::*;

use crate::domain::backtest_report::ScoreBucket;

const WIDTH: u32 = 400;
const HEIGHT: u32 = 160;

#[component]
pub fn DistributionChart(buckets: Vec<ScoreBucket>) -> impl IntoView {
    let most = buckets
        .iter()
        .map(|b| b.positives.max(b.negatives))
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = WIDTH / buckets.len().max(1) as u32;
    let bar = (slot.saturating_sub(6)) / 2;
    let height = |n: u32| (n * (HEIGHT - 20)) / most;
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-label="Score distribution">
            <h2 class="font-semibold text-slate-900">"Score distribution"</h2>
            <p class="text-xs text-slate-500">
                <span class="mr-3"><span class="mr-1 inline-block h-2 w-2 bg-emerald-500"></span>"Won"</span>
                <span><span class="mr-1 inline-block h-2 w-2 bg-rose-400"></span>"Lost"</span>
            </p>
            <svg viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 16) class="mt-2 w-full" role="img" data-testid="distribution"
                aria-label="Accounts per ten points of score, won and lost">
                {buckets.into_iter().enumerate().map(|(i, b)| {
                    let x = i as u32 * slot + 3;
                    let (won, lost) = (height(b.positives), height(b.negatives));
                    view! {
                        <g>
                            <title>{format!("{}–{}: {} won, {} lost", b.from, b.to, b.positives, b.negatives)}</title>
                            <rect x=x y=HEIGHT - won width=bar height=won class="fill-emerald-500" />
                            <rect x=x + bar y=HEIGHT - lost width=bar height=lost class="fill-rose-400" />
                            <text x=x + bar y=HEIGHT + 12 text-anchor="middle" class="fill-slate-500 text-[9px]">{b.from}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </section>
    }
}
