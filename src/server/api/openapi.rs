//! The REST API's OpenAPI document, generated from the handlers' annotations
//! and the wire types, served at /api/openapi.json.

use axum::Json;
use utoipa::{OpenApi, ToSchema};

use super::{budgets, cache, events, health, jobs, rerun, review, schedules, studio};

/// Every 4xx/5xx answer of the REST API.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// What went wrong and what to fix.
    detail: String,
}

/// The upload form (fields may also be given as query parameters, as v1 did).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The CSV: a company name column (company_name, name, company, account…)
    /// and an optional website/domain column.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
    submitted_by: Option<String>,
    /// A rubric id, e.g. iaas or managed_inference.
    target_type: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Territory Planner",
        description = "Research and score prospect companies against an ideal-customer rubric. \
                       Compatible with v1's paths, parameters and field names."
    ),
    paths(
        health::health,
        jobs::upload,
        jobs::single,
        jobs::list,
        jobs::detail,
        jobs::progress,
        jobs::start,
        jobs::cancel,
        jobs::resume,
        jobs::set_budget,
        jobs::spend,
        budgets::get,
        budgets::set,
        rerun::plan,
        rerun::run_again,
        rerun::changes,
        rerun::history,
        jobs::delete,
        jobs::companies,
        jobs::company,
        jobs::export,
        review::retry_plan,
        review::queue,
        review::research,
        review::accept,
        review::not_a_company,
        review::set_tier,
        review::remove_tier,
        schedules::list,
        schedules::create,
        schedules::delete,
        studio::list,
        studio::create,
        studio::version,
        studio::save,
        studio::export,
        studio::import,
        studio::rescore_plan,
        studio::rescore,
        studio::backtest_report,
        studio::backtest_csv,
        events::events,
        cache::list,
        cache::stats,
        cache::entry,
        cache::delete,
        cache::refresh,
        cache::clear,
    ),
    components(schemas(ErrorBody, UploadForm)),
    modifiers(&BearerToken),
    security(("bearer" = [])),
    tags(
        (name = "jobs", description = "Research jobs and their companies"),
        (name = "review", description = "Companies waiting for a person, and a person's corrections"),
        (name = "schedules", description = "Lists run again every N days"),
        (name = "rubrics", description = "The ICP studio: rubric versions, re-scores from stored evidence, back-tests"),
        (name = "cache", description = "The cross-job research cache"),
        (name = "health", description = "Liveness and database health"),
    )
)]
pub struct ApiDoc;

/// Every route but health and this document takes a personal API token
/// (`Authorization: Bearer <token>`, made on the Account page) or a session.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal API token from the Account page"))
                    .build(),
            ),
        );
    }
}

/// GET /api/openapi.json
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
