//! Accounts: who may do what, sessions, tokens, sign-in limits, the audit log.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use territory_planner::{domain::account::Role, server::fake_upstream::FakeConfig};

use crate::{
    engine::wait_finished,
    helpers::{
        anonymous_client, backends, client_with_token, create_user, spawn_app_with,
        spawn_app_with_fake,
    },
};

async fn status_and_detail(request: reqwest::RequestBuilder) -> (StatusCode, String) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (
        status,
        body["detail"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test]
async fn without_a_session_pages_lead_to_sign_in_and_rest_answers_401() {
    for backend in backends() {
        let app = spawn_app_with(backend, &[]).await;
        let client = anonymous_client();
        for (page, to) in [
            ("/", "/login"),
            ("/jobs/1", "/login?next=%2Fjobs%2F1"),
            ("/admin/users", "/login?next=%2Fadmin%2Fusers"),
        ] {
            let response = client.get(app.url(page)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
            assert_eq!(response.headers()["location"], to);
        }
        let login = client.get(app.url("/login")).send().await.unwrap();
        assert_eq!(login.status(), StatusCode::OK);
        assert!(login.text().await.unwrap().contains("Sign in"));
        for path in ["/api/jobs", "/api/cache", "/api/jobs/1", "/api/cache/stats"] {
            let (status, detail) = status_and_detail(client.get(app.url(path))).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
            assert!(detail.contains("Authorization: Bearer"), "{path}: {detail}");
        }
        let server_fn = client
            .post(app.url("/fn/jobs/list"))
            .form(&[("skip", "0"), ("limit", "10")])
            .send()
            .await
            .unwrap();
        assert_eq!(server_fn.status(), StatusCode::UNAUTHORIZED);
        // The health check answers without anybody signed in.
        assert_eq!(
            client
                .get(app.url("/api/health"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
}

#[tokio::test]
async fn members_act_on_their_own_jobs_and_admins_on_everything() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let ana = create_user(&app.state, Role::Member, "ana@example.com").await;
        let bo = create_user(&app.state, Role::Member, "bo@example.com").await;
        let (ana_client, bo_client) = (client_with_token(&ana.token), client_with_token(&bo.token));
        let job = app.research_one(&ana_client, "Cohere").await;
        assert_eq!(job["submitted_by"], "ana", "filled from the account");
        assert_eq!(job["owner_id"], ana.id);
        let id = job["id"].as_i64().unwrap();

        // Bo sees the team's jobs and the cache, but cannot act on Ana's job.
        let list: Value = bo_client
            .get(app.url("/api/jobs"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["total"], 1);
        for (method, path) in [
            (Method::DELETE, format!("/api/jobs/{id}")),
            (Method::POST, format!("/api/jobs/{id}/start")),
            (Method::POST, format!("/api/jobs/{id}/cancel")),
        ] {
            let (status, detail) =
                status_and_detail(bo_client.request(method, app.url(&path))).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            assert!(
                detail.starts_with("Only ana, who started this job, or an admin can ")
                    && detail.ends_with(" it."),
                "{path}: {detail}"
            );
        }
        let entry = app.get_json("/api/cache").await["entries"][0]["id"]
            .as_i64()
            .unwrap();
        let (status, detail) =
            status_and_detail(bo_client.post(app.url("/api/cache/clear?expired_only=false"))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            detail,
            "Only an admin can clear the research cache. Ask an admin of your team."
        );
        let (status, _) =
            status_and_detail(bo_client.delete(app.url(&format!("/api/cache/{entry}")))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            app.get_json("/api/cache/stats").await["entries"],
            1,
            "nothing was cleared"
        );
        // Refreshing starts research, which every member may do.
        let (status, _) =
            status_and_detail(bo_client.post(app.url(&format!("/api/cache/{entry}/refresh"))))
                .await;
        assert_eq!(status, StatusCode::OK);

        // Ana deletes her own job; the admin clears the cache.
        let (status, _) =
            status_and_detail(ana_client.delete(app.url(&format!("/api/jobs/{id}")))).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let (status, _) = status_and_detail(
            app.client
                .post(app.url("/api/cache/clear?expired_only=false")),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        // An admin may delete anyone's job.
        let other = app.research_one(&bo_client, "Mistral AI").await["id"]
            .as_i64()
            .unwrap();
        let (status, _) =
            status_and_detail(app.client.delete(app.url(&format!("/api/jobs/{other}")))).await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[tokio::test]
async fn tokens_work_until_revoked_and_wrong_ones_never() {
    for backend in backends() {
        let app = spawn_app_with(backend, &[]).await;
        let cookie = app
            .sign_in(&app.admin.email, &app.admin.password)
            .await
            .unwrap();
        let (status, body) = app
            .call_fn(
                &cookie,
                "/fn/account/tokens/create",
                &[("name", "quarterly script")],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let created: Value = serde_json::from_str(&body).unwrap();
        let secret = created["secret"].as_str().unwrap().to_string();
        let token_id = created["token"]["id"].as_i64().unwrap().to_string();
        // Only its hash is stored.
        let rows = territory_planner::server::db::accounts::tokens_of(&app.state.db, app.admin.id)
            .await
            .unwrap();
        assert!(
            rows.iter()
                .all(|t| t.token_hash != secret && !t.token_hash.contains(&secret[3..]))
        );

        // v1's curl command with the header added.
        let with = client_with_token(&secret);
        assert_eq!(
            with.get(app.url("/api/jobs"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        let (status, body) = app.call_fn(&cookie, "/fn/account/tokens", &[]).await;
        assert_eq!(status, 200);
        assert!(
            body.contains("\"last_used_at\":\""),
            "last use is recorded: {body}"
        );
        assert!(!body.contains(&secret), "the secret is shown once only");

        let wrong = client_with_token(
            "tp_0000000000000000000000000000000000000000000000000000000000000000",
        );
        let (status, detail) = status_and_detail(wrong.get(app.url("/api/jobs"))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(detail.contains("token is wrong, revoked"), "{detail}");

        let (status, _) = app
            .call_fn(&cookie, "/fn/account/tokens/revoke", &[("id", &token_id)])
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            with.get(app.url("/api/jobs"))
                .send()
                .await
                .unwrap()
                .status(),
            401,
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn sign_in_failures_are_vague_and_slowed_after_five() {
    let app = spawn_app_with(backends()[0], &[]).await;
    let unknown = app
        .sign_in("nobody@example.com", "whatever password")
        .await
        .unwrap_err();
    let wrong = app
        .sign_in(&app.admin.email, "a wrong password")
        .await
        .unwrap_err();
    assert_eq!(unknown.0, 401);
    assert_eq!(
        unknown, wrong,
        "the answer never says whether the account exists"
    );
    for _ in 0..4 {
        assert_eq!(
            app.sign_in(&app.admin.email, "a wrong password")
                .await
                .unwrap_err()
                .0,
            401
        );
    }
    // Five wrong tries: the next one waits, even with the right password.
    let slowed = app
        .sign_in(&app.admin.email, &app.admin.password)
        .await
        .unwrap_err();
    assert_eq!(slowed.0, 429);
    assert!(
        slowed.1.contains("Too many sign-in attempts. Wait"),
        "{}",
        slowed.1
    );
    // Another account from the same address is not held up.
    let member = create_user(&app.state, Role::Member, "cy@example.com").await;
    assert!(app.sign_in(&member.email, &member.password).await.is_ok());
}

#[tokio::test]
async fn sessions_survive_a_restart_and_end_when_the_user_is_disabled() {
    for backend in backends() {
        let app = spawn_app_with(backend, &[]).await;
        let member = create_user(&app.state, Role::Member, "dee@example.com").await;
        let cookie = app.sign_in(&member.email, &member.password).await.unwrap();
        // A second instance on the same database (a restart, or another
        // machine) knows the session.
        let other = crate::helpers::spawn_instance_on_same_database(&app).await;
        let page = anonymous_client()
            .get(other.url("/"))
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{backend:?}");
        assert!(page.text().await.unwrap().contains("dee"));

        // The admin disables Dee: her session and her token stop working.
        let admin = app
            .sign_in(&app.admin.email, &app.admin.password)
            .await
            .unwrap();
        let (status, body) = app
            .call_fn(
                &admin,
                "/fn/admin/users/disabled",
                &[("id", &member.id.to_string()), ("disabled", "true")],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let page = anonymous_client()
            .get(app.url("/"))
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::SEE_OTHER);
        let token = client_with_token(&member.token);
        assert_eq!(
            token
                .get(app.url("/api/jobs"))
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
        assert!(app.sign_in(&member.email, &member.password).await.is_err());

        // The last admin cannot be demoted.
        let (status, body) = app
            .call_fn(
                &admin,
                "/fn/admin/users/role",
                &[("id", &app.admin.id.to_string()), ("role", "member")],
            )
            .await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("last active admin"), "{body}");
        // Members may not manage users or read the audit log.
        let cy = create_user(&app.state, Role::Member, "cy@example.com").await;
        let cy_cookie = app.sign_in(&cy.email, &cy.password).await.unwrap();
        let (status, body) = app.call_fn(&cy_cookie, "/fn/admin/users", &[]).await;
        assert_eq!(status, 403, "{body}");
        let (status, _) = app
            .call_fn(
                &cy_cookie,
                "/fn/admin/audit",
                &[("skip", "0"), ("limit", "10")],
            )
            .await;
        assert_eq!(status, 403);
    }
}

#[tokio::test]
async fn the_audit_log_says_who_did_what() {
    let app = spawn_app_with_fake(backends()[0], FakeConfig::default(), &[]).await;
    let id = app.research_one(&app.client, "Cohere").await["id"]
        .as_i64()
        .unwrap();
    for (method, path) in [
        (Method::POST, format!("/api/jobs/{id}/start?refresh=true")),
        (Method::GET, format!("/api/jobs/{id}/export")),
        (
            Method::POST,
            "/api/cache/clear?expired_only=false".to_string(),
        ),
    ] {
        let response = app
            .client
            .request(method, app.url(&path))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{path}");
    }
    wait_finished(&app, id as i32, std::time::Duration::from_secs(30)).await;
    let (status, _) = app.call(Method::DELETE, &format!("/api/jobs/{id}")).await;
    assert_eq!(status, 200);
    let cookie = app
        .sign_in(&app.admin.email, &app.admin.password)
        .await
        .unwrap();
    let (status, body) = app
        .call_fn(
            &cookie,
            "/fn/admin/audit",
            &[("skip", "0"), ("limit", "50")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let page: Value = serde_json::from_str(&body).unwrap();
    let actions: Vec<&str> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "job.start",
        "job.refresh",
        "job.export",
        "cache.clear",
        "job.delete",
        "user.sign_in",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    let entry = &page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "job.delete")
        .unwrap();
    assert_eq!(entry["actor"], "admin <admin@example.com>");
    assert!(
        entry["target"]
            .as_str()
            .unwrap()
            .starts_with(&format!("job {id}"))
    );
}
