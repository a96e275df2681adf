//! Small coloured labels.

use leptos::prelude::*;

use crate::domain::{job::JobStatus, rubric::PriorityTier};

fn pill(extra: &str) -> String {
    format!("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold {extra}")
}

#[component]
pub fn PriorityBadge(tier: Option<PriorityTier>, label: String) -> impl IntoView {
    let colour = match tier {
        Some(PriorityTier::Hot) => "bg-red-100 text-red-800",
        Some(PriorityTier::Warm) => "bg-amber-100 text-amber-800",
        Some(PriorityTier::Watch) => "bg-blue-100 text-blue-800",
        Some(PriorityTier::Cold) => "bg-slate-200 text-slate-700",
        None => "bg-slate-100 text-slate-500",
    };
    view! { <span class=pill(colour) data-tier=tier.map(PriorityTier::as_str).unwrap_or_default()>{label}</span> }
}

/// v1's use-case tier badge, coloured by letter: S red, A amber, B blue,
/// C violet, D emerald, E grey, anything else (UNKNOWN) dark grey.
#[component]
pub fn UseCaseBadge(tier: Option<String>) -> impl IntoView {
    tier.map(|tier| {
        let colour = match tier.as_str() {
            "S" => "bg-red-100 text-red-800",
            "A" => "bg-amber-100 text-amber-800",
            "B" => "bg-blue-100 text-blue-800",
            "C" => "bg-violet-100 text-violet-800",
            "D" => "bg-emerald-100 text-emerald-800",
            "E" => "bg-slate-200 text-slate-700",
            _ => "bg-slate-600 text-white",
        };
        view! { <span class=pill(colour) data-use-case=tier.clone()>{format!("Tier {tier}")}</span> }.into_any()
    })
    .unwrap_or_else(|| view! { <span>"–"</span> }.into_any())
}

#[component]
pub fn StatusBadge(status: JobStatus) -> impl IntoView {
    let colour = match status {
        JobStatus::Running => "bg-emerald-100 text-emerald-800",
        JobStatus::Paused => "bg-orange-100 text-orange-800",
        JobStatus::Completed => "bg-green-100 text-green-800",
        JobStatus::Failed => "bg-red-100 text-red-800",
        JobStatus::Cancelled => "bg-amber-100 text-amber-800",
        JobStatus::Pending => "bg-slate-100 text-slate-600",
    };
    view! { <span class=pill(colour)>{status.as_str()}</span> }
}

#[component]
pub fn CacheBadge(hit: bool) -> impl IntoView {
    let (text, colour) = if hit {
        ("cache hit", "bg-violet-100 text-violet-800")
    } else {
        ("cache miss", "bg-slate-100 text-slate-600")
    };
    view! { <span class=pill(colour)>{text}</span> }
}

#[component]
pub fn ProgressBar(percent: Signal<f64>) -> impl IntoView {
    view! {
        <div
            class="h-2 w-full overflow-hidden rounded-full bg-slate-200"
            role="progressbar"
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=move || format!("{:.0}", percent.get())
        >
            <div
                class="h-full rounded-full bg-emerald-500 transition-all"
                style=move || format!("width: {:.1}%", percent.get().clamp(0.0, 100.0))
            ></div>
        </div>
    }
}
