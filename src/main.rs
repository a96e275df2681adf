use std::process::ExitCode;

/// Stack per runtime thread. Rendering a page's deeply nested view types
/// needs more than tokio's 2 MiB default in unoptimised builds (a debug
/// server overflowed it rendering a job page).
const THREAD_STACK_BYTES: usize = 8 * 1024 * 1024;

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(THREAD_STACK_BYTES)
        .build();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match runtime {
        // `territory_planner import-v1 <v1's SQLite file>`: v1's history, then exit.
        Ok(runtime) if args.first().is_some_and(|a| a == "import-v1") => {
            runtime.block_on(territory_planner::server::import_v1::run(&args[1..]))
        }
        Ok(runtime) => runtime.block_on(territory_planner::server::startup::run_from_env()),
        Err(error) => {
            eprintln!("territory_planner: cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}
