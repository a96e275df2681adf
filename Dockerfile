# syntax=docker/dockerfile:1
# Multi-stage build of Territory Planner. Mirrors the Makefile's `build` target:
# the toolchain pinned in rust-toolchain.toml, cargo-leptos built with
# no_downloads, wasm-bindgen-cli at Cargo.lock's version, Tailwind and wasm-opt
# from the npm lockfile.

ARG RUST_VERSION=1.96.0
ARG CARGO_LEPTOS_VERSION=0.3.11

FROM node:20-bookworm-slim AS node

FROM rust:${RUST_VERSION}-bookworm AS builder
ARG CARGO_LEPTOS_VERSION
# Node.js 20 for the npm-installed build tools (Tailwind CLI, binaryen's wasm-opt).
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s /usr/local/lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
WORKDIR /src

# Toolchain and cargo tools first: these layers survive source changes.
COPY rust-toolchain.toml ./
RUN rustup toolchain install
RUN cargo install cargo-leptos --version ${CARGO_LEPTOS_VERSION} --locked --features no_downloads
COPY Cargo.lock ./
RUN cargo install wasm-bindgen-cli --version \
    "$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
ENV PATH=/src/node_modules/.bin:${PATH}

COPY . .
# --precompress writes .br and .gz next to the wasm, JS and CSS; the server
# sends those to browsers that accept them.
RUN cargo leptos build --release --precompress --split

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=builder /src/target/release/territory_planner /app/territory_planner
COPY --from=builder /src/target/site /app/site
COPY --from=builder /src/rubrics /app/rubrics
RUN mkdir -p /app/data && chown app:app /app/data
USER app

ENV LEPTOS_OUTPUT_NAME=territory_planner \
    LEPTOS_SITE_ROOT=site \
    LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    LEPTOS_ENV=PROD \
    RUBRICS_DIR=/app/rubrics \
    DATABASE_URL=sqlite:///app/data/territory_planner.db \
    LOG_FORMAT=json \
    RUST_LOG=info
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:3000/api/health || exit 1
STOPSIGNAL SIGTERM
CMD ["/app/territory_planner"]
