use leptos::prelude::*;

use crate::components::{budget_settings::BudgetSettingsForm, page_header::PageHeader};
use crate::server_fns::settings::{SettingsSummary, get_settings};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_settings());

    view! {
        <PageHeader
            title="Settings"
            subtitle="How this instance is configured. Change these through environment variables or .env; budgets are set here."
        />
        <BudgetSettingsForm />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading settings…"</p> }>
            {move || {
                settings
                    .get()
                    .map(|result| match result {
                        Ok(summary) => view! { <SettingsTable summary /> }.into_any(),
                        Err(error) => {
                            view! {
                                <p role="alert" class="rounded-md bg-red-50 p-4 text-sm text-red-800">
                                    {error.to_string()}
                                </p>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

#[component]
fn SettingsTable(summary: SettingsSummary) -> impl IntoView {
    let rows = summary.rows();
    view! {
        {summary
            .demo_mode
            .then(|| {
                view! {
                    <p class="mb-4 rounded-md bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-200">
                        "Demo mode: no Tavily or LLM key is configured, so research runs against the built-in sample data."
                    </p>
                }
            })}
        <dl class="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {rows
                .into_iter()
                .map(|(label, value)| {
                    view! {
                        <div class="grid grid-cols-1 gap-1 px-4 py-3 sm:grid-cols-3">
                            <dt class="text-sm font-medium text-slate-600">{label}</dt>
                            <dd class="font-mono text-sm text-slate-900 sm:col-span-2">{value}</dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}
