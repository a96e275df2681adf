//! The rubric editor: every part of a rubric as a form, with the problems
//! that would make a score impossible listed live (the same rules the
//! server checks on save).

mod criterion;
mod fields;

use leptos::prelude::*;

use self::{
    criterion::CriterionEditor,
    fields::{PointsField, TextField},
};
use crate::domain::rubric::{Criteria, PriorityTier, Rubric};

#[component]
pub fn RubricForm(rubric: RwSignal<Rubric>, #[prop(into)] disabled: Signal<bool>) -> impl IntoView {
    let text = move |f: fn(&Rubric) -> String| Signal::derive(move || rubric.with(f));
    let set = move |f: fn(&mut Rubric, String)| {
        Callback::new(move |v: String| rubric.update(|r| f(r, v)))
    };
    let max_total = Memo::new(move |_| rubric.with(Rubric::max_total));
    view! {
        <div class="space-y-4">
            <section class="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2" aria-label="About">
                <TextField label="Name" testid="rubric-name" disabled value=text(|r| r.label.clone()) on_input=set(|r, v| r.label = v) />
                <TextField label="Description" disabled value=text(|r| r.description.clone()) on_input=set(|r, v| r.description = v) />
                <TextField label="Search keywords (added to the company's name)" testid="rubric-keywords" disabled value=text(|r| r.search.keywords.clone()) on_input=set(|r, v| r.search.keywords = v) />
                <TextField label="Keywords of the second search (when the first is not about the company)" disabled value=text(|r| r.search.refine_keywords.clone()) on_input=set(|r, v| r.search.refine_keywords = v) />
            </section>
            <p class="text-sm text-slate-600" data-testid="max-total">{move || format!("The criteria's maxima add up to {} of 100.", max_total.get())}</p>
            {Criteria::KEYS.into_iter().map(|key| view! { <CriterionEditor rubric key disabled /> }).collect_view()}
            <TierEditor rubric disabled />
            <section class="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-label="Guidance for the model">
                <TextField label="Who the model is and how it must judge the evidence (the system prompt)" rows=6 disabled value=text(|r| r.prompts.system.clone()) on_input=set(|r, v| r.prompts.system = v) />
                <TextField label="Extra guidance: your ideal customer, red flags, scoring notes" rows=6 testid="rubric-guidance" disabled value=text(|r| r.prompts.user.clone()) on_input=set(|r, v| r.prompts.user = v) />
            </section>
        </div>
    }
}

/// The thresholds, and each tier's label and recommended action.
#[component]
fn TierEditor(rubric: RwSignal<Rubric>, disabled: Signal<bool>) -> impl IntoView {
    let threshold =
        move |tier: PriorityTier| Signal::derive(move || rubric.with(|r| r.threshold(tier)));
    let set_threshold = move |tier: PriorityTier| {
        Callback::new(move |v: u32| {
            rubric.update(|r| {
                let t = &mut r.priority.thresholds;
                match tier {
                    PriorityTier::Hot => t.hot = v,
                    PriorityTier::Warm => t.warm = v,
                    _ => t.watch = v,
                }
            })
        })
    };
    let entry = move |tier: PriorityTier, actions: bool| {
        Signal::derive(move || {
            rubric.with(|r| {
                let map = if actions {
                    &r.priority.actions
                } else {
                    &r.priority.labels
                };
                map.get(tier.as_str()).cloned().unwrap_or_default()
            })
        })
    };
    let set_entry = move |tier: PriorityTier, actions: bool| {
        Callback::new(move |v: String| {
            rubric.update(|r| {
                let map = if actions {
                    &mut r.priority.actions
                } else {
                    &mut r.priority.labels
                };
                map.insert(tier.as_str().to_string(), v);
            })
        })
    };
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-label="Tiers">
            <h2 class="text-sm font-semibold text-slate-800">"Tiers"</h2>
            <div class="mt-2 grid gap-3 sm:grid-cols-3">
                <PointsField label="HOT from" testid="threshold-hot" disabled value=threshold(PriorityTier::Hot) on_input=set_threshold(PriorityTier::Hot) />
                <PointsField label="WARM from" testid="threshold-warm" disabled value=threshold(PriorityTier::Warm) on_input=set_threshold(PriorityTier::Warm) />
                <PointsField label="WATCH from" testid="threshold-watch" disabled value=threshold(PriorityTier::Watch) on_input=set_threshold(PriorityTier::Watch) />
            </div>
            <div class="mt-3 grid gap-3 sm:grid-cols-2">
                {PriorityTier::ALL.into_iter().map(|tier| view! {
                    <TextField label=tier_label(tier) disabled value=entry(tier, false) on_input=set_entry(tier, false) />
                    <TextField label="Recommended action" disabled value=entry(tier, true) on_input=set_entry(tier, true) />
                }).collect_view()}
            </div>
        </section>
    }
}

fn tier_label(tier: PriorityTier) -> &'static str {
    match tier {
        PriorityTier::Hot => "HOT is shown as",
        PriorityTier::Warm => "WARM is shown as",
        PriorityTier::Watch => "WATCH is shown as",
        PriorityTier::Cold => "COLD is shown as",
    }
}

/// What stops the rubric from scoring, as the person edits.
#[component]
pub fn RubricProblems(problems: Memo<Vec<String>>) -> impl IntoView {
    view! {
        {move || {
            let list = problems.get();
            (!list.is_empty()).then(|| view! {
                <div role="alert" class="rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-testid="rubric-problems">
                    <p class="font-medium">"Fix these before saving:"</p>
                    <ul class="mt-1 list-disc pl-5">{list.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                </div>
            })
        }}
    }
}
