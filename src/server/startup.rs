//! Building and running the application: configuration, database, router, listener.

use std::{future::Future, net::SocketAddr, process::ExitCode, sync::Arc};

use axum::Router;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower_http::{compression::CompressionLayer, trace::TraceLayer};

use secrecy::{ExposeSecret, SecretString};
use tower_sessions::{
    Expiry, SessionManagerLayer, cookie::SameSite, session_store::ExpiredDeletion,
};

use super::{
    api,
    auth::{self, store::DbSessionStore},
    config::{AuthMode, Config, Upstream},
    db,
    engine::{
        CachePolicy, Engine, EngineSettings, OutagePolicy, Pricing, webhook::WebhookSettings,
    },
    fake_upstream::{FakeConfig, FakeUpstream},
    guard::{self, Security, SecurityParts, origin::AllowedHosts},
    providers::{
        LlmProvider, SearchProvider, llm::OpenAiCompatibleClient, retry::RetryPolicy,
        tavily::TavilyClient,
    },
    rubric_book::RubricBook,
    rubrics::{RubricLoadError, Rubrics},
    services,
    state::AppState,
    telemetry,
};
use crate::app::{App, shell};
use crate::domain::evidence::Budget;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration error: {0}")]
    Config(#[from] super::config::ConfigError),
    #[error("{0}")]
    Database(#[from] db::DbSetupError),
    #[error("cannot listen on {addr}: {source}. Set LEPTOS_SITE_ADDR to a free address")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("LEPTOS_* settings: {0}")]
    Leptos(String),
    #[error("rubrics: {0}")]
    Rubrics(#[from] RubricLoadError),
    #[error("cannot seed the rubrics into the database: {0}")]
    SeedRubrics(sea_orm::DbErr),
    #[error("cannot start the built-in demo upstream: {0}")]
    Demo(std::io::Error),
    #[error("{0}")]
    Unsafe(String),
    #[error("cannot create the admin from ADMIN_EMAIL/ADMIN_PASSWORD: {0}")]
    Admin(crate::server_fns::error::AppError),
}

fn engine_settings(config: &Config) -> EngineSettings {
    EngineSettings {
        search_concurrency: config.search_concurrency,
        llm_concurrency: config.llm_concurrency,
        validation_enabled: config.validation_enabled,
        validation_threshold: config.validation_threshold,
        max_search_attempts: config.max_search_attempts,
        budget: Budget::default().with_total(config.evidence_budget_chars),
        validation_chars: (config.evidence_budget_chars / 3).max(2_000),
        lease: config.job_lease,
        pricing: Pricing {
            usd_per_million_prompt_tokens: config.llm_usd_per_million_prompt_tokens,
            usd_per_million_completion_tokens: config.llm_usd_per_million_completion_tokens,
            ..Pricing::default()
        },
        cache: CachePolicy {
            enabled: config.cache_enabled,
            ttl_days: config.cache_ttl_days,
        },
        outage: OutagePolicy {
            pause_after: config.outage_pause_after,
            backoff: config.outage_backoff,
        },
        webhook: config.webhook_url.clone().map(|url| WebhookSettings {
            url,
            secret: config.webhook_secret.clone(),
            public_url: config.security.public_url.clone(),
            attempts: 5,
            first_wait: config.retry_base_delay * 2,
        }),
        llm_model: config.llm_model.clone(),
    }
}

/// The real HTTP clients, pointed at the configured endpoints or, in demo
/// mode, at an in-process fake upstream.
async fn providers(
    config: &Config,
) -> Result<
    (
        Arc<dyn SearchProvider>,
        Arc<dyn LlmProvider>,
        Option<Arc<FakeUpstream>>,
    ),
    StartupError,
> {
    let demo = if config.tavily.is_demo() || config.llm.is_demo() {
        let fake = FakeUpstream::start(FakeConfig::demo(), None)
            .await
            .map_err(StartupError::Demo)?;
        tracing::warn!(
            "demo mode: no TAVILY_API_KEY/LLM_API_KEY configured; research runs on built-in sample data at {}",
            fake.addr
        );
        Some(Arc::new(fake))
    } else {
        None
    };
    let retry = RetryPolicy {
        max_retries: config.upstream_retries,
        min_delay: config.retry_base_delay,
        ..RetryPolicy::default()
    };
    let (search_url, search_key) = match (&config.tavily, &demo) {
        (Upstream::Remote { base_url, api_key }, _) => (base_url.clone(), api_key.clone()),
        (Upstream::Demo, Some(fake)) => (fake.search_url(), None),
        (Upstream::Demo, None) => unreachable!("demo mode starts the fake upstream"),
    };
    let (llm_url, llm_key) = match (&config.llm, &demo) {
        (Upstream::Remote { base_url, api_key }, _) => (base_url.clone(), api_key.clone()),
        (Upstream::Demo, Some(fake)) => (fake.llm_url(), None),
        (Upstream::Demo, None) => unreachable!("demo mode starts the fake upstream"),
    };
    let search = TavilyClient::new(&search_url, search_key, config.search_timeout, retry);
    let llm = OpenAiCompatibleClient::new(
        &llm_url,
        llm_key,
        &config.llm_model,
        config.llm_timeout,
        retry,
    );
    Ok((Arc::new(search), Arc::new(llm), demo))
}

/// The request guard's settings for a server bound to `bound`.
fn security(config: &Config, bound: SocketAddr) -> Security {
    let settings = &config.security;
    let secure_cookies = settings.cookie_secure.unwrap_or_else(|| {
        settings
            .public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    });
    let hosts = AllowedHosts::new(
        bound,
        settings.public_url.as_deref(),
        &settings.allowed_hosts,
    );
    if !bound.ip().is_loopback()
        && settings.public_url.is_none()
        && settings.allowed_hosts.is_empty()
    {
        tracing::warn!(
            %bound,
            "listening beyond this machine, but only {} are allowed as host names: set PUBLIC_URL (or ALLOWED_HOSTS) to the address people type",
            hosts.list().join(", ")
        );
    }
    Security::new(SecurityParts {
        auth_mode: settings.auth_mode,
        hosts,
        secure_cookies,
        setup_token: settings
            .setup_token
            .clone()
            .unwrap_or_else(|| SecretString::from(auth::random_hex(24))),
        trust_forwarded_for: settings.trust_forwarded_for,
        max_upload_bytes: config.max_upload_bytes,
        session_days: settings.session_days,
    })
}

/// A built application, bound to its listener but not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Connects and migrates the database, then binds `leptos_options.site_addr`
    /// (port 0 picks a free port).
    pub async fn build(
        config: Config,
        leptos_options: LeptosOptions,
    ) -> Result<Self, StartupError> {
        let rubrics = Rubrics::load(&config.rubrics_dir)?;
        let db = db::connect_and_migrate(&config.database_url).await?;
        let (search, llm, demo_upstream) = providers(&config).await?;
        let rubrics = RubricBook::seeded(db.clone(), &rubrics)
            .await
            .map_err(StartupError::SeedRubrics)?;
        let engine = Engine::new(db.clone(), search, llm, rubrics, engine_settings(&config));
        let addr = leptos_options.site_addr;
        if config.security.auth_mode == AuthMode::Off && !addr.ip().is_loopback() {
            return Err(StartupError::Unsafe(format!(
                "AUTH_MODE=off is allowed only on a loopback address (127.0.0.1 or ::1), and LEPTOS_SITE_ADDR is {addr}: anyone on the network could use the app. Turn sign-in on (remove AUTH_MODE) or listen on 127.0.0.1."
            )));
        }
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartupError::Bind { addr, source })?;
        let bound = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { addr, source })?;
        let security = security(&config, bound);
        let state = AppState {
            leptos_options,
            db,
            config: Arc::new(config),
            engine,
            demo_upstream,
            security: Arc::new(security),
        };
        if services::accounts::create_admin_from_config(&state)
            .await
            .map_err(StartupError::Admin)?
        {
            tracing::info!("created the admin account from ADMIN_EMAIL");
        }
        Ok(Self { listener, state })
    }

    /// The first-run setup link, while no account exists (and sign-in is on).
    pub async fn setup_link(&self) -> Option<String> {
        if !services::accounts::setup_needed(&self.state).await.ok()? {
            return None;
        }
        let base = self
            .state
            .config
            .security
            .public_url
            .clone()
            .unwrap_or_else(|| {
                let addr = self.local_addr();
                if addr.ip().is_unspecified() {
                    format!("http://localhost:{}", addr.port())
                } else {
                    format!("http://{addr}")
                }
            });
        Some(format!(
            "{base}/setup?token={}",
            self.state.security.setup_token.expose_secret()
        ))
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Resumes interrupted jobs, serves until `shutdown` resolves, finishes
    /// in-flight requests, then hands this instance's running jobs back.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let engine = self.state.engine.clone();
        let supervisor = engine.spawn_supervisor();
        let housekeeping = spawn_housekeeping(&self.state);
        // Due schedules are looked for as often as the supervisor looks for work.
        let scheduler = services::schedules::spawn(
            self.state.clone(),
            (self.state.config.job_lease / 3).clamp(
                std::time::Duration::from_millis(200),
                std::time::Duration::from_secs(1),
            ),
        );
        let router = router(self.state);
        let stopping = engine.clone();
        let served = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            // Event streams end now (or the server would wait for them for
            // ever), and the engine takes no more work.
            stopping.begin_stop();
        })
        .await;
        supervisor.abort();
        housekeeping.abort();
        scheduler.abort();
        engine.stop(STOP_GRACE).await;
        served
    }
}

