//! The two-tenant matrix (AZ-02). Every operation that takes an ID is listed here with the kind
//! of record the ID names; `run` tries each with the other tenant's IDs and expects 404 with the
//! other tenant's data unchanged. A new ID-taking route that is not listed fails `coverage`.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;
use yuanqu_http::policy::POLICY;

use crate::seed::{PASSWORD, Tenant, two_tenants};
use crate::{Req, Session, TestApp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    User,
    Department,
    Park,
    Enterprise,
    ApiToken,
    File,
    ExportRequest,
    Evaluation,
    StatReport,
    StatRule,
    Appeal,
    Notification,
    Webhook,
    Visit,
    Rectification,
    SupervisionItem,
    SupervisionMeeting,
    FollowUp,
    PartyOrg,
    PartyMember,
    PartyDesignation,
    PartyActivity,
}

#[derive(Debug, Clone, Copy)]
pub struct IdOp {
    pub method: &'static str,
    pub path: &'static str,
    pub target: Target,
    /// A body that would succeed on one's own record.
    pub body: fn() -> Value,
}

fn none() -> Value {
    Value::Null
}

/// Later modules add their ID-taking operations here.
pub const ID_OPERATIONS: &[IdOp] = &[
    IdOp { method: "GET", path: "/api/v1/users/{id}", target: Target::User, body: none },
    IdOp {
        method: "PATCH",
        path: "/api/v1/users/{id}",
        target: Target::User,
        body: || json!({"display_name": "改名", "active": false}),
    },
    IdOp {
        method: "PATCH",
        path: "/api/v1/departments/{id}",
        target: Target::Department,
        body: || json!({"name": "改名"}),
    },
    IdOp { method: "POST", path: "/api/v1/users/{id}/unlock", target: Target::User, body: none },
    IdOp {
        method: "POST",
        path: "/api/v1/users/{id}/reveal",
        target: Target::User,
        body: || json!({"field": "phone", "reason": "核对身份 identity check"}),
    },
    IdOp { method: "POST", path: "/api/v1/users/{id}/totp/reset", target: Target::User, body: none },
    IdOp { method: "DELETE", path: "/api/v1/departments/{id}", target: Target::Department, body: none },
    IdOp { method: "PATCH", path: "/api/v1/parks/{id}", target: Target::Park, body: || json!({"name": "改名"}) },
    IdOp { method: "GET", path: "/api/v1/enterprises/{id}", target: Target::Enterprise, body: none },
    IdOp {
        method: "PATCH",
        path: "/api/v1/enterprises/{id}",
        target: Target::Enterprise,
        body: || json!({"name": "改名", "employees": 1}),
    },
    IdOp {
        method: "POST",
        path: "/api/v1/enterprises/{id}/status",
        target: Target::Enterprise,
        body: || json!({"status": "suspended", "reason": "停产检修"}),
    },
    IdOp {
        method: "POST",
        path: "/api/v1/enterprises/{id}/contacts",
        target: Target::Enterprise,
        body: || json!({"name": "王五", "title": "经理", "phone": "13912345678"}),
    },
    // `{contact_id}` is the other tenant's contact of that enterprise (see `World::send`).
    IdOp {
        method: "DELETE",
        path: "/api/v1/enterprises/{id}/contacts/{contact_id}",
        target: Target::Enterprise,
        body: none,
    },
    IdOp { method: "GET", path: "/api/v1/enterprises/{id}/timeline", target: Target::Enterprise, body: none },
    IdOp { method: "DELETE", path: "/api/v1/tokens/{id}", target: Target::ApiToken, body: none },
    IdOp { method: "GET", path: "/api/v1/files/{id}", target: Target::File, body: none },
    IdOp { method: "GET", path: "/api/v1/files/{id}/content", target: Target::File, body: none },
    IdOp { method: "GET", path: "/api/v1/files/{id}/thumbnail", target: Target::File, body: none },
    IdOp { method: "POST", path: "/api/v1/exports/{id}/approve", target: Target::ExportRequest, body: none },
    IdOp { method: "POST", path: "/api/v1/exports/{id}/refuse", target: Target::ExportRequest, body: none },
    IdOp { method: "GET", path: "/api/v1/exports/{id}/file", target: Target::ExportRequest, body: none },
    IdOp { method: "GET", path: "/api/v1/enterprises/{id}/evaluations", target: Target::Enterprise, body: none },
    IdOp { method: "GET", path: "/api/v1/evaluations/{id}", target: Target::Evaluation, body: none },
    IdOp {
        method: "PATCH",
        path: "/api/v1/evaluations/{id}",
        target: Target::Evaluation,
        body: || json!({"config": null}),
    },
    IdOp { method: "POST", path: "/api/v1/evaluations/{id}/run", target: Target::Evaluation, body: || json!({}) },
    IdOp { method: "POST", path: "/api/v1/evaluations/{id}/publish", target: Target::Evaluation, body: || json!({}) },
    IdOp { method: "GET", path: "/api/v1/evaluations/{id}/results", target: Target::Evaluation, body: none },
    IdOp { method: "GET", path: "/api/v1/evaluations/{id}/results/export", target: Target::Evaluation, body: none },
    IdOp { method: "GET", path: "/api/v1/enterprises/{id}/stats", target: Target::Enterprise, body: none },
    IdOp { method: "GET", path: "/api/v1/stats/reports/{id}", target: Target::StatReport, body: none },
    IdOp {
        method: "PATCH",
        path: "/api/v1/stats/reports/{id}",
        target: Target::StatReport,
        body: || json!({"values": {"output": "1"}}),
    },
    IdOp { method: "POST", path: "/api/v1/stats/reports/{id}/submit", target: Target::StatReport, body: none },
    IdOp {
        method: "POST",
        path: "/api/v1/stats/reports/{id}/return",
        target: Target::StatReport,
        body: || json!({"reason": "数据有误"}),
    },
    IdOp { method: "POST", path: "/api/v1/stats/reports/{id}/verify", target: Target::StatReport, body: none },
    IdOp {
        method: "POST",
        path: "/api/v1/stats/reports/{id}/correct",
        target: Target::StatReport,
        body: || json!({"values": {"output": "1"}, "reason": "更正数据"}),
    },
    IdOp {
        method: "PATCH",
        path: "/api/v1/stats/rules/{id}",
        target: Target::StatRule,
        body: || json!({"enabled": false}),
    },
    IdOp { method: "GET", path: "/api/v1/appeals/{id}", target: Target::Appeal, body: none },
    IdOp {
        method: "POST",
        path: "/api/v1/appeals/{id}/actions",
        target: Target::Appeal,
        body: || json!({"action": "accept"}),
    },
    IdOp {
        method: "POST",
        path: "/api/v1/appeals/{id}/extensions",
        target: Target::Appeal,
        body: || json!({"days": 3, "reason": "需要现场勘察"}),
    },
    IdOp {
        method: "POST",
        path: "/api/v1/appeals/{id}/extensions/{extension_id}/decision",
        target: Target::Appeal,
        body: || json!({"approve": true}),
    },
    IdOp { method: "GET", path: "/api/v1/appeals/{id}/files/{file_id}", target: Target::Appeal, body: none },
    IdOp { method: "POST", path: "/api/v1/notifications/{id}/read", target: Target::Notification, body: none },
    IdOp {
        method: "PATCH",
        path: "/api/v1/webhooks/{id}",
        target: Target::Webhook,
        body: || json!({"name": "改名", "active": false}),
    },
    IdOp { method: "DELETE", path: "/api/v1/webhooks/{id}", target: Target::Webhook, body: none },
    IdOp { method: "GET", path: "/api/v1/webhooks/{id}/deliveries", target: Target::Webhook, body: none },
    IdOp { method: "POST", path: "/api/v1/webhooks/{id}/test", target: Target::Webhook, body: none },
    IdOp { method: "GET", path: "/api/v1/visits/{id}", target: Target::Visit, body: none },
    // `{file_id}` is Z2's appeal file, `{finding_id}` Z2's open finding (see `World::send`).
    IdOp { method: "GET", path: "/api/v1/visits/{id}/photos/{file_id}", target: Target::Visit, body: none },
    IdOp {
        method: "POST",
        path: "/api/v1/visits/{id}/findings/{finding_id}/appeal",
        target: Target::Visit,
        body: || json!({"category_id": Uuid::nil()}),
    },
    IdOp {
        method: "POST",
        path: "/api/v1/visits/{id}/findings/{finding_id}/rectification",
        target: Target::Visit,
        body: || json!({"department_id": Uuid::nil(), "requirement": "限期整改", "due_on": "2099-12-31"}),
    },
    IdOp {
        method: "POST",
        path: "/api/v1/rectifications/{id}/done",
        target: Target::Rectification,
        body: || json!({"note": "已整改"}),
    },
    IdOp { method: "GET", path: "/api/v1/supervision/items/{id}", target: Target::SupervisionItem, body: none },
    IdOp {
        method: "POST",
        path: "/api/v1/supervision/items/{id}/reports",
        target: Target::SupervisionItem,
        body: || json!({"text": "本周完成基础施工", "progress_pct": 30}),
    },
    IdOp {
        method: "POST",
        path: "/api/v1/supervision/items/{id}/close",
        target: Target::SupervisionItem,
        body: || json!({"note": "已完成"}),
    },
    IdOp {
        method: "POST",
        path: "/api/v1/supervision/items/{id}/problems",
        target: Target::SupervisionItem,
        body: || json!({"title": "需协调用电", "department_id": Uuid::nil(), "due_on": "2099-12-31"}),
    },
    // `{file_id}` is Z2's appeal file; the item is Z2's, so the answer is 404 either way.
    IdOp {
        method: "GET",
        path: "/api/v1/supervision/items/{id}/files/{file_id}",
        target: Target::SupervisionItem,
        body: none,
    },
    IdOp { method: "GET", path: "/api/v1/supervision/meetings/{id}", target: Target::SupervisionMeeting, body: none },
    IdOp {
        method: "POST",
        path: "/api/v1/supervision/follow-ups/{id}/done",
        target: Target::FollowUp,
        body: || json!({"note": "已落实"}),
    },
    IdOp { method: "GET", path: "/api/v1/party/orgs/{id}", target: Target::PartyOrg, body: none },
    IdOp { method: "GET", path: "/api/v1/party/orgs/{id}/meetings/docx", target: Target::PartyOrg, body: none },
    IdOp {
        method: "PATCH",
        path: "/api/v1/party/orgs/{id}",
        target: Target::PartyOrg,
        body: || json!({"name": "党工委"}),
    },
    IdOp { method: "GET", path: "/api/v1/party/members/{id}", target: Target::PartyMember, body: none },
    IdOp {
        method: "POST",
        path: "/api/v1/party/members/{id}/move",
        target: Target::PartyMember,
        body: || json!({"to_org_id": Uuid::nil(), "moved_on": "2026-01-05", "version": 1}),
    },
    IdOp {
        method: "POST",
        path: "/api/v1/party/members/{id}/confirm",
        target: Target::PartyMember,
        body: || json!({"full_on": "2026-01-05", "version": 1}),
    },
    IdOp {
        method: "POST",
        path: "/api/v1/party/members/{id}/reveal",
        target: Target::PartyMember,
        body: || json!({"reason": "核对党员信息"}),
    },
    IdOp {
        method: "POST",
        path: "/api/v1/party/designations/{id}/act",
        target: Target::PartyDesignation,
        body: || json!({"action": "award", "awarded_on": "2026-04-21", "certificate_no": "HS-001", "version": 1}),
    },
    IdOp { method: "GET", path: "/api/v1/party/activities/{id}", target: Target::PartyActivity, body: none },
    IdOp {
        method: "GET",
        path: "/api/v1/party/activities/{id}/files/{file_id}",
        target: Target::PartyActivity,
        body: none,
    },
    IdOp { method: "GET", path: "/api/v1/party/enterprises/{id}", target: Target::Enterprise, body: none },
];

