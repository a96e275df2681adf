//! Tiers set by hand, over the REST API on both databases: one survives a
//! fresh re-run and a new job of the same list, leaves other rubrics alone,
//! ranks, filters and counts as the final tier, is exported with the model's
//! tier and the note, is audited, and is removed everywhere at once.

use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use territory_planner::server::{db::entities::audit_entry, fake_upstream::FakeConfig};

use crate::{
    engine::submit,
    helpers::{backends, spawn_app_with_fake},
    review::{company, finished, id_of, send},
};

#[tokio::test]
async fn a_tier_set_by_hand_survives_a_fresh_rerun_and_a_new_job_and_is_exported() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let job = submit(&app, "iaas", &["Anthropic", "Cohere"]).await;
        let detail = finished(&app, job).await;
        assert_eq!(company(&detail, "Anthropic")["priority_tier"], "HOT");
        let id = id_of(&detail, "Anthropic");
        let tier = format!("/api/jobs/{job}/companies/{id}/tier");
        let (status, body) = send(
            &app,
            Method::PUT,
            &tier,
            Some(json!({"tier": "COLD", "note": " "})),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "a note is required: {body}"
        );
        let (status, body) = send(
            &app,
            Method::PUT,
            &tier,
            Some(json!({"tier": "COLD", "note": "Signed with a competitor for three years"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["priority_tier"], "COLD");
        assert_eq!(body["tier_override"]["model_tier"], "HOT");
        assert_eq!(body["tier_override"]["set_by"], "admin <admin@example.com>");

        // Ranking, filters and counts follow the final tier.
        let check = |detail: &Value, page: &Value| {
            let names: Vec<&str> = detail["companies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap())
                .collect();
            assert_eq!(names, ["Cohere", "Anthropic"], "{backend:?}");
            assert_eq!(page["tiers"]["cold"], 1, "{page}");
            assert_eq!(page["rows"][0]["name"], "Anthropic");
            assert_eq!(page["rows"][0]["model_tier"], "HOT");
        };
        let page = |job: i32| {
            let app = &app;
            async move {
                app.get_json(&format!("/api/jobs/{job}/companies?tier=COLD"))
                    .await
            }
        };
        check(
            &app.get_json(&format!("/api/jobs/{job}")).await,
            &page(job).await,
        );

        // A fresh re-run of the job, and a new job of the same list, keep it.
        let (status, _) = send(
            &app,
            Method::POST,
            &format!("/api/jobs/{job}/start?refresh=true"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let detail = finished(&app, job).await;
        check(&detail, &page(job).await);
        let next = submit(&app, "iaas", &["Anthropic", "Cohere"]).await;
        let detail = finished(&app, next).await;
        check(&detail, &page(next).await);
        // Another rubric's jobs are not touched.
        let managed = submit(&app, "managed_inference", &["Anthropic"]).await;
        let other = finished(&app, managed).await;
        assert!(company(&other, "Anthropic")["tier_override"].is_null());

        // The export has the final tier, the model's and the note.
        let export = app.get_text(&format!("/api/jobs/{next}/export")).await;
        let mut lines = export.lines();
        let header: Vec<String> = csv_cells(lines.next().unwrap());
        let row = csv_cells(lines.find(|l| l.contains("Anthropic")).unwrap());
        let cell = |name: &str| {
            row[header
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == name)
                .unwrap()]
            .clone()
        };
        assert_eq!(
            (cell("Priority Tier"), cell("Model Tier")),
            ("COLD".into(), "HOT".into())
        );
        assert_eq!(
            cell("Tier Override Note"),
            "Signed with a competitor for three years"
        );
        assert_eq!(cell("Tier Override By"), "admin <admin@example.com>");

        // Recorded with who, and removed everywhere.
        let audit = audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq("company.override"))
            .all(&app.state.db)
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor, "admin <admin@example.com>");
        let next_id = id_of(&detail, "Anthropic");
        let (status, body) = send(
            &app,
            Method::DELETE,
            &format!("/api/jobs/{next}/companies/{next_id}/tier"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for j in [job, next] {
            let detail = app.get_json(&format!("/api/jobs/{j}")).await;
            assert_eq!(
                company(&detail, "Anthropic")["priority_tier"],
                "HOT",
                "{backend:?}"
            );
            assert!(company(&detail, "Anthropic")["tier_override"].is_null());
        }
    }
}

fn csv_cells(line: &str) -> Vec<String> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes())
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect()
}
