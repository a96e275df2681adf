use serde_json::Value;
use territory_planner::server::db::connect_and_migrate;

use crate::helpers::{TestDatabase, backends, spawn_app};

#[tokio::test]
async fn health_reports_a_connected_database() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let response = app.client.get(app.url("/api/health")).send().await.unwrap();
        assert_eq!(response.status(), 200, "{backend:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "healthy");
        assert_eq!(body["services"]["database"], "connected");
        let expected = if backend == crate::helpers::Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        };
        assert_eq!(body["services"]["database_backend"], expected);
    }
}

#[tokio::test]
async fn health_answers_503_with_the_reason_when_the_database_is_gone() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        app.state.db.clone().close().await.unwrap();
        let response = app.client.get(app.url("/api/health")).send().await.unwrap();
        assert_eq!(response.status(), 503, "{backend:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "unhealthy");
        assert!(
            body["detail"].as_str().unwrap().contains("database"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn migrations_are_idempotent() {
    for backend in backends() {
        let db = TestDatabase::new(backend).await;
        connect_and_migrate(&db.url).await.expect("first run");
        connect_and_migrate(&db.url)
            .await
            .expect("second run on a migrated database");
    }
}
