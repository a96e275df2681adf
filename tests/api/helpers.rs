//! `spawn_app`: a fresh database, the real router on an ephemeral port.

use std::{collections::HashMap, net::SocketAddr};

use leptos::prelude::LeptosOptions;
use sea_orm::{ConnectionTrait, Database};
use territory_planner::domain::account::Role;
use territory_planner::server::{
    config::Config,
    fake_upstream::{FakeConfig, FakeUpstream},
    startup::Application,
    state::AppState,
};
use tokio::sync::oneshot;

/// A database backend the tests run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite always; PostgreSQL when TEST_POSTGRES_URL points at a server.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if postgres_admin_url().is_some() {
        all.push(Backend::Postgres);
    }
    all
}

fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// A fresh, empty database. Dropped (PostgreSQL) or deleted (SQLite) with the value.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
                Self {
                    url,
                    _dir: Some(dir),
                    postgres: None,
                }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url().expect("TEST_POSTGRES_URL");
                let name = format!("tp_test_{}", uuid::Uuid::new_v4().simple());
                let conn = Database::connect(&admin)
                    .await
                    .expect("connect to TEST_POSTGRES_URL");
                conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                conn.close().await.ok();
                let url = replace_database(&admin, &name);
                Self {
                    url,
                    _dir: None,
                    postgres: Some((admin, name)),
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.postgres.take() {
            // Best effort, on its own runtime: the test's runtime may be shutting down.
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    if let Ok(conn) = Database::connect(&admin).await {
                        let _ = conn
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await;
                    }
                });
            })
            .join()
            .ok();
        }
    }
}

/// `postgres://user@host:port/db?x` with the database name replaced.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("a postgres URL has a /database part");
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub fake: Option<FakeUpstream>,
    pub state: AppState,
    /// Sends the admin's API token with every request (as v1's scripts do
    /// once they add the header).
    pub client: reqwest::Client,
    /// The admin every test app starts with.
    pub admin: TestUser,
    shutdown: Option<oneshot::Sender<()>>,
    _db: Option<TestDatabase>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// GET `path` and read the answer as text.
    pub async fn get_text(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// GET `path` and read the JSON answer.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        self.get(path).await.json().await.unwrap()
    }
}

impl TestApp {
    /// Sends `method path` and returns the status and the JSON answer (Null if none).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let response = self
            .client
            .request(method, self.url(path))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Config for tests: a map of variables on top of the defaults.
pub fn test_config(database_url: &str, vars: &[(&str, &str)]) -> Config {
    let mut map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    map.insert("DATABASE_URL".into(), database_url.into());
    Config::from_lookup(&|name| map.get(name).cloned()).expect("test config is valid")
}

pub fn test_leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("territory_planner")
        .site_addr(SocketAddr::from(([127, 0, 0, 1], 0)))
        .build()
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

pub async fn spawn_app_with(backend: Backend, vars: &[(&str, &str)]) -> TestApp {
    let db = TestDatabase::new(backend).await;
    start(db, test_config_for(vars, None), None).await
}

/// The app with its own fake upstream, injected through TAVILY_BASE_URL and LLM_BASE_URL.
pub async fn spawn_app_with_fake(
    backend: Backend,
    fake: FakeConfig,
    vars: &[(&str, &str)],
) -> TestApp {
    let db = TestDatabase::new(backend).await;
    let fake = FakeUpstream::start(fake, None)
        .await
        .expect("fake upstream starts");
    start(db, test_config_for(vars, Some(&fake)), Some(fake)).await
}

/// Test defaults: fast retries, short leases.
fn test_config_for(vars: &[(&str, &str)], fake: Option<&FakeUpstream>) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = vec![
        ("RETRY_BASE_DELAY_SECS".into(), "0.02".into()),
        ("JOB_LEASE_SECS".into(), "2".into()),
    ];
    if let Some(fake) = fake {
        all.push(("TAVILY_BASE_URL".into(), fake.search_url()));
        all.push(("LLM_BASE_URL".into(), fake.llm_url()));
    }
    all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    all
}

async fn start(
    db: TestDatabase,
    vars: Vec<(String, String)>,
    fake: Option<FakeUpstream>,
) -> TestApp {
    let mut app = start_on(&db.url, vars, fake).await;
    app._db = Some(db);
    app
}

/// A second app instance on the same database and upstreams as `first`, as
/// several instances share one PostgreSQL in production.
pub async fn spawn_instance_sharing(first: &TestApp) -> TestApp {
    let fake = first
        .fake
        .as_ref()
        .expect("the first instance has a fake upstream");
    let vars = test_config_for(&[], Some(fake));
    start_on(&first.state.config.database_url, vars, None).await
}

/// An account made for a test, with a personal API token.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: i32,
    pub email: String,
    pub password: String,
    pub token: String,
}

pub const TEST_PASSWORD: &str = "a long test password";

