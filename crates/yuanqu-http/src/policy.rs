//! The one policy table (AZ-01): every route and the permission it requires. The router refuses
//! to start with a route that is not here, and a test checks routes = policy = OpenAPI.

use axum::http::Method;
use yuanqu_domain::identity::Permission;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No sign-in needed.
    Public,
    /// Any signed-in user, also one who must change the password first.
    SignedIn,
    /// A signed-in user holding the permission.
    Perm(Permission),
    /// A session that gave its password and owes its second factor (AUTH-04); such a session
    /// reaches nothing else but logout.
    Pending,
}

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

use Access::*;
use Permission::*;

const fn r(method: &'static str, path: &'static str, access: Access) -> Rule {
    Rule { method, path, access }
}

/// Paths are the router's (axum `{param}` syntax), without the `/api/v1` prefix for API routes.
pub const POLICY: &[Rule] = &[
    r("POST", "/api/v1/auth/login", Public),
    r("POST", "/api/v1/auth/logout", SignedIn),
    r("GET", "/api/v1/auth/me", SignedIn),
    r("POST", "/api/v1/auth/password", SignedIn),
    r("POST", "/api/v1/auth/totp/verify", Pending),
    r("POST", "/api/v1/auth/totp/enrol", SignedIn),
    r("POST", "/api/v1/auth/totp/confirm", SignedIn),
    r("DELETE", "/api/v1/auth/totp", SignedIn),
    r("GET", "/api/v1/zone/security", Perm(ZoneSecurity)),
    r("PATCH", "/api/v1/zone/security", Perm(ZoneSecurity)),
    r("GET", "/api/v1/users", Perm(UserRead)),
    r("POST", "/api/v1/users", Perm(UserWrite)),
    r("GET", "/api/v1/users/{id}", Perm(UserRead)),
    r("PATCH", "/api/v1/users/{id}", Perm(UserWrite)),
    r("POST", "/api/v1/users/{id}/unlock", Perm(UserUnlock)),
    r("POST", "/api/v1/users/{id}/reveal", Perm(PersonalReveal)),
    r("POST", "/api/v1/users/{id}/totp/reset", Perm(UserUnlock)),
    r("GET", "/api/v1/users/import/template", Perm(UserWrite)),
    r("POST", "/api/v1/users/import", Perm(UserWrite)),
    r("POST", "/api/v1/users/import/report", Perm(UserWrite)),
    r("GET", "/api/v1/users/export", Perm(UserRead)),
    r("GET", "/api/v1/exports", Perm(PersonalReveal)),
    r("POST", "/api/v1/exports/{id}/approve", Perm(ExportApprove)),
    r("POST", "/api/v1/exports/{id}/refuse", Perm(ExportApprove)),
    r("GET", "/api/v1/exports/{id}/file", Perm(PersonalReveal)),
    r("GET", "/api/v1/departments", Perm(DepartmentRead)),
    r("POST", "/api/v1/departments", Perm(DepartmentWrite)),
    r("PATCH", "/api/v1/departments/{id}", Perm(DepartmentWrite)),
    r("DELETE", "/api/v1/departments/{id}", Perm(DepartmentWrite)),
    r("GET", "/api/v1/roles", Perm(RoleRead)),
    r("GET", "/api/v1/parks", Perm(ParkRead)),
    r("POST", "/api/v1/parks", Perm(ParkWrite)),
    r("PATCH", "/api/v1/parks/{id}", Perm(ParkWrite)),
    r("GET", "/api/v1/enterprises", Perm(EnterpriseRead)),
    r("POST", "/api/v1/enterprises", Perm(EnterpriseWrite)),
    r("GET", "/api/v1/enterprises/{id}", Perm(EnterpriseRead)),
    r("GET", "/api/v1/notifications", SignedIn),
    r("GET", "/api/v1/notifications/unread-count", SignedIn),
    r("POST", "/api/v1/notifications/{id}/read", SignedIn),
    r("POST", "/api/v1/notifications/read-all", SignedIn),
    r("GET", "/api/v1/webhooks", Perm(NotifyManage)),
    r("POST", "/api/v1/webhooks", Perm(NotifyManage)),
    r("PATCH", "/api/v1/webhooks/{id}", Perm(NotifyManage)),
    r("DELETE", "/api/v1/webhooks/{id}", Perm(NotifyManage)),
    r("GET", "/api/v1/webhooks/{id}/deliveries", Perm(NotifyManage)),
    r("POST", "/api/v1/webhooks/{id}/test", Perm(NotifyManage)),
    r("GET", "/api/v1/calendar", SignedIn),
    r("POST", "/api/v1/calendar", Perm(CalendarManage)),
    r("GET", "/api/v1/appeal-rules", SignedIn),
    r("POST", "/api/v1/appeal-rules", Perm(AppealConfigure)),
    r("GET", "/api/v1/appeals", Perm(AppealRead)),
    r("POST", "/api/v1/appeals", Perm(AppealFile)),
    r("POST", "/api/v1/appeals/similar", Perm(AppealFile)),
    r("GET", "/api/v1/appeals/{id}", Perm(AppealRead)),
    r("POST", "/api/v1/appeals/{id}/actions", Perm(AppealRead)),
    r("POST", "/api/v1/appeals/{id}/extensions", Perm(AppealHandle)),
    r("POST", "/api/v1/appeals/{id}/extensions/{extension_id}/decision", Perm(AppealLead)),
    r("GET", "/api/v1/appeals/{id}/files/{file_id}", Perm(AppealRead)),
    r("GET", "/api/v1/dashboard/appeals", Perm(AppealRead)),
    r("GET", "/api/v1/visit-plans", Perm(VisitRead)),
    r("POST", "/api/v1/visit-plans", Perm(VisitManage)),
    r("GET", "/api/v1/visits", Perm(VisitRead)),
    r("POST", "/api/v1/visits", Perm(VisitManage)),
    r("GET", "/api/v1/visits/summary", Perm(VisitRead)),
    r("GET", "/api/v1/visits/{id}", Perm(VisitRead)),
    r("GET", "/api/v1/visits/{id}/photos/{file_id}", Perm(VisitRead)),
    r("POST", "/api/v1/visits/{id}/findings/{finding_id}/appeal", Perm(VisitManage)),
    r("POST", "/api/v1/visits/{id}/findings/{finding_id}/rectification", Perm(VisitManage)),
    r("POST", "/api/v1/rectifications/{id}/done", Perm(VisitManage)),
    r("GET", "/api/v1/supervision/rules", Perm(SupervisionRead)),
    r("POST", "/api/v1/supervision/rules", Perm(SupervisionManage)),
    r("POST", "/api/v1/supervision/evaluate", Perm(SupervisionManage)),
    r("GET", "/api/v1/supervision/items", Perm(SupervisionRead)),
    r("POST", "/api/v1/supervision/items", Perm(SupervisionManage)),
    r("GET", "/api/v1/supervision/items/{id}", Perm(SupervisionRead)),
    r("POST", "/api/v1/supervision/items/{id}/reports", Perm(SupervisionReport)),
    r("POST", "/api/v1/supervision/items/{id}/close", Perm(SupervisionManage)),
    // A department (supervision.report) or the office (supervision.manage): the use case decides.
    r("POST", "/api/v1/supervision/items/{id}/problems", Perm(SupervisionRead)),
    r("GET", "/api/v1/supervision/items/{id}/files/{file_id}", Perm(SupervisionRead)),
    r("GET", "/api/v1/supervision/import/template", Perm(SupervisionManage)),
    r("POST", "/api/v1/supervision/import", Perm(SupervisionManage)),
    r("GET", "/api/v1/supervision/brief", Perm(SupervisionRead)),
    r("GET", "/api/v1/supervision/brief/docx", Perm(SupervisionRead)),
    r("GET", "/api/v1/supervision/brief/xlsx", Perm(SupervisionRead)),
    r("GET", "/api/v1/supervision/meetings", Perm(SupervisionRead)),
    r("POST", "/api/v1/supervision/meetings", Perm(SupervisionManage)),
    r("GET", "/api/v1/supervision/meetings/{id}", Perm(SupervisionRead)),
    r("GET", "/api/v1/supervision/follow-ups", Perm(SupervisionRead)),
    // As for problems: the department or the office.
    r("POST", "/api/v1/supervision/follow-ups/{id}/done", Perm(SupervisionRead)),
    r("GET", "/api/v1/supervision/scoreboard", Perm(SupervisionRead)),
    r("GET", "/api/v1/supervision/dashboard", Perm(SupervisionRead)),
    r("GET", "/api/v1/dashboard/economy", Perm(EconomyRead)),
    r("GET", "/api/v1/stats/targets", Perm(EconomyRead)),
    r("POST", "/api/v1/stats/targets", Perm(StatsReview)),
    r("GET", "/api/v1/enterprises/{id}/evaluations", Perm(StatsRead)),
    r("GET", "/api/v1/evaluations", Perm(StatsRead)),
    r("POST", "/api/v1/evaluations", Perm(EvaluationManage)),
    r("GET", "/api/v1/evaluations/{id}", Perm(StatsRead)),
    r("PATCH", "/api/v1/evaluations/{id}", Perm(EvaluationManage)),
    r("POST", "/api/v1/evaluations/{id}/run", Perm(EvaluationManage)),
    r("POST", "/api/v1/evaluations/{id}/publish", Perm(EvaluationManage)),
    r("GET", "/api/v1/evaluations/{id}/results", Perm(StatsRead)),
    r("GET", "/api/v1/evaluations/{id}/results/export", Perm(StatsRead)),
    r("GET", "/api/v1/enterprises/{id}/stats", Perm(StatsRead)),
    r("GET", "/api/v1/stats/reports", Perm(StatsRead)),
    r("POST", "/api/v1/stats/reports", Perm(StatsReport)),
    r("GET", "/api/v1/stats/reports/{id}", Perm(StatsRead)),
    r("PATCH", "/api/v1/stats/reports/{id}", Perm(StatsReport)),
    r("POST", "/api/v1/stats/reports/{id}/submit", Perm(StatsReport)),
    r("POST", "/api/v1/stats/reports/{id}/return", Perm(StatsReview)),
    r("POST", "/api/v1/stats/reports/{id}/verify", Perm(StatsReview)),
    r("POST", "/api/v1/stats/reports/{id}/correct", Perm(StatsReview)),
    r("GET", "/api/v1/stats/import/template", Perm(StatsReview)),
    r("POST", "/api/v1/stats/import", Perm(StatsReview)),
    r("POST", "/api/v1/stats/import/report", Perm(StatsReview)),
    r("GET", "/api/v1/stats/indicators", Perm(StatsRead)),
    r("GET", "/api/v1/stats/warnings", Perm(StatsRead)),
    r("GET", "/api/v1/stats/warnings/export", Perm(StatsRead)),
    r("GET", "/api/v1/stats/rules", Perm(StatsRead)),
    r("PATCH", "/api/v1/stats/rules/{id}", Perm(StatsReview)),
    r("PATCH", "/api/v1/enterprises/{id}", Perm(EnterpriseWrite)),
    r("POST", "/api/v1/enterprises/{id}/status", Perm(EnterpriseWrite)),
    r("POST", "/api/v1/enterprises/{id}/contacts", Perm(EnterpriseWrite)),
    r("DELETE", "/api/v1/enterprises/{id}/contacts/{contact_id}", Perm(EnterpriseWrite)),
    r("GET", "/api/v1/enterprises/{id}/timeline", Perm(EnterpriseRead)),
    r("GET", "/api/v1/enterprises/tags", Perm(EnterpriseRead)),
    r("GET", "/api/v1/enterprises/export", Perm(EnterpriseRead)),
    r("GET", "/api/v1/enterprises/import/template", Perm(EnterpriseWrite)),
    r("POST", "/api/v1/enterprises/import", Perm(EnterpriseWrite)),
    r("POST", "/api/v1/enterprises/import/report", Perm(EnterpriseWrite)),
    r("GET", "/api/v1/industries", Perm(EnterpriseRead)),
    r("POST", "/api/v1/industries", Perm(EnterpriseWrite)),
    r("GET", "/api/v1/tokens", Perm(TokenOwn)),
    r("POST", "/api/v1/tokens", Perm(TokenOwn)),
    r("DELETE", "/api/v1/tokens/{id}", Perm(TokenOwn)),
    r("POST", "/api/v1/files", Perm(FileUpload)),
    r("GET", "/api/v1/files/{id}", Perm(FileRead)),
    r("GET", "/api/v1/files/{id}/content", Perm(FileRead)),
    r("GET", "/api/v1/files/{id}/thumbnail", Perm(FileRead)),
    r("GET", "/api/v1/audit", Perm(AuditRead)),
    r("GET", "/api/v1/audit/verify", Perm(AuditRead)),
    r("GET", "/healthz", Public),
    r("GET", "/readyz", Public),
    r("GET", "/metrics", Perm(MetricsRead)),
];

/// GET routes the web UI polls in the background: they never extend a session's idle time
/// (SES-02), or the header's unread-count poll every 30 s would keep an idle session alive.
pub const PASSIVE: &[&str] = &["/api/v1/notifications/unread-count"];

pub fn lookup(method: &Method, path: &str) -> Option<&'static Rule> {
    POLICY.iter().find(|r| r.method == method.as_str() && r.path == path)
}
