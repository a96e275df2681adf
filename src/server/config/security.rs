//! Settings of sign-in and of the request guard: who may connect, under
//! which host names, with which cookies.

use secrecy::SecretString;

use super::{ConfigError, Vars, describe, flag};

/// Whether people sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// Accounts, sessions and tokens (the default).
    On,
    /// No sign-in: everyone who reaches the server is an admin. Allowed only
    /// on a loopback address; cross-site protection still applies.
    Off,
}

#[derive(Debug, Clone)]
pub struct SecuritySettings {
    pub auth_mode: AuthMode,
    /// The address people type, e.g. `https://planner.example.com`: its host
    /// is allowed, and an https URL makes cookies Secure.
    pub public_url: Option<String>,
    /// More host names (with port where not 80/443) the server answers to.
    pub allowed_hosts: Vec<String>,
    /// Overrides the Secure flag of the session cookie (default: whether
    /// `PUBLIC_URL` is https).
    pub cookie_secure: Option<bool>,
    /// Creates this admin at start-up when no user exists.
    pub admin: Option<(String, SecretString)>,
    /// The first-run setup token; random when not set.
    pub setup_token: Option<SecretString>,
    /// Take the client address from the last `X-Forwarded-For` entry (behind a reverse proxy).
    pub trust_forwarded_for: bool,
    /// A session ends after this many days without a request.
    pub session_days: i64,
}

fn auth_mode(value: &str) -> Result<AuthMode, String> {
    match value.to_ascii_lowercase().as_str() {
        "on" | "password" | "accounts" => Ok(AuthMode::On),
        "off" | "none" => Ok(AuthMode::Off),
        _ => Err(format!("must be on or off, got {value:?}")),
    }
}

fn public_url(value: &str) -> Result<String, String> {
    let parsed = reqwest::Url::parse(value)
        .map_err(|e| format!("must be a URL such as https://planner.example.com ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(
            "must be an http(s) URL with a host, such as https://planner.example.com".into(),
        );
    }
    Ok(value.trim_end_matches('/').to_string())
}

fn host_list(value: &str) -> Result<Vec<String>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(|h| {
            if h.contains('/') || h.contains(char::is_whitespace) {
                Err(format!("must be host names such as planner.example.com or 10.0.0.5:3000, separated by commas; got {h:?}"))
            } else {
                Ok(h.to_ascii_lowercase())
            }
        })
        .collect()
}

impl SecuritySettings {
    pub(super) fn read(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        let admin_email = vars.get("ADMIN_EMAIL", &[]).map(|(_, v)| v);
        let admin_password = vars.get("ADMIN_PASSWORD", &[]).map(|(_, v)| v);
        let admin = match (admin_email, admin_password) {
            (None, None) => None,
            (Some(email), Some(password)) => {
                if let Some(problem) = crate::domain::account::password_problem(&password) {
                    return Err(ConfigError {
                        variable: "ADMIN_PASSWORD".into(),
                        message: problem,
                    });
                }
                let email = crate::domain::account::normalise_email(&email).map_err(|message| {
                    ConfigError {
                        variable: "ADMIN_EMAIL".into(),
                        message,
                    }
                })?;
                Some((email, SecretString::from(password)))
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(ConfigError {
                    variable: "ADMIN_EMAIL".into(),
                    message: "set ADMIN_EMAIL and ADMIN_PASSWORD together, or neither".into(),
                });
            }
        };
        Ok(Self {
            auth_mode: vars.parse("AUTH_MODE", &[], AuthMode::On, auth_mode)?,
            public_url: vars
                .get("PUBLIC_URL", &[])
                .map(|(variable, value)| {
                    public_url(&value).map_err(|message| ConfigError {
                        variable: describe(&variable, "PUBLIC_URL"),
                        message,
                    })
                })
                .transpose()?,
            allowed_hosts: vars.parse("ALLOWED_HOSTS", &[], Vec::new(), host_list)?,
            cookie_secure: vars
                .get("COOKIE_SECURE", &[])
                .map(|(_, value)| {
                    flag(&value).map_err(|message| ConfigError {
                        variable: "COOKIE_SECURE".into(),
                        message,
                    })
                })
                .transpose()?,
            admin,
            setup_token: vars
                .get("SETUP_TOKEN", &[])
                .map(|(_, v)| SecretString::from(v)),
            trust_forwarded_for: vars.parse("TRUST_FORWARDED_FOR", &[], false, flag)?,
            session_days: vars.parse("SESSION_DAYS", &[], 14, |v| match v.parse::<i64>() {
                Ok(n) if (1..=365).contains(&n) => Ok(n),
                _ => Err(format!("must be a number of days from 1 to 365, got {v:?}")),
            })?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::load;
    use super::*;

    #[test]
    fn sign_in_is_on_by_default() {
        let security = load(&[]).unwrap().security;
        assert_eq!(security.auth_mode, AuthMode::On);
        assert!(security.admin.is_none() && security.public_url.is_none());
    }

    #[test]
    fn bad_security_settings_name_the_variable() {
        assert_eq!(
            load(&[("AUTH_MODE", "maybe")]).unwrap_err().variable,
            "AUTH_MODE"
        );
        assert_eq!(
            load(&[("PUBLIC_URL", "planner")]).unwrap_err().variable,
            "PUBLIC_URL"
        );
        assert_eq!(
            load(&[("ADMIN_EMAIL", "ana@example.com")])
                .unwrap_err()
                .variable,
            "ADMIN_EMAIL"
        );
        assert_eq!(
            load(&[
                ("ADMIN_EMAIL", "ana@example.com"),
                ("ADMIN_PASSWORD", "short")
            ])
            .unwrap_err()
            .variable,
            "ADMIN_PASSWORD"
        );
        assert_eq!(
            load(&[("ALLOWED_HOSTS", "https://x.example/")])
                .unwrap_err()
                .variable,
            "ALLOWED_HOSTS"
        );
    }

    #[test]
    fn admin_password_is_never_in_debug_output() {
        let config = load(&[
            ("ADMIN_EMAIL", "Ana@Example.com"),
            ("ADMIN_PASSWORD", "SECRET-PASSWORD-1"),
        ])
        .unwrap();
        assert_eq!(config.security.admin.as_ref().unwrap().0, "ana@example.com");
        assert!(!format!("{config:?}").contains("SECRET-PASSWORD-1"));
    }
}
