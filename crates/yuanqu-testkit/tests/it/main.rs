//! Integration tests over the real router and a real database (SQLite, or PostgreSQL when
//! `YUANQU_TEST_DATABASE_URL` is set: `cargo xtask test` runs them on both).
#![expect(clippy::unwrap_used, clippy::type_complexity, reason = "tests fail loudly; case tables are tuples")]

mod api;
mod appeal;
mod audit;
mod calendar;
mod economy;
mod enterprise;
mod evaluation;
mod files;
mod notify;
mod openapi;
mod party;
mod personal;
mod platform;
mod security;
mod sheets;
mod stats;
mod store;
mod supervision;
mod supervision_demo;
mod tenancy;
mod totp;
mod visit;
