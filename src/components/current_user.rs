//! Who is signed in, for the whole page: the frame loads it once and
//! provides it; components hide the buttons this person may not use (the
//! server checks every action again).

use leptos::prelude::*;

use crate::{domain::account::CurrentUser, server_fns::accounts::signed_in_user};

/// The path the answer was asked for, and the answer.
type UserResource = Resource<(
    String,
    Result<Option<CurrentUser>, crate::server_fns::error::AppError>,
)>;

#[derive(Clone, Copy)]
struct CurrentUserContext(UserResource);

/// Loads the signed-in person and provides it to every component below. It
/// is asked again on every navigation, so signing in or out (which navigate
/// in the browser) and role changes show at once.
pub fn provide_current_user() -> UserResource {
    let location = leptos_router::hooks::use_location();
    let resource = Resource::new(
        move || location.pathname.get(),
        |path| async move { (path, signed_in_user().await) },
    );
    provide_context(CurrentUserContext(resource));
    resource
}

/// Where the browser must go instead of `path`, given who is signed in:
/// the sign-in page when nobody is, the Account page while a temporary
/// password is unchanged. The server makes the same decision on full loads.
pub fn detour(user: Option<&CurrentUser>, path: &str) -> Option<String> {
    const PUBLIC: [&str; 2] = ["/login", "/setup"];
    match user {
        None if !PUBLIC.contains(&path) => Some(format!("/login?next={}", encode(path))),
        Some(u) if u.must_change_password && path != "/account" => Some("/account".into()),
        _ => None,
    }
}

/// Percent-encodes a path for a query value.
fn encode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The signed-in person, once known (`None` while loading or when signed out).
pub fn use_current_user() -> Signal<Option<CurrentUser>> {
    let context = use_context::<CurrentUserContext>();
    Signal::derive(move || {
        context
            .and_then(|CurrentUserContext(resource)| resource.get())
            .and_then(|(_, answer)| answer.ok())
            .flatten()
    })
}

/// Whether the signed-in person is an admin.
pub fn use_is_admin() -> Signal<bool> {
    let user = use_current_user();
    Signal::derive(move || user.get().is_some_and(|u| u.is_admin()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::Role;

    #[test]
    fn browsers_are_sent_to_sign_in_or_to_change_a_temporary_password() {
        let mut user = CurrentUser {
            id: Some(1),
            name: "Ana".into(),
            email: "ana@example.com".into(),
            role: Role::Member,
            local_mode: false,
            must_change_password: false,
        };
        assert_eq!(
            detour(None, "/jobs/3").as_deref(),
            Some("/login?next=%2Fjobs%2F3")
        );
        assert_eq!(detour(None, "/login"), None);
        assert_eq!(detour(Some(&user), "/jobs/3"), None);
        user.must_change_password = true;
        assert_eq!(detour(Some(&user), "/jobs/3").as_deref(), Some("/account"));
        assert_eq!(detour(Some(&user), "/account"), None);
    }
}
