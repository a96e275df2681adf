//! A company's score across the runs of its list (and every job of its
//! rubric), shown in its details once it has been scored more than once.

use leptos::prelude::*;

use crate::{domain::changes::HistoryPoint, server_fns::jobs::company_history};

fn point(p: &HistoryPoint, this_job: i32) -> String {
    let result = match (&p.final_tier, p.score_total) {
        (Some(tier), Some(score)) => format!("{tier} {score}"),
        _ => "not scored".into(),
    };
    let which = if p.job_id == this_job {
        "this job".to_string()
    } else {
        format!("job #{}", p.job_id)
    };
    format!("{}: {result} ({which})", p.at.format("%Y-%m-%d"))
}

#[component]
pub fn ScoreHistory(job_id: i32, company_id: i32) -> impl IntoView {
    let history = Resource::new(move || (), move |_| company_history(job_id, company_id));
    view! {
        <Suspense fallback=|| ()>
            {move || history.get().and_then(Result::ok).filter(|points| points.len() > 1).map(|points| view! {
                <div data-testid="score-history">
                    <h4 class="font-medium text-slate-800">"Score history"</h4>
                    <ol class="mt-1 space-y-0.5 text-xs text-slate-700">
                        {points.iter().map(|p| {
                            let text = point(p, job_id);
                            let href = format!("/jobs/{}", p.job_id);
                            view! { <li><a class="hover:underline" href=href>{text}</a></li> }
                        }).collect_view()}
                    </ol>
                </div>
            })}
        </Suspense>
    }
}
