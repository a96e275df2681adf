# Territory Planner: two entry points.
#   make run   install what is missing, build (release) and serve on http://127.0.0.1:3000
#   make test  install what is missing (plus Chromium) and run every check
# Every install step is skipped when its tool is already there at the right version.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.11
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
# Tools from the npm registry (Tailwind, wasm-opt) come first, so Debian's older
# binaryen can never be picked; then cargo's own bin directory.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# The toolchain pinned in rust-toolchain.toml. RUSTUP_AUTO_INSTALL=0 on these
# machines, so the `toolchain` target installs it (with its target and components).
TOOLCHAIN := $(shell sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)

STAMP := target/.stamps
E2E_ADDR ?= 127.0.0.1:3100
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: help run build test check fmt lint unit e2e bench tools toolchain cargo-tools nextest npm-tools browser clean-data

help:
	@echo "make run    build in release mode and serve http://127.0.0.1:3000 (SQLite at data/)"
	@echo "make test   fmt, clippy (server + wasm), unit + integration tests (SQLite, PostgreSQL if it answers), browser tests"

## ---------- installs (idempotent) ----------

toolchain:
	@if ! rustup target list --installed --toolchain $(TOOLCHAIN) 2>/dev/null | grep -qx wasm32-unknown-unknown \
	   || ! rustup component list --installed --toolchain $(TOOLCHAIN) 2>/dev/null | grep -q '^clippy' \
	   || ! rustup component list --installed --toolchain $(TOOLCHAIN) 2>/dev/null | grep -q '^rustfmt'; then \
	  echo ">> installing Rust $(TOOLCHAIN) with wasm32-unknown-unknown, clippy and rustfmt"; \
	  rustup toolchain install $(TOOLCHAIN) --profile minimal \
	    --target wasm32-unknown-unknown --component clippy,rustfmt; \
	fi

cargo-tools: toolchain
	@if [ "$$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $(CARGO_LEPTOS_VERSION)" ]; then \
	  echo ">> building cargo-leptos $(CARGO_LEPTOS_VERSION) (no_downloads; about 30 min, once per machine)"; \
	  cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --features no_downloads; \
	fi
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo ">> building wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 8 min, once per machine)"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; \
	fi

$(STAMP)/npm: package.json package-lock.json
	@mkdir -p $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(STAMP)/npm-e2e: end2end/package.json end2end/package-lock.json
	@mkdir -p $(STAMP)
	cd end2end && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

npm-tools: $(STAMP)/npm

browser: $(STAMP)/npm-e2e
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo ">> installing Debian's chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	fi

nextest: toolchain
	@if ! cargo nextest --version >/dev/null 2>&1; then \
	  echo ">> building cargo-nextest (once per machine)"; \
	  cargo install cargo-nextest --locked; \
	fi

tools: cargo-tools npm-tools

## ---------- build and run ----------

# A release build is remade only when something it is built from changed, so a
# `make run` with nothing changed starts in seconds (no cargo, no wasm-opt).
# --precompress writes .br and .gz beside the wasm, JS and CSS for the server
# to send to browsers that accept them.
BUILD_INPUTS := $(shell find src style public migration/src rubrics -type f 2>/dev/null) \
	Cargo.toml Cargo.lock migration/Cargo.toml package-lock.json rust-toolchain.toml .cargo/config.toml
RELEASE := target/release/territory_planner

$(STAMP)/release: $(BUILD_INPUTS) | tools
	cargo leptos build --release --precompress --split
	@mkdir -p $(STAMP) && touch $@

build: tools
	@if [ ! -x $(RELEASE) ] || [ ! -d target/site/pkg ]; then rm -f $(STAMP)/release; fi
	@$(MAKE) --no-print-directory $(STAMP)/release

run: build
	LEPTOS_ENV=PROD ./target/release/territory_planner

## ---------- checks ----------

fmt: toolchain
	cargo fmt --all --check

lint: toolchain
	cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --features hydrate --lib --target wasm32-unknown-unknown -- -D warnings

# PostgreSQL runs the same tests when it answers on 127.0.0.1:5432. cargo-nextest
# runs each test in its own process (see .config/nextest.toml for why).
unit: toolchain nextest
	@if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then \
	  echo ">> PostgreSQL answers: integration tests run on SQLite and PostgreSQL"; \
	  export TEST_POSTGRES_URL="$${TEST_POSTGRES_URL:-$(PG_TEST_URL)}"; \
	else \
	  echo ">> PostgreSQL is not answering on 127.0.0.1:5432: integration tests run on SQLite only"; \
	fi; \
	cargo nextest run --features ssr

# Browser tests: cargo-leptos builds (debug), starts the server on $(E2E_ADDR)
# with a throwaway database and the fake upstream, and runs Playwright in Chromium.
# The upstream limits let big_job.spec.ts's 1,000 companies finish on the demo
# upstream's latencies in about half a minute.
e2e: tools browser
	rm -rf target/e2e && mkdir -p target/e2e
	env -u TAVILY_API_KEY -u LLM_API_KEY -u CRUSOE_API_KEY \
	  LEPTOS_SITE_ADDR=$(E2E_ADDR) E2E_BASE_URL=http://$(E2E_ADDR) \
	  DATABASE_URL="sqlite://$(CURDIR)/target/e2e/e2e.db?mode=rwc" \
	  SETUP_TOKEN=e2e-setup-token SEARCH_CONCURRENCY=100 LLM_CONCURRENCY=50 \
	  cargo leptos end-to-end --split

test: tools browser fmt lint unit e2e
	@echo ">> all checks passed"

# The benchmark (release build): the server and the standalone fake upstream
# as their own processes, jobs of BENCH_COMPANIES over HTTP with BENCH_ARGS
# (latencies, limits); see src/bin/bench/main.rs for what it reports.
BENCH_COMPANIES ?= 1000,5000
BENCH_ARGS ?= --search-ms 29 --llm-ms 122
bench: build
	cargo build --release --features ssr --bin bench --bin fake_upstream
	BENCH_POSTGRES_URL="$${BENCH_POSTGRES_URL:-$(PG_TEST_URL)}" \
	  ./target/release/bench --companies $(BENCH_COMPANIES) $(BENCH_ARGS)

clean-data:
	rm -rf data
