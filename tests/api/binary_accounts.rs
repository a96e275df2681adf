//! The real binary and sign-in: the first-run setup link, the local mode's
//! loopback rule, and memory while refusing oversized uploads.

use crate::helpers::{LoggedServer, server_command};

#[test]
fn local_mode_refuses_to_listen_beyond_loopback() {
    let output = server_command()
        .env("AUTH_MODE", "off")
        .env("LEPTOS_SITE_ADDR", "0.0.0.0:0")
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("AUTH_MODE=off is allowed only on a loopback address"),
        "{stderr}"
    );
}

#[test]
fn the_first_start_prints_a_setup_link_that_creates_the_admin() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = LoggedServer::start(dir.path(), &[]);
    let link = server.next_event_with("setup_url");
    let addr = server.addr.clone();
    let token = link.split("token=").nth(1).unwrap().to_string();
    assert!(
        link.starts_with(&format!("http://{addr}/setup?token=")),
        "{link}"
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let origin = format!("http://{addr}");
        // A browser without a session is sent to the setup page while no account exists.
        let home = client.get(&origin).send().await.unwrap();
        assert_eq!(home.status(), 303);
        assert_eq!(home.headers()["location"], "/setup");
        let setup_page = client.get(&link).send().await.unwrap();
        assert_eq!(setup_page.status(), 200);
        assert!(
            setup_page
                .text()
                .await
                .unwrap()
                .contains("Create the admin account")
        );

        // A wrong token creates nothing.
        let form = |token: &str| {
            vec![
                ("token", token.to_string()),
                ("name", "Ana Admin".to_string()),
                ("email", "ana@example.com".to_string()),
                ("password", "a long enough password".to_string()),
            ]
        };
        let wrong = client
            .post(format!("{origin}/fn/account/setup"))
            .header("Origin", &origin)
            .form(&form("not-the-token"))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 403);

        let created = client
            .post(format!("{origin}/fn/account/setup"))
            .header("Origin", &origin)
            .form(&form(&token))
            .send()
            .await
            .unwrap();
        assert!(
            created.status().is_success() || created.status().is_redirection(),
            "{}",
            created.status()
        );
        let cookie = crate::helpers::session_cookie(&created).expect("signed in after setup");
        let set_cookie = created.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
            "{set_cookie}"
        );
        assert!(!set_cookie.contains("Secure"), "plain http: no Secure flag");

        let home = client
            .get(&origin)
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(home.status(), 200);
        assert!(home.text().await.unwrap().contains("Ana Admin"));

        // The link works once: the admin exists now.
        let again = client
            .post(format!("{origin}/fn/account/setup"))
            .header("Origin", &origin)
            .form(&form(&token))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 403);
        // A second browser without a session sees only the sign-in page.
        let stranger = client.get(format!("{origin}/cache")).send().await.unwrap();
        assert_eq!(stranger.status(), 303);
        assert_eq!(stranger.headers()["location"], "/login?next=%2Fcache");
    });
    server.stop();
}

/// The peak resident memory of a process, in bytes (Linux).
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        * 1024
}

#[test]
fn refusing_50_mb_bodies_keeps_the_servers_memory_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let server = LoggedServer::start(
        dir.path(),
        &[
            ("AUTH_MODE", "off"),
            // Reading stops at the limit; a small one shows that nothing past it is kept.
            ("MAX_UPLOAD_MB", "1"),
        ],
    );
    let addr = server.addr.clone();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = reqwest::Client::new();
    runtime.block_on(async {
        // Warm up: a page and a small upload, so the baseline includes them.
        let page = client.get(format!("http://{addr}/")).send().await.unwrap();
        assert_eq!(page.status(), 200);
    });
    let before = peak_memory(server.child.id());
    runtime.block_on(async {
        for door in crate::limits::UPLOAD_DOORS {
            for _ in 0..2 {
                // All of 50 MB without a length, written as fast as the server
                // takes it. The server answers 413 at the limit and closes;
                // the client may see the answer or, still writing, the closed
                // socket (the exact 413 is asserted in `limits`).
                let sent = client
                    .post(format!("http://{addr}{door}"))
                    .multipart(crate::limits::streamed_csv(50))
                    .send()
                    .await;
                match sent {
                    Ok(response) => assert_eq!(response.status(), 413, "{door}"),
                    Err(error) => assert!(error.is_request(), "{door}: {error:?}"),
                }
            }
        }
    });
    let after = peak_memory(server.child.id());
    server.stop();
    // Buffering even one of the six 50 MB bodies would add at least 50 MB;
    // reading each up to its 1 MB limit adds a few.
    assert!(
        after < before + 15_000_000,
        "peak memory grew from {} MB to {} MB",
        before / 1_000_000,
        after / 1_000_000
    );
}