/// How long companies in flight get to reach their next step on a clean
/// stop before what is left is handed back to the queue.
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// Expired sessions are deleted and idle sign-in allowances forgotten, hourly.
fn spawn_housekeeping(state: &AppState) -> tokio::task::JoinHandle<()> {
    let store = DbSessionStore::new(state.db.clone());
    let security = state.security.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            if let Err(error) = store.delete_expired().await {
                tracing::warn!(%error, "could not delete expired sessions");
            }
            security.login_limiter.forget_idle();
        }
    })
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure behind https, ending
/// after `SESSION_DAYS` without a request; records in the app's database.
fn session_layer(state: &AppState) -> SessionManagerLayer<DbSessionStore> {
    SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(auth::SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.security.secure_cookies)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::days(state.security.session_days),
        ))
}

/// The full router: REST API, server functions, pages, static files, all
/// behind the request guard (outermost: host, size, origin, headers; then
/// the session; then who is asking).
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let sessions = session_layer(&state);
    Router::new()
        .merge(api::routes(state.config.max_upload_bytes))
        .leptos_routes(&state, routes, {
            let leptos_options = leptos_options.clone();
            move || shell(leptos_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::identify))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::protect))
        .layer(axum::middleware::map_response(api::error::server_fn_status))
        // Pages, JSON and CSV go out compressed; server-sent events, images and
        // the precompressed static files (`--precompress`) are left alone.
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
            }),
        )
        .with_state(state)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}

