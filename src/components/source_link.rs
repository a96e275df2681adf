//! A cited source: a link when its URL is http(s), plain text otherwise, so a
//! `javascript:` or `data:` URL from a page or a model is never clickable.

use leptos::prelude::*;

/// Whether `url` may be rendered as a link.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

#[component]
pub fn SourceLink(url: String, text: String, #[prop(into)] class: String) -> impl IntoView {
    if is_web_url(&url) {
        view! { <a class=class href=url target="_blank" rel="noopener noreferrer">{text}</a> }
            .into_any()
    } else {
        view! { <span class="text-slate-600" title=url>{text}</span> }.into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::is_web_url;

    #[test]
    fn only_http_and_https_urls_are_links() {
        assert!(is_web_url("https://example.com/a"));
        assert!(is_web_url("HTTP://example.com"));
        for url in [
            "javascript:alert(1)",
            " data:text/html,x",
            "ftp://x",
            "//evil.example",
            "",
        ] {
            assert!(!is_web_url(url), "{url}");
        }
    }
}
