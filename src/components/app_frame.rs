//! The application frame: brand, navigation and the page body.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::{
    current_user::{detour, provide_current_user, use_current_user},
    demo_banner::DemoBanner,
    user_menu::UserMenu,
};

/// One entry of the main navigation.
struct NavItem {
    href: &'static str,
    label: &'static str,
}

const NAV_ITEMS: [NavItem; 6] = [
    NavItem {
        href: "/",
        label: "Dashboard",
    },
    NavItem {
        href: "/review",
        label: "Review",
    },
    NavItem {
        href: "/schedules",
        label: "Schedules",
    },
    NavItem {
        href: "/rubrics",
        label: "Rubrics",
    },
    NavItem {
        href: "/cache",
        label: "Cache",
    },
    NavItem {
        href: "/settings",
        label: "Settings",
    },
];

/// Whether `path` belongs to the section whose root is `href`.
fn is_active(href: &str, path: &str) -> bool {
    if href == "/" {
        path == "/"
    } else {
        path == href || path.starts_with(&format!("{href}/"))
    }
}

#[component]
pub fn AppFrame(children: Children) -> impl IntoView {
    let resource = provide_current_user();
    let user = use_current_user();
    let location = use_location();
    // In the browser, sign-in and sign-out navigate without a page load: send
    // the browser where the server would have (see `detour`).
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        // Only an answer for the page shown counts (a navigation asks again).
        let path = location.pathname.get();
        if let Some((asked_for, Ok(signed_in))) = resource.get()
            && asked_for == path
            && let Some(to) = detour(signed_in.as_ref(), &path)
        {
            navigate(&to, Default::default());
        }
    });
    let (menu_open, set_menu_open) = signal(false);
    // Companies waiting for review, asked again on every navigation. In the
    // browser only (an effect): the frame's first HTML does not wait for it.
    let waiting = RwSignal::new(None::<u64>);
    Effect::new(move |_| {
        // Only once the server said who is signed in on this very page.
        let path = location.pathname.get();
        let signed_in =
            matches!(resource.get(), Some((asked_for, Ok(Some(_)))) if asked_for == path);
        if !signed_in {
            waiting.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(n) = crate::server_fns::review::review_count().await {
                waiting.set(Some(n));
            }
        });
    });

    // Close the mobile menu whenever the route changes.
    Effect::new(move |_| {
        location.pathname.track();
        set_menu_open.set(false);
    });

    let links = move || {
        // Signed out (the sign-in and setup pages): no navigation.
        user.get()?;
        let path = location.pathname.get();
        let links = NAV_ITEMS
            .iter()
            .map(|item| {
                let active = is_active(item.href, &path);
                let class = if active {
                    "block rounded-md px-3 py-2 text-sm font-medium bg-emerald-600 text-white"
                } else {
                    "block rounded-md px-3 py-2 text-sm font-medium text-slate-200 hover:bg-slate-700 hover:text-white"
                };
                let counted = item.href == "/review";
                let count = move || {
                    waiting
                        .get()
                        .filter(|n| counted && *n > 0)
                        .map(|n| view! {
                            <span class="ml-1 rounded-full bg-amber-400 px-1.5 text-xs font-semibold text-slate-900" data-testid="review-count">{n}</span>
                        })
                };
                view! {
                    <a href=item.href class=class aria-current=active.then_some("page")>
                        {item.label}
                        {count}
                    </a>
                }
            })
            .collect_view();
        Some(links)
    };

    view! {
        <div class="min-h-screen">
            <nav class="bg-slate-900" aria-label="Main">
                <div class="mx-auto flex max-w-7xl items-center justify-between px-4 py-3">
                    <a href="/" class="flex items-center gap-2 text-white">
                        <span class="grid h-8 w-8 place-items-center rounded-md bg-emerald-500 font-mono text-sm font-bold">
                            "TP"
                        </span>
                        <span class="text-lg font-semibold">"Territory Planner"</span>
                    </a>
                    <div class="hidden items-center gap-1 md:flex">
                        <Transition fallback=|| ()>{links}</Transition>
                        <UserMenu />
                    </div>
                    <button
                        type="button"
                        class="rounded-md px-3 py-2 text-sm font-medium text-slate-200 ring-1 ring-slate-600 hover:bg-slate-700 md:hidden"
                        aria-controls="mobile-menu"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| set_menu_open.update(|open| *open = !*open)
                    >
                        {move || if menu_open.get() { "Close menu" } else { "Menu" }}
                    </button>
                </div>
                <div
                    id="mobile-menu"
                    class="space-y-1 px-4 pb-3 md:hidden"
                    class:hidden=move || !menu_open.get()
                >
                    <Transition fallback=|| ()>{links}</Transition>
                    <UserMenu />
                </div>
            </nav>
            <DemoBanner />
            <main class="mx-auto max-w-7xl px-4 py-8">{children()}</main>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::is_active;

    #[test]
    fn dashboard_is_active_only_on_the_root() {
        assert!(is_active("/", "/"));
        assert!(!is_active("/", "/cache"));
    }

    #[test]
    fn sections_match_their_subpaths_but_not_prefixes_of_words() {
        assert!(is_active("/cache", "/cache"));
        assert!(is_active("/cache", "/cache/12"));
        assert!(!is_active("/cache", "/cachet"));
    }
}
