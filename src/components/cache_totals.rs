//! The cache's totals: entries, freshness, size, hit rate and savings.

use leptos::prelude::*;

use super::format::{duration, usd};
use crate::domain::cache::{self, CacheStats, HIT_RATE_DAYS};

#[component]
pub fn CacheTotals(stats: CacheStats) -> impl IntoView {
    let hit_rate = stats
        .hit_rate_30d
        .map_or("no lookups yet".to_string(), |r| {
            format!(
                "{:.0}% ({} of {})",
                r * 100.0,
                stats.hits_30d,
                stats.hits_30d + stats.misses_30d
            )
        });
    let items = [
        ("Entries".to_string(), stats.entries.to_string()),
        (
            "Served (verified, fresh)".into(),
            stats.verified.to_string(),
        ),
        ("Expired".into(), stats.expired.to_string()),
        ("Size".into(), cache::size(stats.size_bytes)),
        (format!("Hit rate, last {HIT_RATE_DAYS} days"), hit_rate),
        (
            "Saved".into(),
            format!(
                "{} credits · {} · {}",
                stats.credits_saved,
                usd(stats.usd_saved),
                duration(stats.seconds_saved)
            ),
        ),
    ];
    view! {
        <section aria-label="Cache totals" class="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            {(!stats.enabled).then(|| view! {
                <p role="status" class="mb-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
                    "The cache is turned off (CACHE_ENABLED=false): every job searches afresh and nothing new is stored."
                </p>
            })}
            <dl class="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-6">
                {items.into_iter().map(|(label, value)| {
                    let test_id = format!("cache-total-{}", label.split(' ').next().unwrap_or_default().to_lowercase());
                    view! {
                    <div>
                        <dt class="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
                        <dd class="mt-1 text-lg font-semibold text-slate-900" data-testid=test_id>{value}</dd>
                    </div>
                }}).collect_view()}
            </dl>
            <p class="mt-3 text-xs text-slate-500">{format!("Entries expire {} days after they were fetched; an expired entry is searched again on its next use.", stats.ttl_days)}</p>
        </section>
    }
}