/// The binary's entry point: reads `.env` and the environment, then serves until stopped.
pub async fn run_from_env() -> ExitCode {
    match start_from_env().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("territory_planner: {error}");
            ExitCode::from(2)
        }
    }
}

async fn start_from_env() -> Result<(), StartupError> {
    match dotenvy::dotenv() {
        Ok(_) => {}
        Err(error) if error.not_found() => {}
        Err(error) => {
            return Err(StartupError::Config(super::config::ConfigError {
                variable: ".env".into(),
                message: format!("cannot be read: {error}"),
            }));
        }
    }
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let leptos_options = get_configuration(None)
        .map_err(|e| StartupError::Leptos(e.to_string()))?
        .leptos_options;

    let app = Application::build(config, leptos_options).await?;
    let addr = app.local_addr();
    let backend = app.state().config.database_backend();
    tracing::info!(%addr, backend, "Territory Planner listening on http://{addr}");
    if app.state().security.auth_mode == AuthMode::Off {
        tracing::warn!(
            "sign-in is off (AUTH_MODE=off): everyone who reaches http://{addr} is an admin"
        );
    }
    if let Some(link) = app.setup_link().await {
        // One line, like Jupyter's token URL (a JSON event with LOG_FORMAT=json).
        tracing::warn!(setup_url = %link, "First start: create the admin account at {link}");
    }
    if let Err(error) = app.run_until(shutdown_signal()).await {
        tracing::error!(%error, "server stopped with an error");
    }
    tracing::info!("stopped");
    Ok(())
}