/// A valid ID card number (GB 11643) for test member `n`.
pub fn id_card(n: u32) -> String {
    let head = format!("350582{:04}{:02}{:02}{:03}", 1970 + n % 30, 1 + n % 12, 1 + n % 28, n % 1000);
    let head = &head[..17];
    let c = yuanqu_domain::id_card::check_char(head).unwrap_or('0');
    format!("{head}{c}")
}

/// Party records of a tenant made by its party-work staff `p`: the working committee, a
/// workshop branch of enterprise A led by `secretary` (if given), another branch, a member in
/// each, a red-workshop application of the workshop branch and a committee meeting of it.
/// Returns (workshop branch, other branch, member of the workshop branch, member of the other
/// branch, application, meeting).
pub async fn party_records(
    t: &TestApp,
    p: &Session,
    tenant: &Tenant,
    secretary: Option<Uuid>,
    seq: u32,
) -> anyhow::Result<[Uuid; 6]> {
    let id = |r: &crate::Res| r.body["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
    let root = t.post("/api/v1/party/orgs", p, json!({"parent_id": null, "org_type": "working_committee", "name": "园区党工委", "secretary_name": "王书记"})).await;
    anyhow::ensure!(root.status == StatusCode::CREATED, "root: {}", root.text);
    let root = id(&root);
    let ws = t
        .post(
            "/api/v1/party/orgs",
            p,
            json!({"parent_id": root, "org_type": "workshop_branch", "name": "一车间党支部", "enterprise_id": tenant.enterprise_a,
                   "workshop": "一车间", "secretary_name": "李书记", "secretary_user_id": secretary, "founded_on": "2020-07-01"}),
        )
        .await;
    anyhow::ensure!(ws.status == StatusCode::CREATED, "workshop branch: {}", ws.text);
    let ws = id(&ws);
    let other = t
        .post(
            "/api/v1/party/orgs",
            p,
            json!({"parent_id": root, "org_type": "branch", "name": "机关党支部", "founded_on": "2019-01-01"}),
        )
        .await;
    anyhow::ensure!(other.status == StatusCode::CREATED, "branch: {}", other.text);
    let other = id(&other);
    let mut members = Vec::new();
    for (i, (org, name)) in [(ws, "张红"), (other, "刘军")].into_iter().enumerate() {
        let m = t
            .post(
                "/api/v1/party/members",
                p,
                json!({"org_id": org, "name": name, "id_card": id_card(seq * 10 + i as u32), "joined_on": "2015-07-01",
                       "standing": "full", "phone": "13912345678", "education": "大学本科", "ethnicity": "汉族"}),
            )
            .await;
        anyhow::ensure!(m.status == StatusCode::CREATED, "member: {}", m.text);
        members.push(id(&m));
    }
    let types = t.get("/api/v1/party/designation-types", p).await;
    let red =
        types.body.as_array().and_then(|a| a.iter().find(|t| t["code"] == "red_workshop")).map(|t| t["id"].clone());
    let app = t
        .post(
            "/api/v1/party/designations",
            p,
            json!({"type_id": red, "org_id": ws, "title": "一车间", "workshop": "一车间", "materials": "党员占比 30%，无安全事故"}),
        )
        .await;
    anyhow::ensure!(app.status == StatusCode::CREATED, "application: {}", app.text);
    let meeting = t
        .post(
            "/api/v1/party/activities",
            p,
            json!({"org_id": ws, "kind": "meeting", "meeting_kind": "branch_committee", "title": "支委会", "held_on": "2026-01-10",
                   "attendance": [{"member_id": members[0], "present": true}]}),
        )
        .await;
    anyhow::ensure!(meeting.status == StatusCode::CREATED, "meeting: {}", meeting.text);
    Ok([
        ws,
        other,
        members[0],
        members[1],
        id(&app),
        meeting.body["activity"]["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default(),
    ])
}

/// A key task of the tenant's department (started 30 days ago, due in a year) created by its
/// leader `l`, a report with an attachment by its staff `s`, and a meeting of today with one
/// decision. Returns the item, the meeting and the decision's follow-up.
pub async fn supervision_item(
    t: &TestApp,
    l: &Session,
    s: &Session,
    tenant: &Tenant,
) -> anyhow::Result<(Uuid, Uuid, Uuid)> {
    let today = (yuanqu_app::Clock::now(t.clock.as_ref()) + chrono::Duration::hours(8)).date_naive();
    let r = t
        .post(
            "/api/v1/supervision/items",
            l,
            json!({"kind": "task", "title": "推进标准厂房建设", "year": 2026, "source": "plan",
                   "department_id": tenant.department_id, "start_on": today - chrono::Duration::days(30),
                   "due_on": today + chrono::Duration::days(335)}),
        )
        .await;
    anyhow::ensure!(r.status == StatusCode::CREATED, "item: {}", r.text);
    let item: Uuid = r.body["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
    let file = upload(t, s).await?;
    let rep = t
        .post(
            &format!("/api/v1/supervision/items/{item}/reports"),
            s,
            json!({"text": "完成场地平整", "progress_pct": 10, "file_ids": [file]}),
        )
        .await;
    anyhow::ensure!(rep.status == StatusCode::CREATED, "report: {}", rep.text);
    let m = t
        .post(
            "/api/v1/supervision/meetings",
            l,
            json!({"held_on": today, "title": "党工委扩大会议", "attendees": "党工委委员",
                   "decisions": [{"title": "协调用电指标", "department_id": tenant.department_id, "due_on": today + chrono::Duration::days(7), "item_id": item}]}),
        )
        .await;
    anyhow::ensure!(m.status == StatusCode::CREATED, "meeting: {}", m.text);
    let meeting = m.body["meeting"]["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
    let follow_up = m.body["decisions"][0]["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
    Ok((item, meeting, follow_up))
}

/// Appeal rules for a tenant: a `land` category (1/3/15 working days) routed to the tenant's
/// department, and a `labour` one (4 hours / 1 / 5 working days) with no route (a leader
/// dispatches it). Returns the two category ids.
pub async fn appeal_rules(t: &TestApp, leader: &Session, tenant: &Tenant) -> anyhow::Result<(Uuid, Uuid)> {
    let r = t
        .post(
            "/api/v1/appeal-rules",
            leader,
            json!({
                "categories": [
                    {"code": "land", "name": "用地", "accept_limit": "1wd", "answer_limit": "3wd", "resolve_limit": "15wd", "yellow_pct": 80, "pause_when_waiting": true},
                    {"code": "labour", "name": "用工", "accept_limit": "4h", "answer_limit": "1wd", "resolve_limit": "5wd", "yellow_pct": 50, "pause_when_waiting": false}
                ],
                "routes": [{"category_code": "land", "department_id": tenant.department_id}]
            }),
        )
        .await;
    anyhow::ensure!(r.status == StatusCode::OK, "rules: {}", r.text);
    let id = |i: usize| r.body["categories"][i]["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
    Ok((id(0), id(1)))
}

/// An appeal the enterprise account `s` files (with attached files).
pub async fn file_appeal(
    t: &TestApp,
    s: &Session,
    category: Uuid,
    title: &str,
    files: &[Uuid],
) -> anyhow::Result<Uuid> {
    let r = t
        .post(
            "/api/v1/appeals",
            s,
            json!({"category_id": category, "title": title, "description": format!("{title}，请协调解决。"), "file_ids": files}),
        )
        .await;
    anyhow::ensure!(r.status == StatusCode::CREATED, "appeal: {}", r.text);
    Ok(r.body["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default())
}

/// A visit of the tenant's staff `s` to enterprise A today with a photo and two findings, the
/// second turned into a rectification for the tenant's department. Returns the visit, the open
/// finding and the rectification.
pub async fn visit_with_findings(t: &TestApp, s: &Session, tenant: &Tenant) -> anyhow::Result<(Uuid, Uuid, Uuid)> {
    let photo = upload(t, s).await?;
    let today = (yuanqu_app::Clock::now(t.clock.as_ref()) + chrono::Duration::hours(8)).date_naive();
    let r = t
        .post(
            "/api/v1/visits",
            s,
            json!({"enterprise_id": tenant.enterprise_a, "visited_on": today, "visitors": "经济发展局", "summary": "了解生产经营情况",
                   "file_ids": [photo], "findings": ["用电增容审批慢", "消防通道堆放杂物"]}),
        )
        .await;
    anyhow::ensure!(r.status == StatusCode::CREATED, "visit: {}", r.text);
    let id: Uuid = r.body["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
    let d = t.get(&format!("/api/v1/visits/{id}"), s).await;
    let finding =
        |i: usize| d.body["findings"][i]["id"].as_str().and_then(|s| s.parse::<Uuid>().ok()).unwrap_or_default();
    let x = t
        .post(
            &format!("/api/v1/visits/{id}/findings/{}/rectification", finding(1)),
            s,
            json!({"department_id": tenant.department_id, "requirement": "清理消防通道", "due_on": today + chrono::Duration::days(7)}),
        )
        .await;
    anyhow::ensure!(x.status == StatusCode::OK, "rectification: {}", x.text);
    let rect = x.body["findings"][1]["rectification"]["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
    Ok((id, finding(0), rect))
}

/// Seven values as typed, for a report that can be submitted.
pub fn full_values() -> Value {
    json!({"output": "100", "revenue": "120", "profit": "10", "tax": "5", "electricity": "10000", "employees": "50", "rd": "3"})
}

/// A draft report of the enterprise account `s` for `period`.
pub async fn draft_report(t: &TestApp, s: &Session, period: &str) -> anyhow::Result<Uuid> {
    let r = t.post("/api/v1/stats/reports", s, json!({"period": period, "values": full_values()})).await;
    anyhow::ensure!(r.status == StatusCode::CREATED || r.status == StatusCode::OK, "draft: {}", r.text);
    Ok(r.body["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default())
}

/// A pending export request of the tenant's administrator (as a large unmasked export leaves).
pub async fn export_request(t: &TestApp, tenant: &Tenant) -> anyhow::Result<Uuid> {
    let now = chrono::Utc::now();
    let row = yuanqu_store::exports::ExportRequestRow {
        id: Uuid::now_v7(),
        zone_id: tenant.zone_id,
        requester_id: tenant.admin_id,
        kind: "users".into(),
        filters: "{}".into(),
        reason: "年度核对 annual check".into(),
        row_count: 1001,
        status: "pending".into(),
        approver_id: None,
        decided_at: None,
        created_at: now,
        expires_at: now + chrono::Duration::hours(24),
        version: 1,
    };
    let scope = yuanqu_domain::Scope::zone(tenant.zone_id);
    Ok(yuanqu_store::exports::insert(&t.app.db.conn(), &scope, row).await?.id)
}

/// A small, harmless PDF.
pub const TINY_PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn upload(t: &TestApp, s: &Session) -> anyhow::Result<Uuid> {
    let r = t
        .send(Req::new(Method::POST, "/api/v1/files").as_(s).multipart("file", "a.pdf", "application/pdf", TINY_PDF))
        .await;
    anyhow::ensure!(r.status == StatusCode::CREATED, "upload: {}", r.text);
    Ok(r.body["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default())
}

/// Policy routes that take an ID but are missing from [`ID_OPERATIONS`].
pub fn uncovered() -> Vec<String> {
    POLICY
        .iter()
        .filter(|r| r.path.contains('{'))
        .filter(|r| !ID_OPERATIONS.iter().any(|o| o.method == r.method && o.path == r.path))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

pub struct World {
    pub t: TestApp,
    pub z1: Tenant,
    pub z2: Tenant,
    pub z1_admin: Session,
    /// Z1's security administrator, for operations the system administrator may not do.
    pub z1_security: Session,
    pub z2_admin: Session,
    pub z1_ent_a: Session,
    pub z2_token: Uuid,
    /// A file Z2's administrator uploaded.
    pub z2_file: Uuid,
    /// A file enterprise B of Z1 uploaded.
    pub z1_ent_b_file: Uuid,
    /// A pending export request of Z2's administrator.
    pub z2_export: Uuid,
    /// Z1's department staff (statistics review, evaluation.manage).
    pub z1_staff: Session,
    /// Z2's department staff, to see Z2's evaluations and reports in the snapshot.
    pub z2_staff: Session,
    /// Z2's evaluation of 2025 (run, not published).
    pub z2_evaluation: Uuid,
    /// A draft report of Z2's enterprise A, and one of Z1's enterprise B.
    pub z2_report: Uuid,
    pub z1_ent_b_report: Uuid,
    /// A contact of Z2's enterprise A.
    pub z2_contact: Uuid,
    /// Z1's zone leader (appeal decisions).
    pub z1_leader: Session,
    /// An appeal of Z2's enterprise A with an attached file and a pending extension; an appeal
    /// of Z1's enterprise B.
    pub z2_appeal: Uuid,
    pub z2_appeal_file: Uuid,
    pub z2_extension: Uuid,
    pub z1_ent_b_appeal: Uuid,
    /// An unread notification of Z2's administrator, and a webhook of Z2.
    pub z2_notification: Uuid,
    pub z2_webhook: Uuid,
    /// A visit of Z2 to its enterprise A with a photo, an open finding and a rectification.
    pub z2_visit: Uuid,
    pub z2_finding: Uuid,
    pub z2_rectification: Uuid,
    /// A key task of Z2 with a report, a meeting and its decision.
    pub z2_item: Uuid,
    pub z2_meeting: Uuid,
    pub z2_follow_up: Uuid,
    /// Z1's party-work staff and a branch secretary of Z1's workshop branch.
    pub z1_party: Session,
    pub z1_secretary: Session,
    /// Z1's other branch and its member (outside the secretary's subtree).
    pub z1_other_branch: Uuid,
    pub z1_other_member: Uuid,
    /// Z2's party records: a workshop branch, a member, an application, a meeting.
    pub z2_party_org: Uuid,
    pub z2_party_member: Uuid,
    pub z2_designation: Uuid,
    pub z2_activity: Uuid,
}

impl World {
    pub async fn new() -> anyhow::Result<Self> {
        let t = TestApp::new().await?;
        let (z1, z2) = two_tenants(&t.app).await?;
        let z1_admin = t.login("z1", "admin", PASSWORD).await;
        let z2_admin = t.login("z2", "admin", PASSWORD).await;
        let z1_ent_a = t.login("z1", "ent-a", PASSWORD).await;
        crate::seed::extra_user(&t.app, &z1, "security", yuanqu_domain::identity::Role::SecurityAdmin).await?;
        let z1_security = t.login("z1", "security", PASSWORD).await;
        let tok = t.post("/api/v1/tokens", &z2_admin, json!({"name": "z2 script"})).await;
        anyhow::ensure!(tok.status == StatusCode::CREATED, "token: {}", tok.text);
        let z2_token = tok.body["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
        let z2_file = upload(&t, &z2_admin).await?;
        let z1_ent_b = t.login("z1", "ent-b", PASSWORD).await;
        let z1_ent_b_file = upload(&t, &z1_ent_b).await?;
        let z2_export = export_request(&t, &z2).await?;
        let z1_staff = t.login("z1", "staff", PASSWORD).await;
        let z2_staff = t.login("z2", "staff", PASSWORD).await;
        let ev = t.post("/api/v1/evaluations", &z2_staff, json!({"year": 2025})).await;
        anyhow::ensure!(ev.status == StatusCode::CREATED, "evaluation: {}", ev.text);
        let z2_evaluation = ev.body["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
        let run = t.post(&format!("/api/v1/evaluations/{z2_evaluation}/run"), &z2_staff, json!({})).await;
        anyhow::ensure!(run.status == StatusCode::OK, "evaluation run: {}", run.text);
        let z2_report = draft_report(&t, &t.login("z2", "ent-a", PASSWORD).await, "2026-10").await?;
        let z1_ent_b_report = draft_report(&t, &z1_ent_b, "2026-10").await?;
        let c = t
            .post(
                &format!("/api/v1/enterprises/{}/contacts", z2.enterprise_a),
                &z2_admin,
                json!({"name": "赵六", "title": "厂长", "phone": "13712345678"}),
            )
            .await;
        anyhow::ensure!(c.status == StatusCode::CREATED, "contact: {}", c.text);
        let z2_contact = c.body["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
        use yuanqu_domain::identity::Role;
        crate::seed::extra_user(&t.app, &z1, "leader", Role::ZoneLeader).await?;
        crate::seed::extra_user(&t.app, &z2, "leader", Role::ZoneLeader).await?;
        let z1_leader = t.login("z1", "leader", PASSWORD).await;
        let z2_leader = t.login("z2", "leader", PASSWORD).await;
        let (z1_land, _) = appeal_rules(&t, &z1_leader, &z1).await?;
        let (z2_land, _) = appeal_rules(&t, &z2_leader, &z2).await?;
        let z2_ent_a = t.login("z2", "ent-a", PASSWORD).await;
        let z2_appeal_file = upload(&t, &z2_ent_a).await?;
        let z2_appeal = file_appeal(&t, &z2_ent_a, z2_land, "污水管网容量不足", &[z2_appeal_file]).await?;
        let x = t
            .post(
                &format!("/api/v1/appeals/{z2_appeal}/extensions"),
                &z2_staff,
                json!({"days": 5, "reason": "需要现场勘察"}),
            )
            .await;
        anyhow::ensure!(x.status == StatusCode::CREATED, "extension: {}", x.text);
        let z2_extension = x.body["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
        let z1_ent_b_appeal = file_appeal(&t, &z1_ent_b, z1_land, "用地指标不足", &[]).await?;
        let notice = yuanqu_app::notify::Notice {
            kind: "appeal.assigned",
            title: "诉求已分派".into(),
            body: "请处理".into(),
            link: "/inbox".into(),
            ref_type: "appeal",
            ref_id: None,
        };
        let (zone, to, now) = (z2.zone_id, z2.admin_id, t.app.now());
        t.app
            .db
            .write(|c| {
                let notice = notice.clone();
                Box::pin(async move { yuanqu_app::notify::send(c, zone, now, &[to], &notice).await })
            })
            .await?;
        let inbox = t.get("/api/v1/notifications", &z2_admin).await;
        let z2_notification = inbox.body["items"][0]["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
        let w = t.post("/api/v1/webhooks", &z2_admin, json!({"name": "短信网关", "url": "http://127.0.0.1:9/"})).await;
        anyhow::ensure!(w.status == StatusCode::CREATED, "webhook: {}", w.text);
        let z2_webhook = w.body["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
        let (z2_visit, z2_finding, z2_rectification) = visit_with_findings(&t, &z2_staff, &z2).await?;
        let (z2_item, z2_meeting, z2_follow_up) = supervision_item(&t, &z2_leader, &z2_staff, &z2).await?;
        crate::seed::extra_user(&t.app, &z1, "party", Role::PartyStaff).await?;
        crate::seed::extra_user(&t.app, &z2, "party", Role::PartyStaff).await?;
        let z1_secretary_id = crate::seed::extra_user(&t.app, &z1, "secretary", Role::BranchSecretary).await?;
        let z1_party = t.login("z1", "party", PASSWORD).await;
        let z2_party = t.login("z2", "party", PASSWORD).await;
        let z1_secretary = t.login("z1", "secretary", PASSWORD).await;
        let [_, z1_other_branch, _, z1_other_member, _, _] =
            party_records(&t, &z1_party, &z1, Some(z1_secretary_id), 1).await?;
        let [z2_party_org, _, z2_party_member, _, z2_designation, z2_activity] =
            party_records(&t, &z2_party, &z2, None, 2).await?;
        Ok(Self {
            z1_party,
            z1_secretary,
            z1_other_branch,
            z1_other_member,
            z2_party_org,
            z2_party_member,
            z2_designation,
            z2_activity,
            z2_item,
            z2_meeting,
            z2_follow_up,
            z2_visit,
            z2_finding,
            z2_rectification,
            z1_leader,
            z2_appeal,
            z2_appeal_file,
            z2_extension,
            z1_ent_b_appeal,
            t,
            z1,
            z2,
            z1_admin,
            z1_security,
            z2_admin,
            z1_ent_a,
            z2_token,
            z2_file,
            z1_ent_b_file,
            z2_export,
            z1_staff,
            z2_staff,
            z2_evaluation,
            z2_report,
            z1_ent_b_report,
            z2_contact,
            z2_notification,
            z2_webhook,
        })
    }

    /// A Z1 account whose role holds the operation's permission (so the answer is about the
    /// other tenant's ID, not about the permission).
    fn z1_actor_for(&self, op: &IdOp) -> &Session {
        use yuanqu_domain::identity::Role;
        let method = Method::from_bytes(op.method.as_bytes()).unwrap_or(Method::GET);
        match yuanqu_http::policy::lookup(&method, op.path).map(|r| r.access) {
            Some(yuanqu_http::policy::Access::Perm(p)) if Role::SystemAdmin.has(p) => &self.z1_admin,
            Some(yuanqu_http::policy::Access::Perm(p)) if Role::SecurityAdmin.has(p) => &self.z1_security,
            Some(yuanqu_http::policy::Access::Perm(p)) if Role::DepartmentStaff.has(p) => &self.z1_staff,
            Some(yuanqu_http::policy::Access::Perm(p)) if Role::Enterprise.has(p) => &self.z1_ent_a,
            Some(yuanqu_http::policy::Access::Perm(p)) if Role::ZoneLeader.has(p) => &self.z1_leader,
            Some(yuanqu_http::policy::Access::Perm(p)) if Role::PartyStaff.has(p) => &self.z1_party,
            Some(yuanqu_http::policy::Access::Perm(_)) => &self.z1_security,
            _ => &self.z1_admin,
        }
    }

    fn z2_id(&self, target: Target) -> Uuid {
        match target {
            Target::User => self.z2.staff_id,
            Target::Department => self.z2.department_id,
            Target::Park => self.z2.park_id,
            Target::Enterprise => self.z2.enterprise_a,
            Target::ApiToken => self.z2_token,
            Target::File => self.z2_file,
            Target::ExportRequest => self.z2_export,
            Target::Evaluation => self.z2_evaluation,
            Target::StatReport => self.z2_report,
            Target::StatRule => yuanqu_store::stats::default_rule_id(self.z2.zone_id, 0),
            Target::Appeal => self.z2_appeal,
            Target::Notification => self.z2_notification,
            Target::Webhook => self.z2_webhook,
            Target::Visit => self.z2_visit,
            Target::Rectification => self.z2_rectification,
            Target::SupervisionItem => self.z2_item,
            Target::SupervisionMeeting => self.z2_meeting,
            Target::FollowUp => self.z2_follow_up,
            Target::PartyOrg => self.z2_party_org,
            Target::PartyMember => self.z2_party_member,
            Target::PartyDesignation => self.z2_designation,
            Target::PartyActivity => self.z2_activity,
        }
    }

    /// Everything Z2's administrator can see of Z2.
    pub async fn z2_snapshot(&self) -> Value {
        let s = &self.z2_admin;
        let mut out = serde_json::Map::new();
        let enterprise_a = format!("/api/v1/enterprises/{}", self.z2.enterprise_a);
        for p in [
            "/api/v1/users?page_size=100",
            "/api/v1/departments",
            "/api/v1/parks",
            "/api/v1/enterprises?page_size=100",
            enterprise_a.as_str(),
            "/api/v1/tokens",
            "/api/v1/exports",
            "/api/v1/notifications",
            "/api/v1/webhooks",
        ] {
            let mut v = self.t.get(p, s).await.body;
            // last_used_at moves as the snapshotting admin's own reads are not by token; keep it.
            if let Some(items) = v.as_array_mut() {
                items.iter_mut().for_each(|i| {
                    i.as_object_mut().map(|o| o.remove("last_used_at"));
                });
            }
            out.insert(p.to_owned(), v);
        }
        for p in [
            "/api/v1/evaluations".to_owned(),
            format!("/api/v1/evaluations/{}", self.z2_evaluation),
            format!("/api/v1/evaluations/{}/results", self.z2_evaluation),
        ] {
            let v = self.t.get(&p, &self.z2_staff).await.body;
            out.insert(p, v);
        }
        let appeal = format!("/api/v1/appeals/{}", self.z2_appeal);
        for p in
            ["/api/v1/stats/reports?page_size=100", "/api/v1/stats/rules", "/api/v1/appeals?page_size=100", &appeal]
        {
            out.insert(p.to_owned(), self.t.get(p, &self.z2_staff).await.body);
        }
        let deliveries = format!("/api/v1/webhooks/{}/deliveries", self.z2_webhook);
        out.insert(deliveries.clone(), self.t.get(&deliveries, s).await.body);
        let visit = format!("/api/v1/visits/{}", self.z2_visit);
        for p in ["/api/v1/visits?page_size=100", "/api/v1/visit-plans", "/api/v1/visits/summary", &visit] {
            out.insert(p.to_owned(), self.t.get(p, &self.z2_staff).await.body);
        }
        let item = format!("/api/v1/supervision/items/{}", self.z2_item);
        let meeting = format!("/api/v1/supervision/meetings/{}", self.z2_meeting);
        for p in ["/api/v1/supervision/items?page_size=100", "/api/v1/supervision/follow-ups", &item, &meeting] {
            out.insert(p.to_owned(), self.t.get(p, &self.z2_staff).await.body);
        }
        let org = format!("/api/v1/party/orgs/{}", self.z2_party_org);
        let member = format!("/api/v1/party/members/{}", self.z2_party_member);
        let activity = format!("/api/v1/party/activities/{}", self.z2_activity);
        let party = self.z2_admin_party().await;
        for p in ["/api/v1/party/orgs", "/api/v1/party/members", "/api/v1/party/designations", &org, &member, &activity]
        {
            out.insert(p.to_owned(), self.t.get(p, &party).await.body);
        }
        Value::Object(out)
    }

    /// Z2's party-work staff (signed in afresh: the snapshot reads party data as them).
    async fn z2_admin_party(&self) -> Session {
        self.t.login("z2", "party", PASSWORD).await
    }

    /// A branch secretary reaches only their organization's subtree: another branch of their
    /// own zone, its member and its records are not there for them (404, absent from lists);
    /// a role without party permissions gets 403.
    async fn secretary_subtree(&self) -> Vec<String> {
        let mut failures = Vec::new();
        let s = &self.z1_secretary;
        let other_member = self.z1_other_member.to_string();
        let other_branch = self.z1_other_branch.to_string();
        for p in [
            format!("/api/v1/party/members/{other_member}"),
            format!("/api/v1/party/orgs/{other_branch}"),
            format!("/api/v1/party/members?org_id={other_branch}"),
        ] {
            let r = self.t.get(&p, s).await;
            let leaked = r.text.contains(&other_member);
            if (r.status != StatusCode::NOT_FOUND && r.status != StatusCode::OK)
                || leaked
                || (r.status == StatusCode::OK && p.contains("/orgs/"))
            {
                failures.push(format!("secretary: GET {p} → {} {}", r.status, r.text));
            }
        }
        let r = self
            .t
            .post(&format!("/api/v1/party/members/{other_member}/reveal"), s, json!({"reason": "核对党员信息"}))
            .await;
        if r.status != StatusCode::FORBIDDEN {
            failures.push(format!("secretary: reveal → {} {}", r.status, r.text));
        }
        for p in ["/api/v1/party/members", "/api/v1/party/orgs", "/api/v1/party/compliance", "/api/v1/party/activities"]
        {
            let r = self.t.get(p, s).await;
            if r.status != StatusCode::OK {
                failures.push(format!("secretary: GET {p} → {} {}", r.status, r.text));
            }
            if r.text.contains(&other_member) || r.text.contains(&other_branch) {
                failures.push(format!("secretary: {p} shows the other branch: {}", r.text));
            }
        }
        let own = self.t.get("/api/v1/party/members", s).await;
        if own.body["total"] != 1 {
            failures.push(format!("secretary: own members {}", own.text));
        }
        for (who, session) in [("staff", &self.z1_staff), ("enterprise", &self.z1_ent_a), ("admin", &self.z1_admin)] {
            let r = self.t.get("/api/v1/party/members", session).await;
            if r.status != StatusCode::FORBIDDEN {
                failures.push(format!("{who}: GET /party/members → {} {}", r.status, r.text));
            }
        }
        failures
    }

    async fn send(&self, op: &IdOp, id: Uuid, as_: &Session) -> crate::Res {
        let method = Method::from_bytes(op.method.as_bytes()).unwrap_or(Method::GET);
        let path = op
            .path
            .replace("{id}", &id.to_string())
            .replace("{contact_id}", &self.z2_contact.to_string())
            .replace("{extension_id}", &self.z2_extension.to_string())
            .replace("{file_id}", &self.z2_appeal_file.to_string())
            .replace("{finding_id}", &self.z2_finding.to_string());
        let mut r = Req::new(method, &path).as_(as_).header("if-match", "\"1\"");
        let body = (op.body)();
        if !body.is_null() {
            r = r.json(&body);
        }
        self.t.send(r).await
    }

    /// Runs the matrix; returns the failures, each naming the operation.
    pub async fn run(&self) -> Vec<String> {
        let mut failures = Vec::new();
        let before = self.z2_snapshot().await;
        for op in ID_OPERATIONS {
            let res = self.send(op, self.z2_id(op.target), self.z1_actor_for(op)).await;
            if res.status != StatusCode::NOT_FOUND {
                failures
                    .push(format!("Z1 admin: {} {} with Z2's id → {} {}", op.method, op.path, res.status, res.text));
            }
            // An enterprise account reaching the other enterprise (or its upload) in its own zone.
            // (An operation an enterprise account may not do at all is refused with 403 first.)
            let method = Method::from_bytes(op.method.as_bytes()).unwrap_or(Method::GET);
            let ent_may = match yuanqu_http::policy::lookup(&method, op.path).map(|r| r.access) {
                Some(yuanqu_http::policy::Access::Perm(p)) => yuanqu_domain::identity::Role::Enterprise.has(p),
                _ => true,
            };
            let other = match op.target {
                Target::Enterprise => Some(self.z1.enterprise_b),
                Target::File => Some(self.z1_ent_b_file),
                Target::StatReport => Some(self.z1_ent_b_report),
                Target::Appeal => Some(self.z1_ent_b_appeal),
                _ => None,
            };
            if let Some(other) = other.filter(|_| ent_may) {
                let res = self.send(op, other, &self.z1_ent_a).await;
                if res.status != StatusCode::NOT_FOUND {
                    failures.push(format!(
                        "enterprise A: {} {} with B's id → {} {}",
                        op.method, op.path, res.status, res.text
                    ));
                }
            }
        }
        let after = self.z2_snapshot().await;
        if before != after {
            failures.push(format!("Z2 changed:\nbefore {before}\nafter {after}"));
        }
        // No list of Z1 shows Z2's records; enterprise A's list shows only A.
        let z2_ids: Vec<String> = [
            self.z2.staff_id,
            self.z2.admin_id,
            self.z2.department_id,
            self.z2.park_id,
            self.z2.enterprise_a,
            self.z2.enterprise_b,
            self.z2_token,
            self.z2_file,
            self.z2_appeal,
            self.z2_notification,
            self.z2_webhook,
            self.z2_item,
            self.z2_follow_up,
        ]
        .iter()
        .map(Uuid::to_string)
        .collect();
        for p in [
            "/api/v1/users?page_size=100",
            "/api/v1/departments",
            "/api/v1/parks",
            "/api/v1/enterprises?page_size=100",
            "/api/v1/tokens",
            "/api/v1/users?q=staff",
            "/api/v1/notifications",
            "/api/v1/webhooks",
        ] {
            let text = self.t.get(p, &self.z1_admin).await.text;
            if let Some(leak) = z2_ids.iter().find(|id| text.contains(id.as_str())) {
                failures.push(format!("Z1's {p} shows Z2's {leak}"));
            }
        }
        for p in
            ["/api/v1/supervision/items?page_size=100", "/api/v1/supervision/follow-ups", "/api/v1/supervision/brief"]
        {
            let r = self.t.get(p, &self.z1_leader).await;
            if r.status != StatusCode::OK {
                failures.push(format!("Z1 leader: {p} → {} {}", r.status, r.text));
            }
            if let Some(leak) = z2_ids.iter().find(|id| r.text.contains(id.as_str())) {
                failures.push(format!("Z1's {p} shows Z2's {leak}"));
            }
        }
        failures.extend(self.secretary_subtree().await);
        let list = self.t.get("/api/v1/enterprises?page_size=100", &self.z1_ent_a).await;
        let ids: Vec<&str> = list.body["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["id"].as_str()).collect())
            .unwrap_or_default();
        if ids != [self.z1.enterprise_a.to_string().as_str()] {
            failures.push(format!("enterprise A lists {ids:?}"));
        }
        failures
    }
}
