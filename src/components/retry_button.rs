//! "Retry failed" and "Re-run with fresh research", priced first: a click
//! asks the server what would run and what it would cost, and the run starts
//! only once confirmed. Unverified companies are not searched again
//! unchanged; the plan says how many wait in review instead.

use leptos::prelude::*;

use super::format::usd;
use crate::{domain::views::RetryPlan, server_fns::review::plan_retry};

const BUTTON: &str = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40";

fn question(plan: &RetryPlan, refresh: bool) -> String {
    let e = &plan.estimate;
    let what = if refresh { "Re-run" } else { "Retry" };
    let mut text = match e.companies {
        0 => "Nothing to run again.".to_string(),
        n => format!(
            "{what} {n} compan{}: about {} ({} Tavily credits{}).",
            if n == 1 { "y" } else { "ies" },
            usd(e.usd),
            e.credits,
            if e.to_research < n {
                format!(", {} without a new search", n - e.to_research)
            } else {
                String::new()
            },
        ),
    };
    if plan.waiting_for_review > 0 {
        text.push_str(&format!(
            " {} unverified wait in review for a website or a better name.",
            plan.waiting_for_review
        ));
    }
    text
}

#[component]
pub fn RetryButton(
    label: &'static str,
    job_id: Signal<i32>,
    /// A fresh re-run (every company, without the cache) rather than a retry.
    refresh: bool,
    on_confirm: Callback<bool>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let close = Callback::new(move |()| open.set(false));
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" class=BUTTON disabled=move || disabled.get()
                    on:click=move |_| open.set(true)>{label}</button>
            }
        >
            <Suspense fallback=|| view! { <span class="text-sm text-slate-500">"Pricing…"</span> }>
                {move || Suspend::new(plan_view(job_id.get_untracked(), refresh, label, on_confirm, close))}
            </Suspense>
        </Show>
    }
}

/// The priced question, a chunk of its own (`#[lazy]`): the browser fetches
/// its code the first time someone asks for a price, not with the job page.
#[lazy]
fn plan_view(
    job_id: i32,
    refresh: bool,
    label: &'static str,
    on_confirm: Callback<bool>,
    close: Callback<()>,
) -> AnyView {
    let plan = Resource::new(move || (), move |_| plan_retry(job_id, refresh));
    view! {
        <span role="group" class="inline-flex flex-wrap items-center gap-2 rounded-md bg-amber-50 px-2 py-1 text-sm text-amber-900" data-testid="retry-plan">
            {move || match plan.get() {
                None => view! { <span>"Pricing…"</span> }.into_any(),
                Some(Err(e)) => view! { <span role="alert">{e.to_string()}</span> }.into_any(),
                Some(Ok(p)) => {
                    let runs = p.estimate.companies > 0;
                    view! {
                        <span>{question(&p, refresh)}</span>
                        {runs.then(|| view! {
                            <button type="button" class="rounded bg-emerald-600 px-2 py-1 text-white"
                                on:click=move |_| { close.run(()); on_confirm.run(refresh); }>{label}</button>
                        })}
                    }.into_any()
                }
            }}
            <button type="button" class="rounded px-2 py-1 ring-1 ring-amber-300" on:click=move |_| close.run(())>"Keep"</button>
        </span>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::views::Estimate;

    #[test]
    fn the_question_says_how_many_what_it_costs_and_who_waits() {
        let plan = RetryPlan {
            estimate: Estimate {
                companies: 3,
                to_research: 2,
                credits: 4.0,
                usd: 0.04,
            },
            waiting_for_review: 2,
        };
        let text = question(&plan, false);
        assert!(
            text.starts_with(
                "Retry 3 companies: about $0.040 (4 Tavily credits, 1 without a new search)."
            ),
            "{text}"
        );
        assert!(text.ends_with("2 unverified wait in review for a website or a better name."));
        let none = RetryPlan {
            estimate: Estimate {
                companies: 0,
                to_research: 0,
                credits: 0.0,
                usd: 0.0,
            },
            waiting_for_review: 0,
        };
        assert_eq!(question(&none, true), "Nothing to run again.");
    }
}
