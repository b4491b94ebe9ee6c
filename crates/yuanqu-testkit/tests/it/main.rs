//! Integration tests over the real router and a real database (SQLite, or PostgreSQL when
//! `YUANQU_TEST_DATABASE_URL` is set: `cargo xtask test` runs them on both).

mod api;
mod audit;
mod openapi;
mod security;
mod store;
mod tenancy;
