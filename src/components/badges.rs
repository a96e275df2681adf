//! Small coloured labels.

use leptos::prelude::*;

fn pill(extra: &str) -> String {
    format!("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold {extra}")
}

#[component]
pub fn PriorityBadge(tier: Option<String>, label: String) -> impl IntoView {
    let colour = match tier.as_deref() {
        Some("HOT") => "bg-red-100 text-red-800",
        Some("WARM") => "bg-amber-100 text-amber-800",
        Some("WATCH") => "bg-blue-100 text-blue-800",
        Some("COLD") => "bg-slate-200 text-slate-700",
        _ => "bg-slate-100 text-slate-500",
    };
    view! { <span class=pill(colour) data-tier=tier.unwrap_or_default()>{label}</span> }
}

#[component]
pub fn StatusBadge(status: String) -> impl IntoView {
    let colour = match status.as_str() {
        "running" | "researching" => "bg-emerald-100 text-emerald-800",
        "completed" => "bg-green-100 text-green-800",
        "failed" => "bg-red-100 text-red-800",
        "cancelled" => "bg-amber-100 text-amber-800",
        _ => "bg-slate-100 text-slate-600",
    };
    view! { <span class=pill(colour)>{status}</span> }
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
