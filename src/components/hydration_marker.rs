//! Marks the document once the wasm bundle has hydrated the page.
//!
//! Effects run only in the browser, so `data-hydrated="true"` on `<body>` means
//! the page is interactive. Browser tests wait for it before they click. Each
//! page carries it (a lazy page in `pages::lazy_page!`), not the frame: the
//! frame hydrates before a lazy page's chunk has arrived, and a click or a
//! keystroke then would be lost to the page's own hydration.

use leptos::prelude::*;

#[component]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