/// Creates an account (or finds it, on an instance sharing a database) and a token for it.
pub async fn create_user(state: &AppState, role: Role, email: &str) -> TestUser {
    use territory_planner::server::{auth, db::accounts};
    let user = match accounts::find_by_email(&state.db, email).await.unwrap() {
        Some(user) => user,
        None => accounts::create_user(
            &state.db,
            accounts::NewUser {
                name: email.split('@').next().unwrap().to_string(),
                email: email.to_string(),
                password_hash: auth::hash_password(TEST_PASSWORD).unwrap(),
                role,
                must_change_password: false,
            },
        )
        .await
        .unwrap(),
    };
    let token = auth::new_token_secret();
    accounts::create_token(
        &state.db,
        user.id,
        "test",
        &auth::token_hash(&token),
        "tp_test",
    )
    .await
    .unwrap();
    TestUser {
        id: user.id,
        email: email.to_string(),
        password: TEST_PASSWORD.to_string(),
        token,
    }
}

/// A client that sends `token` as a bearer token with every request.
pub fn client_with_token(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("HTTP client")
}

/// A client with nothing: no token, no cookie.
pub fn anonymous_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// A second instance on the same database, without an upstream of its own.
pub async fn spawn_instance_on_same_database(first: &TestApp) -> TestApp {
    start_on(
        &first.state.config.database_url,
        test_config_for(&[], None),
        None,
    )
    .await
}

async fn start_on(
    database_url: &str,
    vars: Vec<(String, String)>,
    fake: Option<FakeUpstream>,
) -> TestApp {
    // RUST_LOG=... cargo test shows the app's logs.
    if std::env::var_os("RUST_LOG").is_some() {
        territory_planner::server::telemetry::init(
            territory_planner::server::config::LogFormat::Text,
        );
    }
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let config = test_config(database_url, &pairs);
    let app = Application::build(config, test_leptos_options())
        .await
        .expect("app builds");
    let addr = app.local_addr();
    let state = app.state().clone();
    let (tx, rx) = oneshot::channel();
    tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    let admin = create_user(&state, Role::Admin, "admin@example.com").await;
    TestApp {
        addr,
        fake,
        state,
        // A hung request fails its test instead of hanging the whole run.
        client: client_with_token(&admin.token),
        admin,
        shutdown: Some(tx),
        _db: None,
    }
}

#[test]
fn replace_database_keeps_credentials_and_query() {
    assert_eq!(
        replace_database(
            "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
            "x"
        ),
        "postgres://postgres@127.0.0.1:5432/x?sslmode=disable"
    );
}

/// The real server binary, in an empty working directory (no developer .env)
/// and an environment with nothing but PATH.
pub fn server_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_territory_planner"));
    command
        .current_dir(std::env::temp_dir())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LEPTOS_OUTPUT_NAME", "territory_planner");
    command
}

impl TestApp {
    /// The app's own origin, as a browser sends it.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Signs in through the login form, as a browser on the app's own page
    /// would, and returns the session cookie (`tp_session=...`).
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<String, (u16, String)> {
        let response = anonymous_client()
            .post(self.url("/fn/account/login"))
            .header("Origin", self.origin())
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap();
        let cookie = session_cookie(&response);
        let status = response.status().as_u16();
        match cookie {
            Some(cookie) if status < 400 => Ok(cookie),
            _ => Err((status, response.text().await.unwrap_or_default())),
        }
    }

    /// Calls a server function with a session cookie from the app's own page.
    pub async fn call_fn(&self, cookie: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let response = anonymous_client()
            .post(self.url(path))
            .header("Origin", self.origin())
            .header("Cookie", cookie)
            .form(form)
            .send()
            .await
            .unwrap();
        (
            response.status().as_u16(),
            response.text().await.unwrap_or_default(),
        )
    }
}

/// The session cookie a response sets, as a `Cookie` header value.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tp_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

/// The real server binary with JSON logs on a free loopback port, its
/// SQLite file in `dir`; started, and its address read from its log.
pub struct LoggedServer {
    pub child: std::process::Child,
    pub lines: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
    pub addr: String,
}

impl LoggedServer {
    pub fn start(dir: &std::path::Path, env: &[(&str, &str)]) -> Self {
        use std::io::BufRead;
        let mut command = server_command();
        command
            .env("DATABASE_URL", format!("sqlite://{}/tp.db", dir.display()))
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("LOG_FORMAT", "json")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("binary starts");
        let lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let mut server = Self {
            child,
            lines,
            addr: String::new(),
        };
        server.addr = server.next_event_with("addr");
        server
    }

    /// Reads log events until one has `field`, and returns its value.
    pub fn next_event_with(&mut self, field: &str) -> String {
        loop {
            let line = self
                .lines
                .next()
                .expect("server logs before exiting")
                .unwrap();
            let event: serde_json::Value = serde_json::from_str(&line).expect("log lines are JSON");
            if let Some(value) = event[field].as_str() {
                return value.to_string();
            }
        }
    }

    /// SIGTERM, then waits for the process to end.
    pub fn stop(mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// A test that fails half-way never leaves its server running.
impl Drop for LoggedServer {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl TestApp {
    /// Researches one company through REST and waits until its job is finished.
    pub async fn research_one(&self, client: &reqwest::Client, name: &str) -> serde_json::Value {
        let response = client
            .post(self.url(&format!("/api/jobs/single?company_name={name}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "starting {name}");
        let job: serde_json::Value = response.json().await.unwrap();
        let id = job["id"].as_i64().unwrap() as i32;
        crate::engine::wait_finished(self, id, std::time::Duration::from_secs(30)).await;
        job
    }
}
