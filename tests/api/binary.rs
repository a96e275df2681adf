//! The real binary: start-up errors, JSON logs, SIGTERM.

use std::{process::Command, time::Duration};

use crate::helpers::{LoggedServer, server_command};

/// Starts the binary with `env`; it must stop with exit code 2 and one line, returned.
pub fn start_up_error(env: &[(&str, &str)]) -> String {
    let output = server_command()
        .envs(env.iter().copied())
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    lines[0].to_string()
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    let line = start_up_error(&[("VALIDATION_THRESHOLD", "abc")]);
    assert!(
        line.contains("VALIDATION_THRESHOLD: must be a number from 0 to 1"),
        "{line}"
    );
}

#[test]
fn one_real_provider_without_the_other_stops_start_up_naming_the_missing_variable() {
    let line = start_up_error(&[("TAVILY_API_KEY", "tvly-NEVER-PRINT-ME")]);
    assert!(
        line.contains("LLM_API_KEY: TAVILY_API_KEY is set but LLM_API_KEY is not"),
        "{line}"
    );
    assert!(!line.contains("NEVER-PRINT-ME"));
}

#[test]
fn a_key_in_a_bad_setting_is_not_echoed() {
    let output = server_command()
        .env("TAVILY_API_KEY", "tvly-NEVER-PRINT-ME")
        .env("LLM_CONCURRENCY", "0")
        .output()
        .expect("binary runs");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(all.contains("LLM_CONCURRENCY"));
    assert!(!all.contains("NEVER-PRINT-ME"));
}

#[test]
fn serves_json_logs_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = LoggedServer::start(
        dir.path(),
        &[
            ("TAVILY_API_KEY", "tvly-LOG-SECRET"),
            ("LLM_API_KEY", "llm-LOG-SECRET"),
            // The local mode: no sign-in on a loopback address (v1's scripts as they were).
            ("AUTH_MODE", "off"),
        ],
    );
    let addr = server.addr.clone();
    assert!(
        dir.path().join("tp.db").exists(),
        "the SQLite file is created"
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async {
        reqwest::get(format!("http://{addr}/api/health"))
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
    // A finished job's page renders on the server (its deep view types once
    // overflowed a runtime thread's stack in this unoptimised binary).
    let page = runtime.block_on(async {
        let client = reqwest::Client::new();
        let job: serde_json::Value = client
            .post(format!("http://{addr}/api/jobs/single?company_name=Cohere"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = job["id"].as_i64().unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let detail: serde_json::Value = client
                .get(format!("http://{addr}/api/jobs/{id}"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if detail["status"] != "pending" && detail["status"] != "running" {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "{detail}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let response = client
            .get(format!("http://{addr}/jobs/{id}"))
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    });
    assert_eq!(page.0, 200);
    assert!(page.1.contains("Single Company: Cohere"), "{}", page.1);
    assert!(
        page.1.contains("data-company=\"Cohere\""),
        "the rows are rendered on the server"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let rest: String = server
        .lines
        .by_ref()
        .map_while(Result::ok)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!rest.contains("LOG-SECRET"));
}
