//! Marks the document once the wasm bundle has hydrated it.
//!
//! Effects run only in the browser, so `data-hydrated="true"` on `<body>` means
//! the page is interactive. Browser tests wait for it before they click.

use leptos::prelude::*;

#[component]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
