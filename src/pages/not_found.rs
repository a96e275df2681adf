use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <div class="rounded-lg border border-slate-200 bg-white p-8 text-center">
            <h1 class="text-xl font-semibold">"Page not found"</h1>
            <p class="mt-2 text-sm text-slate-600">
                "There is nothing at this address. " <a class="text-emerald-700 underline" href="/">
                    "Back to the dashboard"
                </a>
            </p>
        </div>
        <crate::components::hydration_marker::HydrationMarker />
    }
}
