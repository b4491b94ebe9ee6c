//! The HTTP face of Yuanqu: axum routers per module, DTOs with OpenAPI schemas, the policy
//! layer, problem+json errors, security headers and the embedded web UI. No SQL.

pub mod appeal;
pub mod audit;
pub mod calendar;
pub mod dashboard;
pub mod enterprise;
pub mod error;
pub mod evaluation;
pub mod extract;
pub mod files;
pub mod identity;
pub mod notify;
pub mod ops;
pub mod party;
pub mod policy;
pub mod security;
pub mod sheets;
pub mod spa;
pub mod stats;
pub mod supervision;
pub mod totp;
pub mod visit;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Method};
use axum::routing::{MethodFilter, MethodRouter, on};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use utoipa::OpenApi;
use yuanqu_app::App;

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Mark the session cookie `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// The reverse proxy whose `X-Forwarded-For` is believed.
    pub trusted_proxy: Option<IpAddr>,
    /// Largest request body (AV-01).
    pub body_limit: usize,
    /// Sign-in attempts per minute from one address.
    pub login_per_minute: u32,
    /// Longest time a request may take.
    pub request_timeout: Duration,
    /// Where the data lives (the SQLite file's folder); `/readyz` checks its free space.
    pub data_dir: Option<std::path::PathBuf>,
    /// Below this many free bytes in `data_dir`, `/readyz` answers 503.
    pub min_free_bytes: u64,
    /// Requests served at once; more are refused with 503 + `Retry-After` (AV-02).
    pub max_in_flight: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            trusted_proxy: None,
            body_limit: 1024 * 1024,
            login_per_minute: 30,
            request_timeout: Duration::from_secs(30),
            data_dir: None,
            min_free_bytes: 256 * 1024 * 1024,
            max_in_flight: 512,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<HttpConfig>,
    pub login_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    pub metrics: Option<PrometheusHandle>,
    /// Permits for requests in flight (AV-02).
    pub in_flight: Arc<tokio::sync::Semaphore>,
    /// Running exports per user (at most 2 each).
    pub exports: Arc<sheets::ExportSlots>,
}

impl AppState {
    pub fn new(app: App, config: HttpConfig, metrics: Option<PrometheusHandle>) -> Self {
        let per_min = NonZeroU32::new(config.login_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            app,
            login_limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_min))),
            in_flight: Arc::new(tokio::sync::Semaphore::new(config.max_in_flight.max(1))),
            config: Arc::new(config),
            metrics,
            exports: sheets::ExportSlots::new(2),
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Yuanqu 园区 API", version = "1", description = "Operating platform of an economic development zone. See docs/API.md."),
    paths(
        identity::login, identity::logout, identity::me, identity::change_password,
        totp::verify, totp::enrol, totp::confirm, totp::disable, totp::reset, totp::zone_security, totp::set_zone_security,
        identity::list_users, identity::create_user, identity::get_user, identity::update_user, identity::unlock_user,
        identity::reveal_user_field,
        sheets::template, sheets::import, sheets::report, sheets::export,
        sheets::list_exports, sheets::approve_export, sheets::refuse_export, sheets::export_file,
        identity::list_departments, identity::create_department, identity::update_department, identity::delete_department,
        identity::list_roles,
        identity::list_parks, identity::create_park, identity::update_park,
        enterprise::list_enterprises, enterprise::create_enterprise, enterprise::get_enterprise,
        enterprise::update_enterprise, enterprise::change_status, enterprise::add_contact, enterprise::delete_contact,
        enterprise::get_timeline, enterprise::list_tags, enterprise::import_template, enterprise::import,
        enterprise::import_report, enterprise::export, enterprise::list_industries, enterprise::add_industry,
        identity::list_tokens, identity::create_token, identity::revoke_token,
        evaluation::list_evaluations, evaluation::create_evaluation, evaluation::get_evaluation,
        evaluation::update_evaluation, evaluation::run_evaluation, evaluation::publish_evaluation,
        evaluation::list_results, evaluation::export_results, evaluation::enterprise_evaluations,
        stats::list_reports, stats::create_report, stats::get_report, stats::update_report, stats::submit_report,
        stats::return_report, stats::verify_report, stats::correct_report,
        stats::import_template, stats::import, stats::import_report,
        stats::zone_indicators, stats::enterprise_stats, stats::list_warnings, stats::export_warnings,
        stats::list_rules, stats::update_rule,
        files::upload, files::get_file, files::content, files::thumbnail,
        audit::search, audit::verify,
        calendar::get_year, calendar::set_year,
        appeal::get_rules, appeal::set_rules, appeal::list_appeals, appeal::create_appeal, appeal::similar,
        appeal::get_appeal, appeal::act, appeal::request_extension, appeal::decide_extension, appeal::attachment,
        appeal::dashboard,
        notify::inbox, notify::unread_count, notify::mark_read, notify::mark_all_read,
        notify::list_webhooks, notify::create_webhook, notify::update_webhook, notify::delete_webhook,
        notify::deliveries, notify::test_webhook,
        visit::list_plans, visit::create_plan, visit::list_visits, visit::create_visit, visit::summary,
        visit::get_visit, visit::photo, visit::finding_appeal, visit::finding_rectification,
        visit::rectification_done,
        supervision::get_rules, supervision::put_rules, supervision::evaluate, supervision::list_items,
        supervision::create_item, supervision::get_item, supervision::report, supervision::close_item,
        supervision::raise_problem, supervision::report_file, supervision::import_template, supervision::import,
        supervision::get_brief, supervision::brief_docx, supervision::brief_xlsx, supervision::list_meetings,
        supervision::create_meeting, supervision::get_meeting, supervision::list_follow_ups,
        supervision::follow_up_done, supervision::scoreboard, supervision::dashboard,
        party::list_orgs, party::create_org, party::get_org, party::update_org, party::secretaries,
        party::list_members, party::create_member, party::get_member, party::move_member, party::confirm_member, party::reveal_member,
        party::members_template, party::import_members, party::designation_types, party::create_designation_type,
        party::list_designations, party::apply_designation, party::act_designation, party::honour_wall,
        party::list_alliances, party::create_alliance, party::list_activities, party::create_activity,
        party::get_activity, party::get_rules, party::put_rules, party::compliance, party::dashboard,
        party::enterprise, party::export_national, party::meetings_docx, party::activity_file,
        dashboard::economy, dashboard::list_targets, dashboard::set_target,
        ops::healthz, ops::readyz, ops::metrics,
    ),
    components(schemas(error::Problem, error::FieldErrorDto, sheets::CellErrorDto)),
    tags((name = "auth", description = "登录与会话 Sign-in and sessions"))
)]
pub struct ApiDoc;

/// The OpenAPI 3.1 document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// A route that is not in the policy table.
#[derive(Debug, thiserror::Error)]
#[error("route {method} {path} has no entry in the policy table")]
pub struct UndeclaredRoute {
    pub method: String,
    pub path: String,
}

/// Collects routes, refusing any that the policy table does not declare (AZ-01).
pub struct Routes {
    router: Router<AppState>,
    declared: Vec<(String, String)>,
}

impl Routes {
    fn new() -> Self {
        Self { router: Router::new(), declared: Vec::new() }
    }

    /// Refuses a route the policy table does not declare.
    pub fn check_declared(method: &Method, path: &str) -> Result<(), UndeclaredRoute> {
        match policy::lookup(method, path) {
            Some(_) => Ok(()),
            None => Err(UndeclaredRoute { method: method.to_string(), path: path.to_owned() }),
        }
    }

    fn add(mut self, method: Method, path: &str, handler: MethodRouter<AppState>) -> Result<Self, UndeclaredRoute> {
        Self::check_declared(&method, path)?;
        self.declared.push((method.to_string(), path.to_owned()));
        self.router = self.router.route(path, handler);
        Ok(self)
    }

    /// `(method, path)` of every route added.
    pub fn declared(&self) -> &[(String, String)] {
        &self.declared
    }
}

macro_rules! get_ {
    ($h:expr) => {
        on(MethodFilter::GET, $h)
    };
}

/// The supervision routes (issue 6).
fn supervision_routes(r: Routes) -> Result<Routes, UndeclaredRoute> {
    use supervision as s;
    let r = r.add(Method::GET, "/api/v1/supervision/rules", get_!(s::get_rules).post(s::put_rules))?;
    let r = r.add(Method::POST, "/api/v1/supervision/rules", MethodRouter::new())?;
    let r = r.add(Method::POST, "/api/v1/supervision/evaluate", on(MethodFilter::POST, s::evaluate))?;
    let r = r.add(Method::GET, "/api/v1/supervision/items", get_!(s::list_items).post(s::create_item))?;
    let r = r.add(Method::POST, "/api/v1/supervision/items", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/supervision/items/{id}", get_!(s::get_item))?;
    let r = r.add(Method::POST, "/api/v1/supervision/items/{id}/reports", on(MethodFilter::POST, s::report))?;
    let r = r.add(Method::POST, "/api/v1/supervision/items/{id}/close", on(MethodFilter::POST, s::close_item))?;
    let r = r.add(Method::POST, "/api/v1/supervision/items/{id}/problems", on(MethodFilter::POST, s::raise_problem))?;
    let r = r.add(Method::GET, "/api/v1/supervision/items/{id}/files/{file_id}", get_!(s::report_file))?;
    let r = r.add(Method::GET, "/api/v1/supervision/import/template", get_!(s::import_template))?;
    let r = r.add(
        Method::POST,
        "/api/v1/supervision/import",
        on(MethodFilter::POST, s::import).layer(DefaultBodyLimit::max(sheets::UPLOAD_LIMIT)),
    )?;
    let r = r.add(Method::GET, "/api/v1/supervision/brief", get_!(s::get_brief))?;
    let r = r.add(Method::GET, "/api/v1/supervision/brief/docx", get_!(s::brief_docx))?;
    let r = r.add(Method::GET, "/api/v1/supervision/brief/xlsx", get_!(s::brief_xlsx))?;
    let r = r.add(Method::GET, "/api/v1/supervision/meetings", get_!(s::list_meetings).post(s::create_meeting))?;
    let r = r.add(Method::POST, "/api/v1/supervision/meetings", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/supervision/meetings/{id}", get_!(s::get_meeting))?;
    let r = r.add(Method::GET, "/api/v1/supervision/follow-ups", get_!(s::list_follow_ups))?;
    let r =
        r.add(Method::POST, "/api/v1/supervision/follow-ups/{id}/done", on(MethodFilter::POST, s::follow_up_done))?;
    let r = r.add(Method::GET, "/api/v1/supervision/scoreboard", get_!(s::scoreboard))?;
    r.add(Method::GET, "/api/v1/supervision/dashboard", get_!(s::dashboard))
}

/// The party-building routes (issue 7).
fn party_routes(r: Routes) -> Result<Routes, UndeclaredRoute> {
    use party as p;
    let r = r.add(Method::GET, "/api/v1/party/orgs", get_!(p::list_orgs).post(p::create_org))?;
    let r = r.add(Method::POST, "/api/v1/party/orgs", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/party/orgs/{id}", get_!(p::get_org).patch(p::update_org))?;
    let r = r.add(Method::PATCH, "/api/v1/party/orgs/{id}", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/party/secretaries", get_!(p::secretaries))?;
    let r = r.add(Method::GET, "/api/v1/party/members", get_!(p::list_members).post(p::create_member))?;
    let r = r.add(Method::POST, "/api/v1/party/members", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/party/members/template", get_!(p::members_template))?;
    let r = r.add(
        Method::POST,
        "/api/v1/party/members/import",
        on(MethodFilter::POST, p::import_members).layer(DefaultBodyLimit::max(sheets::UPLOAD_LIMIT)),
    )?;
    let r = r.add(Method::GET, "/api/v1/party/members/{id}", get_!(p::get_member))?;
    let r = r.add(Method::POST, "/api/v1/party/members/{id}/move", on(MethodFilter::POST, p::move_member))?;
    let r = r.add(Method::POST, "/api/v1/party/members/{id}/reveal", on(MethodFilter::POST, p::reveal_member))?;
    let r = r.add(Method::POST, "/api/v1/party/members/{id}/confirm", on(MethodFilter::POST, p::confirm_member))?;
    let r = r.add(
        Method::GET,
        "/api/v1/party/designation-types",
        get_!(p::designation_types).post(p::create_designation_type),
    )?;
    let r = r.add(Method::POST, "/api/v1/party/designation-types", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/party/designations", get_!(p::list_designations).post(p::apply_designation))?;
    let r = r.add(Method::POST, "/api/v1/party/designations", MethodRouter::new())?;
    let r = r.add(Method::POST, "/api/v1/party/designations/{id}/act", on(MethodFilter::POST, p::act_designation))?;
    let r = r.add(Method::GET, "/api/v1/party/honour-wall", get_!(p::honour_wall))?;
    let r = r.add(Method::GET, "/api/v1/party/alliances", get_!(p::list_alliances).post(p::create_alliance))?;
    let r = r.add(Method::POST, "/api/v1/party/alliances", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/party/activities", get_!(p::list_activities).post(p::create_activity))?;
    let r = r.add(Method::POST, "/api/v1/party/activities", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/party/activities/{id}", get_!(p::get_activity))?;
    let r = r.add(Method::GET, "/api/v1/party/activities/{id}/files/{file_id}", get_!(p::activity_file))?;
    let r = r.add(Method::GET, "/api/v1/party/rules", get_!(p::get_rules).post(p::put_rules))?;
    let r = r.add(Method::POST, "/api/v1/party/rules", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/party/compliance", get_!(p::compliance))?;
    let r = r.add(Method::GET, "/api/v1/party/dashboard", get_!(p::dashboard))?;
    let r = r.add(Method::GET, "/api/v1/party/export/national", get_!(p::export_national))?;
    let r = r.add(Method::GET, "/api/v1/party/orgs/{id}/meetings/docx", get_!(p::meetings_docx))?;
    r.add(Method::GET, "/api/v1/party/enterprises/{id}", get_!(p::enterprise))
}

/// Every API route, each checked against the policy table.
pub fn routes() -> Result<Routes, UndeclaredRoute> {
    use enterprise as e;
    use identity as i;
    let r = Routes::new();
    let r = r.add(Method::POST, "/api/v1/auth/login", on(MethodFilter::POST, i::login))?;
    let r = r.add(Method::POST, "/api/v1/auth/logout", on(MethodFilter::POST, i::logout))?;
    let r = r.add(Method::GET, "/api/v1/auth/me", get_!(i::me))?;
    let r = r.add(Method::POST, "/api/v1/auth/password", on(MethodFilter::POST, i::change_password))?;
    let r = r.add(Method::POST, "/api/v1/auth/totp/verify", on(MethodFilter::POST, totp::verify))?;
    let r = r.add(Method::POST, "/api/v1/auth/totp/enrol", on(MethodFilter::POST, totp::enrol))?;
    let r = r.add(Method::POST, "/api/v1/auth/totp/confirm", on(MethodFilter::POST, totp::confirm))?;
    let r = r.add(Method::DELETE, "/api/v1/auth/totp", on(MethodFilter::DELETE, totp::disable))?;
    let r = r.add(Method::GET, "/api/v1/zone/security", get_!(totp::zone_security).patch(totp::set_zone_security))?;
    let r = r.add(Method::PATCH, "/api/v1/zone/security", MethodRouter::new())?;
    let r = r.add(Method::POST, "/api/v1/users/{id}/totp/reset", on(MethodFilter::POST, totp::reset))?;
    let r = r.add(Method::GET, "/api/v1/users", get_!(i::list_users).post(i::create_user))?;
    let r = r.add(Method::POST, "/api/v1/users", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/users/{id}", get_!(i::get_user).patch(i::update_user))?;
    let r = r.add(Method::PATCH, "/api/v1/users/{id}", MethodRouter::new())?;
    let r = r.add(Method::POST, "/api/v1/users/{id}/unlock", on(MethodFilter::POST, i::unlock_user))?;
    let r = r.add(Method::POST, "/api/v1/users/{id}/reveal", on(MethodFilter::POST, i::reveal_user_field))?;
    let upload = || DefaultBodyLimit::max(sheets::UPLOAD_LIMIT);
    let r = r.add(Method::GET, "/api/v1/users/import/template", get_!(sheets::template))?;
    let r = r.add(Method::POST, "/api/v1/users/import", on(MethodFilter::POST, sheets::import).layer(upload()))?;
    let r =
        r.add(Method::POST, "/api/v1/users/import/report", on(MethodFilter::POST, sheets::report).layer(upload()))?;
    let r = r.add(Method::GET, "/api/v1/users/export", get_!(sheets::export))?;
    let r = r.add(Method::GET, "/api/v1/exports", get_!(sheets::list_exports))?;
    let r = r.add(Method::POST, "/api/v1/exports/{id}/approve", on(MethodFilter::POST, sheets::approve_export))?;
    let r = r.add(Method::POST, "/api/v1/exports/{id}/refuse", on(MethodFilter::POST, sheets::refuse_export))?;
    let r = r.add(Method::GET, "/api/v1/exports/{id}/file", get_!(sheets::export_file))?;
    let r = r.add(Method::GET, "/api/v1/departments", get_!(i::list_departments).post(i::create_department))?;
    let r = r.add(Method::POST, "/api/v1/departments", MethodRouter::new())?;
    let r = r.add(
        Method::PATCH,
        "/api/v1/departments/{id}",
        on(MethodFilter::PATCH, i::update_department).delete(i::delete_department),
    )?;
    let r = r.add(Method::DELETE, "/api/v1/departments/{id}", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/roles", get_!(i::list_roles))?;
    let r = r.add(Method::GET, "/api/v1/parks", get_!(i::list_parks).post(i::create_park))?;
    let r = r.add(Method::POST, "/api/v1/parks", MethodRouter::new())?;
    let r = r.add(Method::PATCH, "/api/v1/parks/{id}", on(MethodFilter::PATCH, i::update_park))?;
    let r = r.add(Method::GET, "/api/v1/enterprises", get_!(e::list_enterprises).post(e::create_enterprise))?;
    let r = r.add(Method::POST, "/api/v1/enterprises", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/enterprises/{id}/evaluations", get_!(evaluation::enterprise_evaluations))?;
    let r = r.add(
        Method::GET,
        "/api/v1/evaluations",
        get_!(evaluation::list_evaluations).post(evaluation::create_evaluation),
    )?;
    let r = r.add(Method::POST, "/api/v1/evaluations", MethodRouter::new())?;
    let r = r.add(
        Method::GET,
        "/api/v1/evaluations/{id}",
        get_!(evaluation::get_evaluation).patch(evaluation::update_evaluation),
    )?;
    let r = r.add(Method::PATCH, "/api/v1/evaluations/{id}", MethodRouter::new())?;
    let r = r.add(Method::POST, "/api/v1/evaluations/{id}/run", on(MethodFilter::POST, evaluation::run_evaluation))?;
    let r = r.add(
        Method::POST,
        "/api/v1/evaluations/{id}/publish",
        on(MethodFilter::POST, evaluation::publish_evaluation),
    )?;
    let r = r.add(Method::GET, "/api/v1/evaluations/{id}/results", get_!(evaluation::list_results))?;
    let r = r.add(Method::GET, "/api/v1/evaluations/{id}/results/export", get_!(evaluation::export_results))?;
    let r = r.add(Method::GET, "/api/v1/enterprises/{id}/stats", get_!(stats::enterprise_stats))?;
    let r = r.add(Method::GET, "/api/v1/stats/reports", get_!(stats::list_reports).post(stats::create_report))?;
    let r = r.add(Method::POST, "/api/v1/stats/reports", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/stats/reports/{id}", get_!(stats::get_report).patch(stats::update_report))?;
    let r = r.add(Method::PATCH, "/api/v1/stats/reports/{id}", MethodRouter::new())?;
    let r = r.add(Method::POST, "/api/v1/stats/reports/{id}/submit", on(MethodFilter::POST, stats::submit_report))?;
    let r = r.add(Method::POST, "/api/v1/stats/reports/{id}/return", on(MethodFilter::POST, stats::return_report))?;
    let r = r.add(Method::POST, "/api/v1/stats/reports/{id}/verify", on(MethodFilter::POST, stats::verify_report))?;
    let r = r.add(Method::POST, "/api/v1/stats/reports/{id}/correct", on(MethodFilter::POST, stats::correct_report))?;
    let r = r.add(Method::GET, "/api/v1/stats/import/template", get_!(stats::import_template))?;
    let r = r.add(Method::POST, "/api/v1/stats/import", on(MethodFilter::POST, stats::import).layer(upload()))?;
    let r = r.add(
        Method::POST,
        "/api/v1/stats/import/report",
        on(MethodFilter::POST, stats::import_report).layer(upload()),
    )?;
    let r = r.add(Method::GET, "/api/v1/stats/indicators", get_!(stats::zone_indicators))?;
    let r = r.add(Method::GET, "/api/v1/stats/warnings", get_!(stats::list_warnings))?;
    let r = r.add(Method::GET, "/api/v1/stats/warnings/export", get_!(stats::export_warnings))?;
    let r = r.add(Method::GET, "/api/v1/stats/rules", get_!(stats::list_rules))?;
    let r = r.add(Method::PATCH, "/api/v1/stats/rules/{id}", on(MethodFilter::PATCH, stats::update_rule))?;
    let r = r.add(Method::GET, "/api/v1/enterprises/{id}", get_!(e::get_enterprise).patch(e::update_enterprise))?;
    let r = r.add(Method::PATCH, "/api/v1/enterprises/{id}", MethodRouter::new())?;
    let r = r.add(Method::POST, "/api/v1/enterprises/{id}/status", on(MethodFilter::POST, e::change_status))?;
    let r = r.add(Method::POST, "/api/v1/enterprises/{id}/contacts", on(MethodFilter::POST, e::add_contact))?;
    let r = r.add(
        Method::DELETE,
        "/api/v1/enterprises/{id}/contacts/{contact_id}",
        on(MethodFilter::DELETE, e::delete_contact),
    )?;
    let r = r.add(Method::GET, "/api/v1/enterprises/{id}/timeline", get_!(e::get_timeline))?;
    let r = r.add(Method::GET, "/api/v1/enterprises/tags", get_!(e::list_tags))?;
    let r = r.add(Method::GET, "/api/v1/enterprises/export", get_!(e::export))?;
    let r = r.add(Method::GET, "/api/v1/enterprises/import/template", get_!(e::import_template))?;
    let r = r.add(Method::POST, "/api/v1/enterprises/import", on(MethodFilter::POST, e::import).layer(upload()))?;
    let r = r.add(
        Method::POST,
        "/api/v1/enterprises/import/report",
        on(MethodFilter::POST, e::import_report).layer(upload()),
    )?;
    let r = r.add(Method::GET, "/api/v1/industries", get_!(e::list_industries).post(e::add_industry))?;
    let r = r.add(Method::POST, "/api/v1/industries", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/tokens", get_!(i::list_tokens).post(i::create_token))?;
    let r = r.add(Method::POST, "/api/v1/tokens", MethodRouter::new())?;
    let r = r.add(Method::DELETE, "/api/v1/tokens/{id}", on(MethodFilter::DELETE, i::revoke_token))?;
    let r = r.add(
        Method::POST,
        "/api/v1/files",
        // The upload counts its own bytes against the files limit while it streams in.
        on(MethodFilter::POST, files::upload).layer(DefaultBodyLimit::disable()),
    )?;
    let r = r.add(Method::GET, "/api/v1/files/{id}", get_!(files::get_file))?;
    let r = r.add(Method::GET, "/api/v1/files/{id}/content", get_!(files::content))?;
    let r = r.add(Method::GET, "/api/v1/files/{id}/thumbnail", get_!(files::thumbnail))?;
    let r = r.add(Method::GET, "/api/v1/calendar", get_!(calendar::get_year).post(calendar::set_year))?;
    let r = r.add(Method::POST, "/api/v1/calendar", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/appeal-rules", get_!(appeal::get_rules).post(appeal::set_rules))?;
    let r = r.add(Method::POST, "/api/v1/appeal-rules", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/appeals", get_!(appeal::list_appeals).post(appeal::create_appeal))?;
    let r = r.add(Method::POST, "/api/v1/appeals", MethodRouter::new())?;
    let r = r.add(Method::POST, "/api/v1/appeals/similar", on(MethodFilter::POST, appeal::similar))?;
    let r = r.add(Method::GET, "/api/v1/appeals/{id}", get_!(appeal::get_appeal))?;
    let r = r.add(Method::POST, "/api/v1/appeals/{id}/actions", on(MethodFilter::POST, appeal::act))?;
    let r =
        r.add(Method::POST, "/api/v1/appeals/{id}/extensions", on(MethodFilter::POST, appeal::request_extension))?;
    let r = r.add(
        Method::POST,
        "/api/v1/appeals/{id}/extensions/{extension_id}/decision",
        on(MethodFilter::POST, appeal::decide_extension),
    )?;
    let r = r.add(Method::GET, "/api/v1/appeals/{id}/files/{file_id}", get_!(appeal::attachment))?;
    let r = r.add(Method::GET, "/api/v1/dashboard/appeals", get_!(appeal::dashboard))?;
    let r = r.add(Method::GET, "/api/v1/notifications", get_!(notify::inbox))?;
    let r = r.add(Method::GET, "/api/v1/notifications/unread-count", get_!(notify::unread_count))?;
    let r = r.add(Method::POST, "/api/v1/notifications/{id}/read", on(MethodFilter::POST, notify::mark_read))?;
    let r = r.add(Method::POST, "/api/v1/notifications/read-all", on(MethodFilter::POST, notify::mark_all_read))?;
    let r = r.add(Method::GET, "/api/v1/webhooks", get_!(notify::list_webhooks).post(notify::create_webhook))?;
    let r = r.add(Method::POST, "/api/v1/webhooks", MethodRouter::new())?;
    let r = r.add(
        Method::PATCH,
        "/api/v1/webhooks/{id}",
        on(MethodFilter::PATCH, notify::update_webhook).delete(notify::delete_webhook),
    )?;
    let r = r.add(Method::DELETE, "/api/v1/webhooks/{id}", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/webhooks/{id}/deliveries", get_!(notify::deliveries))?;
    let r = r.add(Method::POST, "/api/v1/webhooks/{id}/test", on(MethodFilter::POST, notify::test_webhook))?;
    let r = r.add(Method::GET, "/api/v1/visit-plans", get_!(visit::list_plans).post(visit::create_plan))?;
    let r = r.add(Method::POST, "/api/v1/visit-plans", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/visits", get_!(visit::list_visits).post(visit::create_visit))?;
    let r = r.add(Method::POST, "/api/v1/visits", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/visits/summary", get_!(visit::summary))?;
    let r = r.add(Method::GET, "/api/v1/visits/{id}", get_!(visit::get_visit))?;
    let r = r.add(Method::GET, "/api/v1/visits/{id}/photos/{file_id}", get_!(visit::photo))?;
    let r = r.add(
        Method::POST,
        "/api/v1/visits/{id}/findings/{finding_id}/appeal",
        on(MethodFilter::POST, visit::finding_appeal),
    )?;
    let r = r.add(
        Method::POST,
        "/api/v1/visits/{id}/findings/{finding_id}/rectification",
        on(MethodFilter::POST, visit::finding_rectification),
    )?;
    let r =
        r.add(Method::POST, "/api/v1/rectifications/{id}/done", on(MethodFilter::POST, visit::rectification_done))?;
    let r = supervision_routes(r)?;
    let r = party_routes(r)?;
    let r = r.add(Method::GET, "/api/v1/dashboard/economy", get_!(dashboard::economy))?;
    let r = r.add(Method::GET, "/api/v1/stats/targets", get_!(dashboard::list_targets).post(dashboard::set_target))?;
    let r = r.add(Method::POST, "/api/v1/stats/targets", MethodRouter::new())?;
    let r = r.add(Method::GET, "/api/v1/audit", get_!(audit::search))?;
    let r = r.add(Method::GET, "/api/v1/audit/verify", get_!(audit::verify))?;
    let r = r.add(Method::GET, "/healthz", get_!(ops::healthz))?;
    let r = r.add(Method::GET, "/readyz", get_!(ops::readyz))?;
    let r = r.add(Method::GET, "/metrics", get_!(ops::metrics))?;
    Ok(r)
}

/// The whole application: API behind the policy layer, OpenAPI and Swagger UI, the web UI.
pub fn router(state: AppState) -> Result<Router, UndeclaredRoute> {
    let routes = routes()?;
    let body_limit = state.config.body_limit;
    let timeout = state.config.request_timeout;
    let in_flight = state.in_flight.clone();
    let api = routes
        .router
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), security::enforce))
        .with_state(state);
    let request_id = HeaderName::from_static("x-request-id");
    let docs = utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi());
    Ok(Router::new()
        .merge(api)
        .merge(docs)
        .fallback(spa::serve)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn_with_state(in_flight, security::shed_overload))
        .layer(axum::middleware::from_fn(security::problem_request_id))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn(track_metrics))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                })
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid)))
}

async fn track_metrics(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let start = std::time::Instant::now();
    let method = req.method().to_string();
    let path = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "other".into());
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "path" => path.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "path" => path)
        .record(start.elapsed().as_secs_f64());
    res
}
