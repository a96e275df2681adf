use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    territory_planner::server::startup::run_from_env().await
}
