//! Says plainly when the app researches built-in sample data instead of the web.

use leptos::prelude::*;

use crate::server_fns::settings::demo_mode;

#[component]
pub fn DemoBanner() -> impl IntoView {
    // Asked again on navigation: the answer needs a signed-in person, and
    // signing in navigates in the browser without a page load.
    let location = leptos_router::hooks::use_location();
    let demo = Resource::new(move || location.pathname.get(), |_| demo_mode());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                demo.get()
                    .and_then(Result::ok)
                    .filter(|on| *on)
                    .map(|_| {
                        view! {
                            <div
                                role="status"
                                class="bg-amber-100 px-4 py-2 text-center text-sm text-amber-900"
                            >
                                <strong>"Demo mode. "</strong>
                                "No Tavily or LLM key is configured, so research runs on built-in sample data, not the web. "
                                <a class="underline" href="/settings">
                                    "Settings"
                                </a>
                            </div>
                        }
                    })
            }}
        </Suspense>
    }
}
