//! Party-building routes (党建, issue 7): organizations, members (masked; the audited full view;
//! the import), the double-red designations and the honour wall, alliances, activities and
//! meetings, the meeting rules and compliance, the dashboard and an enterprise's party section.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yuanqu_app::party::activities::{
    self as act, ActivityView, AllianceView, BranchCompliance, NewActivity, NewAlliance,
};
use yuanqu_app::party::designations::{self as des, Application, DesignationView, Review};
use yuanqu_app::party::members::{self as mem, MemberView, NewMember};
use yuanqu_app::party::{self as party, NewOrg, OrgView, Rules};
use yuanqu_domain::party::designation::Action;
use yuanqu_domain::party::{Colour, Every, MeetingKind, Requirement};

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Body, IfMatch, Me, RequestCtxX};
use crate::sheets::{XLSX, attachment, upload};

fn colour(c: Colour) -> String {
    match c {
        Colour::Green => "green",
        Colour::Yellow => "yellow",
        Colour::Red => "red",
    }
    .to_owned()
}

// ---------------------------------------------------------------- organizations

/// A party organization with its figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyOrgDto {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    /// `working_committee`, `committee`, `general_branch`, `branch`, `workshop_branch`.
    pub org_type: String,
    pub name: String,
    pub enterprise_id: Option<Uuid>,
    pub enterprise_name: Option<String>,
    pub workshop: String,
    pub secretary_name: String,
    pub secretary_user_id: Option<Uuid>,
    pub founded_on: Option<NaiveDate>,
    pub last_election_on: Option<NaiveDate>,
    pub next_election_due: Option<NaiveDate>,
    pub election_overdue: bool,
    /// Members directly in it.
    pub members: i64,
    /// Members in it and every organization under it.
    pub members_total: i64,
    pub probationary: i64,
    /// Current (awarded) designations.
    pub designations: i64,
    pub version: i32,
}

fn org_dto(v: OrgView) -> PartyOrgDto {
    PartyOrgDto {
        id: v.row.id,
        parent_id: v.row.parent_id,
        org_type: v.row.org_type,
        name: v.row.name,
        enterprise_id: v.row.enterprise_id,
        enterprise_name: v.enterprise_name,
        workshop: v.row.workshop,
        secretary_name: v.row.secretary_name,
        secretary_user_id: v.row.secretary_user_id,
        founded_on: v.row.founded_on,
        last_election_on: v.row.last_election_on,
        next_election_due: v.row.next_election_due,
        election_overdue: v.election_overdue,
        members: v.members,
        members_total: v.members_total,
        probationary: v.probationary,
        designations: v.designations,
        version: v.row.version,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyOrgList {
    /// Parents before children.
    pub items: Vec<PartyOrgDto>,
}

/// The organization tree in reach, with counts.
#[utoipa::path(get, path = "/api/v1/party/orgs", operation_id = "party_list_orgs", tag = "party",
    responses((status = 200, body = PartyOrgList), (status = 403, body = Problem)))]
pub async fn list_orgs(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<PartyOrgList>> {
    let v = party::orgs(&st.app, &actor).await?;
    Ok(Json(PartyOrgList { items: v.into_iter().map(org_dto).collect() }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPartyOrgDto {
    pub parent_id: Option<Uuid>,
    pub org_type: String,
    pub name: String,
    #[serde(default)]
    pub enterprise_id: Option<Uuid>,
    #[serde(default)]
    pub workshop: String,
    #[serde(default)]
    pub secretary_name: String,
    #[serde(default)]
    pub secretary_user_id: Option<Uuid>,
    #[serde(default)]
    pub founded_on: Option<NaiveDate>,
    #[serde(default)]
    pub last_election_on: Option<NaiveDate>,
    #[serde(default)]
    pub next_election_due: Option<NaiveDate>,
}

fn new_org(b: NewPartyOrgDto) -> NewOrg {
    NewOrg {
        parent_id: b.parent_id,
        org_type: b.org_type,
        name: b.name,
        enterprise_id: b.enterprise_id,
        workshop: b.workshop,
        secretary_name: b.secretary_name,
        secretary_user_id: b.secretary_user_id,
        founded_on: b.founded_on,
        last_election_on: b.last_election_on,
        next_election_due: b.next_election_due,
    }
}

/// Create an organization (party-work staff).
#[utoipa::path(post, path = "/api/v1/party/orgs", operation_id = "party_create_org", tag = "party", request_body = NewPartyOrgDto,
    responses((status = 201, body = PartyOrgDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_org(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<NewPartyOrgDto>,
) -> ApiResult<Response> {
    let v = party::create_org(&st.app, &actor, new_org(b), &ctx).await?;
    Ok((StatusCode::CREATED, Json(org_dto(v))).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgRefDto {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyOrgDetail {
    pub org: PartyOrgDto,
    /// From the top down to the organization itself.
    pub path: Vec<OrgRefDto>,
    pub children: Vec<PartyOrgDto>,
    pub designations: Vec<DesignationDto>,
    /// The latest 10.
    pub activities: Vec<ActivityDto>,
}

/// One organization: its path, children, designations and latest activities.
#[utoipa::path(get, path = "/api/v1/party/orgs/{id}", operation_id = "party_get_org", tag = "party",
    params(("id" = Uuid, Path)), responses((status = 200, body = PartyOrgDetail), (status = 404, body = Problem)))]
pub async fn get_org(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<PartyOrgDetail>> {
    let org = party::org(&st.app, &actor, id).await?;
    let (path, children) = party::org_path_and_children(&st.app, &actor, id).await?;
    let designations = des::list(&st.app, &actor, des::Filter { org_id: Some(id), ..Default::default() }).await?;
    let activities = act::list(
        &st.app,
        &actor,
        act::Filter { org_id: Some(id), ..Default::default() },
        yuanqu_app::PageReq { page: 1, size: 10 },
    )
    .await?;
    Ok(Json(PartyOrgDetail {
        org: org_dto(org),
        path: path.into_iter().map(|(id, name)| OrgRefDto { id, name }).collect(),
        children: children.into_iter().map(org_dto).collect(),
        designations: designations.into_iter().map(designation_dto).collect(),
        activities: activities.items.into_iter().map(activity_dto).collect(),
    }))
}

/// A change to an organization: the fields given (`null` clears an optional one).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyOrgPatchDto {
    #[serde(default, with = "crate::identity::double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    pub org_type: Option<String>,
    pub name: Option<String>,
    #[serde(default, with = "crate::identity::double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub enterprise_id: Option<Option<Uuid>>,
    pub workshop: Option<String>,
    pub secretary_name: Option<String>,
    #[serde(default, with = "crate::identity::double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub secretary_user_id: Option<Option<Uuid>>,
    #[serde(default, with = "crate::identity::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub founded_on: Option<Option<NaiveDate>>,
    #[serde(default, with = "crate::identity::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub last_election_on: Option<Option<NaiveDate>>,
    #[serde(default, with = "crate::identity::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub next_election_due: Option<Option<NaiveDate>>,
}

/// Change an organization (If-Match: the version; a new parent may not make a cycle).
#[utoipa::path(patch, path = "/api/v1/party/orgs/{id}", operation_id = "party_update_org", tag = "party", request_body = PartyOrgPatchDto,
    params(("id" = Uuid, Path), ("If-Match" = String, Header)),
    responses((status = 200, body = PartyOrgDto), (status = 404, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn update_org(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    IfMatch(v): IfMatch,
    Body(b): Body<PartyOrgPatchDto>,
) -> ApiResult<Json<PartyOrgDto>> {
    let cur = party::org(&st.app, &actor, id).await?.row;
    let n = NewOrg {
        parent_id: b.parent_id.unwrap_or(cur.parent_id),
        org_type: b.org_type.unwrap_or(cur.org_type),
        name: b.name.unwrap_or(cur.name),
        enterprise_id: b.enterprise_id.unwrap_or(cur.enterprise_id),
        workshop: b.workshop.unwrap_or(cur.workshop),
        secretary_name: b.secretary_name.unwrap_or(cur.secretary_name),
        secretary_user_id: b.secretary_user_id.unwrap_or(cur.secretary_user_id),
        founded_on: b.founded_on.unwrap_or(cur.founded_on),
        last_election_on: b.last_election_on.unwrap_or(cur.last_election_on),
        next_election_due: b.next_election_due.unwrap_or(cur.next_election_due),
    };
    let version = i32::try_from(v).map_err(|_| yuanqu_app::AppError::PreconditionFailed)?;
    let out = party::update_org(&st.app, &actor, id, n, version, &ctx).await?;
    Ok(Json(org_dto(out)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SecretaryAccountDto {
    pub id: Uuid,
    pub name: String,
}

/// The zone's branch-secretary accounts (to name an organization's secretary).
#[utoipa::path(get, path = "/api/v1/party/secretaries", operation_id = "party_secretaries", tag = "party",
    responses((status = 200, body = Vec<SecretaryAccountDto>), (status = 403, body = Problem)))]
pub async fn secretaries(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<Vec<SecretaryAccountDto>>> {
    let v = party::secretary_accounts(&st.app, &actor).await?;
    Ok(Json(v.into_iter().map(|(id, name)| SecretaryAccountDto { id, name }).collect()))
}

// ---------------------------------------------------------------- members

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDto {
    pub id: Uuid,
    pub org_id: Uuid,
    pub org_name: String,
    pub name: String,
    /// `m` or `f`.
    pub gender: String,
    pub ethnicity: String,
    pub birth_on: Option<NaiveDate>,
    /// `350582********1234`.
    pub id_card_masked: String,
    pub phone_masked: Option<String>,
    pub education: String,
    pub joined_on: NaiveDate,
    /// `full` or `probationary`.
    pub standing: String,
    pub probation_ends_on: Option<NaiveDate>,
    /// 转正日期: when a probationary member became a full member here.
    pub full_on: Option<NaiveDate>,
    pub post: String,
    pub version: i32,
}

fn member_dto(v: MemberView) -> MemberDto {
    MemberDto {
        id: v.row.id,
        org_id: v.row.org_id,
        org_name: v.org_name,
        name: v.row.name,
        gender: v.row.gender,
        ethnicity: v.row.ethnicity,
        birth_on: v.row.birth_on,
        id_card_masked: v.id_card_masked,
        phone_masked: v.phone_masked,
        education: v.row.education,
        joined_on: v.row.joined_on,
        standing: v.row.standing,
        probation_ends_on: v.row.probation_ends_on,
        full_on: v.row.full_on,
        post: v.row.post,
        version: v.row.version,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberQuery {
    /// The organization and everything under it.
    pub org_id: Option<Uuid>,
    /// Part of the name.
    pub q: Option<String>,
    /// `full` or `probationary`.
    pub standing: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberPage {
    pub items: Vec<MemberDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

/// Members in reach (ID card and phone masked).
#[utoipa::path(get, path = "/api/v1/party/members", operation_id = "party_list_members", tag = "party", params(MemberQuery),
    responses((status = 200, body = MemberPage), (status = 403, body = Problem)))]
pub async fn list_members(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<MemberQuery>,
) -> ApiResult<Json<MemberPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let f = mem::Filter { org_id: q.org_id, q: q.q, standing: q.standing };
    let p = mem::list(&st.app, &actor, f, page).await?;
    Ok(Json(MemberPage {
        items: p.items.into_iter().map(member_dto).collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMemberDto {
    pub org_id: Uuid,
    pub name: String,
    /// `m` or `f`; empty: from the ID card number.
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub ethnicity: String,
    /// Empty: from the ID card number.
    #[serde(default)]
    pub birth_on: Option<NaiveDate>,
    pub id_card: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub education: String,
    pub joined_on: NaiveDate,
    /// `full` or `probationary`.
    pub standing: String,
    #[serde(default)]
    pub probation_ends_on: Option<NaiveDate>,
    #[serde(default)]
    pub post: String,
}

/// Add a member (party-work staff). A person already a member elsewhere in the zone → 422 `id_card` `party.member_elsewhere`.
#[utoipa::path(post, path = "/api/v1/party/members", operation_id = "party_create_member", tag = "party", request_body = NewMemberDto,
    responses((status = 201, body = MemberDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_member(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<NewMemberDto>,
) -> ApiResult<Response> {
    let n = NewMember {
        org_id: b.org_id,
        name: b.name,
        gender: b.gender,
        ethnicity: b.ethnicity,
        birth_on: b.birth_on,
        id_card: b.id_card,
        phone: b.phone,
        education: b.education,
        joined_on: b.joined_on,
        standing: b.standing,
        probation_ends_on: b.probation_ends_on,
        post: b.post,
    };
    let v = mem::create(&st.app, &actor, n, &ctx).await?;
    Ok((StatusCode::CREATED, Json(member_dto(v))).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MoveDto {
    pub from_org_name: String,
    pub to_org_name: String,
    pub moved_on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDetail {
    pub member: MemberDto,
    /// Oldest first.
    pub moves: Vec<MoveDto>,
}

/// One member and their moves between organizations.
#[utoipa::path(get, path = "/api/v1/party/members/{id}", operation_id = "party_get_member", tag = "party",
    params(("id" = Uuid, Path)), responses((status = 200, body = MemberDetail), (status = 404, body = Problem)))]
pub async fn get_member(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<MemberDetail>> {
    let (m, moves) = mem::get(&st.app, &actor, id).await?;
    Ok(Json(MemberDetail {
        member: member_dto(m),
        moves: moves
            .into_iter()
            .map(|(from_org_name, to_org_name, moved_on, reason)| MoveDto {
                from_org_name,
                to_org_name,
                moved_on,
                reason,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveMemberDto {
    pub to_org_id: Uuid,
    pub moved_on: NaiveDate,
    #[serde(default)]
    pub reason: String,
    pub version: i32,
}

/// Move a member to another organization of the zone (kept in the history; 412 on a stale version).
#[utoipa::path(post, path = "/api/v1/party/members/{id}/move", operation_id = "party_move_member", tag = "party", request_body = MoveMemberDto,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MemberDto), (status = 404, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn move_member(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<MoveMemberDto>,
) -> ApiResult<Json<MemberDto>> {
    let mv = mem::Move { to_org_id: b.to_org_id, moved_on: b.moved_on, reason: b.reason, version: b.version };
    let v = mem::move_to(&st.app, &actor, id, mv, &ctx).await?;
    Ok(Json(member_dto(v)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmMemberDto {
    /// 转正日期.
    pub full_on: NaiveDate,
    pub version: i32,
}

/// A probationary member becomes a full member (转正); 409 `party.not_probationary` for a full member.
#[utoipa::path(post, path = "/api/v1/party/members/{id}/confirm", operation_id = "party_confirm_member", tag = "party", request_body = ConfirmMemberDto,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MemberDto), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn confirm_member(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<ConfirmMemberDto>,
) -> ApiResult<Json<MemberDto>> {
    let v = mem::confirm(&st.app, &actor, id, b.full_on, b.version, &ctx).await?;
    Ok(Json(member_dto(v)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyRevealDto {
    /// Why (4–200 characters); audited.
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyRevealedDto {
    pub id_card: String,
    pub phone: Option<String>,
}

/// A member's full ID card number and phone (party-work staff, with a reason; audited).
#[utoipa::path(post, path = "/api/v1/party/members/{id}/reveal", operation_id = "party_reveal_member", tag = "party", request_body = PartyRevealDto,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PartyRevealedDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn reveal_member(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<PartyRevealDto>,
) -> ApiResult<Json<PartyRevealedDto>> {
    let (id_card, phone) = mem::reveal(&st.app, &actor, id, &b.reason, &ctx).await?;
    Ok(Json(PartyRevealedDto { id_card, phone }))
}

/// The members import template.
#[utoipa::path(get, path = "/api/v1/party/members/template", operation_id = "party_members_template", tag = "party",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn members_template(Me(actor): Me) -> ApiResult<Response> {
    Ok(attachment(mem::template(&actor)?, XLSX, "party-members-template.xlsx"))
}

#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "documents the multipart form for OpenAPI")]
pub struct MemberUpload {
    /// The .xlsx or .csv file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberImportDto {
    pub created: u64,
}

/// Import members (all or nothing; errors by row and column).
#[utoipa::path(post, path = "/api/v1/party/members/import", operation_id = "party_members_import", tag = "party",
    request_body(content = MemberUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = MemberImportDto), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn import_members(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    mp: Multipart,
) -> ApiResult<Json<MemberImportDto>> {
    let (name, bytes, _) = upload(mp).await?;
    let created = mem::import(&st.app, &actor, &name, &bytes, &ctx).await?;
    Ok(Json(MemberImportDto { created }))
}

// ---------------------------------------------------------------- designations

#[derive(Debug, Serialize, ToSchema)]
pub struct DesignationTypeDto {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub criteria: String,
    /// Led by a named member (a vanguard post).
    pub needs_leader: bool,
    pub needs_workshop: bool,
}

/// The designation types (红色车间, 红色先锋岗, …).
#[utoipa::path(get, path = "/api/v1/party/designation-types", operation_id = "party_designation_types", tag = "party",
    responses((status = 200, body = Vec<DesignationTypeDto>), (status = 403, body = Problem)))]
pub async fn designation_types(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<Vec<DesignationTypeDto>>> {
    let v = des::types(&st.app, &actor).await?;
    Ok(Json(
        v.into_iter()
            .map(|t| DesignationTypeDto {
                id: t.id,
                code: t.code,
                name: t.name,
                criteria: t.criteria,
                needs_leader: t.needs_leader,
                needs_workshop: t.needs_workshop,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDesignationTypeDto {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub criteria: String,
    #[serde(default)]
    pub needs_leader: bool,
    #[serde(default)]
    pub needs_workshop: bool,
}

/// Add a designation type the zone names.
#[utoipa::path(post, path = "/api/v1/party/designation-types", operation_id = "party_create_designation_type", tag = "party",
    request_body = NewDesignationTypeDto,
    responses((status = 201, body = DesignationTypeDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_designation_type(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<NewDesignationTypeDto>,
) -> ApiResult<Response> {
    let n = des::NewType {
        code: b.code,
        name: b.name,
        criteria: b.criteria,
        needs_leader: b.needs_leader,
        needs_workshop: b.needs_workshop,
    };
    let t = des::create_type(&st.app, &actor, n, &ctx).await?;
    let dto = DesignationTypeDto {
        id: t.id,
        code: t.code,
        name: t.name,
        criteria: t.criteria,
        needs_leader: t.needs_leader,
        needs_workshop: t.needs_workshop,
    };
    Ok((StatusCode::CREATED, Json(dto)).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DesignationDto {
    pub id: Uuid,
    pub type_id: Uuid,
    pub type_code: String,
    pub type_name: String,
    pub org_id: Uuid,
    pub org_name: String,
    pub enterprise_id: Option<Uuid>,
    pub enterprise_name: Option<String>,
    pub title: String,
    pub workshop: String,
    pub leader_member_id: Option<Uuid>,
    pub leader_name: Option<String>,
    pub materials: String,
    /// `applied`, `awarded`, `returned`, `revoked`.
    pub state: String,
    pub applied_at: DateTime<Utc>,
    pub review_note: String,
    pub awarded_on: Option<NaiveDate>,
    pub ceremony: String,
    pub certificate_no: String,
    pub reviewed_year: Option<i32>,
    pub revoked_on: Option<NaiveDate>,
    pub revoke_reason: String,
    pub version: i32,
}

fn designation_dto(v: DesignationView) -> DesignationDto {
    DesignationDto {
        id: v.row.id,
        type_id: v.row.type_id,
        type_code: v.type_code,
        type_name: v.type_name,
        org_id: v.row.org_id,
        org_name: v.org_name,
        enterprise_id: v.enterprise_id,
        enterprise_name: v.enterprise_name,
        title: v.row.title,
        workshop: v.row.workshop,
        leader_member_id: v.row.leader_member_id,
        leader_name: v.leader_name,
        materials: v.row.materials,
        state: v.row.state,
        applied_at: v.row.applied_at,
        review_note: v.row.review_note,
        awarded_on: v.row.awarded_on,
        ceremony: v.row.ceremony,
        certificate_no: v.row.certificate_no,
        reviewed_year: v.row.reviewed_year,
        revoked_on: v.row.revoked_on,
        revoke_reason: v.row.revoke_reason,
        version: v.row.version,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DesignationQuery {
    /// `applied`, `awarded`, `returned`, `revoked`.
    pub state: Option<String>,
    pub type_id: Option<Uuid>,
    pub org_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DesignationList {
    pub items: Vec<DesignationDto>,
}

/// Applications and designations in reach, newest first.
#[utoipa::path(get, path = "/api/v1/party/designations", operation_id = "party_list_designations", tag = "party", params(DesignationQuery),
    responses((status = 200, body = DesignationList), (status = 403, body = Problem)))]
pub async fn list_designations(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<DesignationQuery>,
) -> ApiResult<Json<DesignationList>> {
    let v = des::list(&st.app, &actor, des::Filter { state: q.state, type_id: q.type_id, org_id: q.org_id }).await?;
    Ok(Json(DesignationList { items: v.into_iter().map(designation_dto).collect() }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDesignationDto {
    pub type_id: Uuid,
    pub org_id: Uuid,
    pub title: String,
    #[serde(default)]
    pub workshop: String,
    #[serde(default)]
    pub leader_member_id: Option<Uuid>,
    pub materials: String,
}

/// An organization applies for a designation.
#[utoipa::path(post, path = "/api/v1/party/designations", operation_id = "party_apply_designation", tag = "party", request_body = NewDesignationDto,
    responses((status = 201, body = DesignationDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn apply_designation(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<NewDesignationDto>,
) -> ApiResult<Response> {
    let a = Application {
        type_id: b.type_id,
        org_id: b.org_id,
        title: b.title,
        workshop: b.workshop,
        leader_member_id: b.leader_member_id,
        materials: b.materials,
    };
    let v = des::apply(&st.app, &actor, a, &ctx).await?;
    Ok((StatusCode::CREATED, Json(designation_dto(v))).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DesignationActionDto {
    /// `award`, `return`, `review` or `revoke`.
    pub action: String,
    /// The review note; for a revocation, the reason (required but for an award).
    #[serde(default)]
    pub note: String,
    /// Award: the day, the ceremony and the certificate number.
    #[serde(default)]
    pub awarded_on: Option<NaiveDate>,
    #[serde(default)]
    pub ceremony: String,
    #[serde(default)]
    pub certificate_no: String,
    /// Review: the year re-evaluated.
    #[serde(default)]
    pub year: Option<i32>,
    /// Revoke: the day.
    #[serde(default)]
    pub revoked_on: Option<NaiveDate>,
    pub version: i32,
}

/// Award, return, review (yearly) or revoke a designation (party-work staff); 409 from the wrong state.
#[utoipa::path(post, path = "/api/v1/party/designations/{id}/act", operation_id = "party_act_designation", tag = "party",
    request_body = DesignationActionDto, params(("id" = Uuid, Path)),
    responses((status = 200, body = DesignationDto), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn act_designation(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<DesignationActionDto>,
) -> ApiResult<Json<DesignationDto>> {
    let action = match b.action.as_str() {
        "award" => Action::Award,
        "return" => Action::Return,
        "review" => Action::Review,
        "revoke" => Action::Revoke,
        _ => return Err(yuanqu_app::AppError::field("action", "invalid").into()),
    };
    let r = Review {
        note: b.note,
        awarded_on: b.awarded_on,
        ceremony: b.ceremony,
        certificate_no: b.certificate_no,
        year: b.year,
        revoked_on: b.revoked_on,
    };
    let v = des::act(&st.app, &actor, id, action, r, b.version, &ctx).await?;
    Ok(Json(designation_dto(v)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HonourDto {
    pub id: Uuid,
    pub type_code: String,
    pub type_name: String,
    pub title: String,
    pub org_name: String,
    pub enterprise_name: Option<String>,
    pub workshop: String,
    pub leader_name: Option<String>,
    pub awarded_on: Option<NaiveDate>,
    pub certificate_no: String,
}

fn honour_dto(v: DesignationView) -> HonourDto {
    HonourDto {
        id: v.row.id,
        type_code: v.type_code,
        type_name: v.type_name,
        title: v.row.title,
        org_name: v.org_name,
        enterprise_name: v.enterprise_name,
        workshop: v.row.workshop,
        leader_name: v.leader_name,
        awarded_on: v.row.awarded_on,
        certificate_no: v.row.certificate_no,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HonourWall {
    pub items: Vec<HonourDto>,
}

/// The honour wall: the zone's current designations, by type.
#[utoipa::path(get, path = "/api/v1/party/honour-wall", operation_id = "party_honour_wall", tag = "party",
    responses((status = 200, body = HonourWall), (status = 403, body = Problem)))]
pub async fn honour_wall(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<HonourWall>> {
    let v = des::honour_wall(&st.app, &actor).await?;
    Ok(Json(HonourWall { items: v.into_iter().map(honour_dto).collect() }))
}

// ---------------------------------------------------------------- alliances

#[derive(Debug, Serialize, ToSchema)]
pub struct AllianceDto {
    pub id: Uuid,
    pub name: String,
    /// `neighbourhood`, `business`, `strong_weak`, `industry_chain`.
    pub kind: String,
    pub lead_org_id: Uuid,
    pub lead_org_name: String,
    pub founded_on: Option<NaiveDate>,
    pub description: String,
    pub members: Vec<OrgRefDto>,
    /// Joint activities recorded.
    pub activities: i64,
    pub version: i32,
}

fn alliance_dto(a: AllianceView) -> AllianceDto {
    AllianceDto {
        id: a.row.id,
        name: a.row.name,
        kind: a.row.kind,
        lead_org_id: a.row.lead_org_id,
        lead_org_name: a.lead_org_name,
        founded_on: a.row.founded_on,
        description: a.row.description,
        members: a.members.into_iter().map(|(id, name)| OrgRefDto { id, name }).collect(),
        activities: a.activities,
        version: a.row.version,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AllianceList {
    pub items: Vec<AllianceDto>,
}

/// The zone's alliances with their members.
#[utoipa::path(get, path = "/api/v1/party/alliances", operation_id = "party_list_alliances", tag = "party",
    responses((status = 200, body = AllianceList), (status = 403, body = Problem)))]
pub async fn list_alliances(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<AllianceList>> {
    let v = act::alliances(&st.app, &actor).await?;
    Ok(Json(AllianceList { items: v.into_iter().map(alliance_dto).collect() }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAllianceDto {
    pub name: String,
    pub kind: String,
    pub lead_org_id: Uuid,
    #[serde(default)]
    pub founded_on: Option<NaiveDate>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub member_org_ids: Vec<Uuid>,
}

/// Found an alliance (the lead organization is a member).
#[utoipa::path(post, path = "/api/v1/party/alliances", operation_id = "party_create_alliance", tag = "party", request_body = NewAllianceDto,
    responses((status = 201, body = AllianceDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_alliance(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<NewAllianceDto>,
) -> ApiResult<Response> {
    let n = NewAlliance {
        name: b.name,
        kind: b.kind,
        lead_org_id: b.lead_org_id,
        founded_on: b.founded_on,
        description: b.description,
        member_org_ids: b.member_org_ids,
    };
    let v = act::create_alliance(&st.app, &actor, n, &ctx).await?;
    Ok((StatusCode::CREATED, Json(alliance_dto(v))).into_response())
}

// ---------------------------------------------------------------- activities

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityDto {
    pub id: Uuid,
    pub org_id: Uuid,
    pub org_name: String,
    pub alliance_id: Option<Uuid>,
    pub alliance_name: Option<String>,
    /// `theme`, `study` or `meeting`.
    pub kind: String,
    /// For a meeting: `branch_assembly`, `branch_committee`, `group_meeting`, `party_lecture`.
    pub meeting_kind: Option<String>,
    pub title: String,
    pub theme: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub present: i64,
    pub absent: i64,
    pub photos: i64,
    pub version: i32,
}

fn activity_dto(a: ActivityView) -> ActivityDto {
    ActivityDto {
        id: a.row.id,
        org_id: a.row.org_id,
        org_name: a.org_name,
        alliance_id: a.row.alliance_id,
        alliance_name: a.alliance_name,
        kind: a.row.kind,
        meeting_kind: a.row.meeting_kind,
        title: a.row.title,
        theme: a.row.theme,
        held_on: a.row.held_on,
        place: a.row.place,
        present: a.present,
        absent: a.absent,
        photos: a.photos,
        version: a.row.version,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    /// The organization and everything under it.
    pub org_id: Option<Uuid>,
    pub kind: Option<String>,
    pub meeting_kind: Option<String>,
    pub alliance_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPage {
    pub items: Vec<ActivityDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

/// Activities and meetings in reach, newest first.
#[utoipa::path(get, path = "/api/v1/party/activities", operation_id = "party_list_activities", tag = "party", params(ActivityQuery),
    responses((status = 200, body = ActivityPage), (status = 403, body = Problem)))]
pub async fn list_activities(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<ActivityQuery>,
) -> ApiResult<Json<ActivityPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let f = act::Filter {
        org_id: q.org_id,
        kind: q.kind,
        meeting_kind: q.meeting_kind,
        alliance_id: q.alliance_id,
        from: q.from,
        to: q.to,
    };
    let p = act::list(&st.app, &actor, f, page).await?;
    Ok(Json(ActivityPage {
        items: p.items.into_iter().map(activity_dto).collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
    }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceDto {
    pub member_id: Uuid,
    /// Filled in on reading.
    #[serde(default)]
    pub name: String,
    pub present: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewActivityDto {
    pub org_id: Uuid,
    #[serde(default)]
    pub alliance_id: Option<Uuid>,
    /// `theme`, `study` or `meeting`.
    pub kind: String,
    #[serde(default)]
    pub meeting_kind: Option<String>,
    pub title: String,
    #[serde(default)]
    pub theme: String,
    pub held_on: NaiveDate,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub agenda: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub attendance: Vec<AttendanceDto>,
    /// Photos and documents uploaded first (`POST /files`).
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityDetail {
    pub activity: ActivityDto,
    pub agenda: String,
    pub summary: String,
    /// Present first.
    pub attendance: Vec<AttendanceDto>,
    pub file_ids: Vec<Uuid>,
}

async fn activity_detail(st: &AppState, actor: &yuanqu_app::Actor, id: Uuid) -> ApiResult<ActivityDetail> {
    let (a, attendance, file_ids) = act::get(&st.app, actor, id).await?;
    Ok(ActivityDetail {
        agenda: a.row.agenda.clone(),
        summary: a.row.summary.clone(),
        activity: activity_dto(a),
        attendance: attendance
            .into_iter()
            .map(|(member_id, name, present)| AttendanceDto { member_id, name, present })
            .collect(),
        file_ids,
    })
}

/// Record an activity or a meeting with attendance and photos (a branch secretary: in their subtree).
#[utoipa::path(post, path = "/api/v1/party/activities", operation_id = "party_create_activity", tag = "party", request_body = NewActivityDto,
    responses((status = 201, body = ActivityDetail), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_activity(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<NewActivityDto>,
) -> ApiResult<Response> {
    let n = NewActivity {
        org_id: b.org_id,
        alliance_id: b.alliance_id,
        kind: b.kind,
        meeting_kind: b.meeting_kind,
        title: b.title,
        theme: b.theme,
        held_on: b.held_on,
        place: b.place,
        agenda: b.agenda,
        summary: b.summary,
        attendance: b.attendance.into_iter().map(|a| (a.member_id, a.present)).collect(),
        file_ids: b.file_ids,
    };
    let id = act::create(&st.app, &actor, n, &ctx).await?;
    Ok((StatusCode::CREATED, Json(activity_detail(&st, &actor, id).await?)).into_response())
}

/// One activity with its attendance and photos.
#[utoipa::path(get, path = "/api/v1/party/activities/{id}", operation_id = "party_get_activity", tag = "party",
    params(("id" = Uuid, Path)), responses((status = 200, body = ActivityDetail), (status = 404, body = Problem)))]
pub async fn get_activity(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ActivityDetail>> {
    Ok(Json(activity_detail(&st, &actor, id).await?))
}

/// A photo or document of an activity.
#[utoipa::path(get, path = "/api/v1/party/activities/{id}/files/{file_id}", operation_id = "party_activity_file", tag = "party",
    params(("id" = Uuid, Path), ("file_id" = Uuid, Path)),
    responses((status = 200, description = "the stored bytes", content_type = "application/octet-stream"),
        (status = 404, body = Problem)))]
pub async fn activity_file(
    State(st): State<AppState>,
    Me(actor): Me,
    Path((id, file_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Response> {
    let (f, bytes) = act::file(&st.app, &actor, id, file_id).await?;
    Ok(crate::files::serve_stored(&f, bytes))
}

// ---------------------------------------------------------------- rules and compliance

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementDto {
    /// `branch_assembly`, `branch_committee`, `group_meeting`, `party_lecture`.
    pub kind: String,
    /// `month`, `quarter`, `half_year`, `year`.
    pub every: String,
    pub times: u32,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyRulesDto {
    pub requirements: Vec<RequirementDto>,
    /// A kind is yellow, not red, while at least this share (per cent) of its meetings was held.
    pub yellow_pct: u32,
    /// The version read (0: the defaults).
    pub version: i32,
}

fn every_code(e: Every) -> &'static str {
    match e {
        Every::Month => "month",
        Every::Quarter => "quarter",
        Every::HalfYear => "half_year",
        Every::Year => "year",
    }
}

fn rules_dto(r: Rules, version: i32) -> PartyRulesDto {
    PartyRulesDto {
        requirements: r
            .requirements
            .iter()
            .map(|q| RequirementDto {
                kind: q.kind.code().to_owned(),
                every: every_code(q.every).to_owned(),
                times: q.times,
            })
            .collect(),
        yellow_pct: r.yellow_pct,
        version,
    }
}

/// The zone's meeting rules (三会一课 frequencies).
#[utoipa::path(get, path = "/api/v1/party/rules", operation_id = "party_get_rules", tag = "party",
    responses((status = 200, body = PartyRulesDto), (status = 403, body = Problem)))]
pub async fn get_rules(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<PartyRulesDto>> {
    let (r, v) = party::rules(&st.app, &actor).await?;
    Ok(Json(rules_dto(r, v)))
}

/// Save the meeting rules (412 when someone saved in between).
#[utoipa::path(post, path = "/api/v1/party/rules", operation_id = "party_put_rules", tag = "party", request_body = PartyRulesDto,
    responses((status = 200, body = PartyRulesDto), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn put_rules(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<PartyRulesDto>,
) -> ApiResult<Json<PartyRulesDto>> {
    let mut errors = Vec::new();
    let mut requirements = Vec::new();
    for (i, q) in b.requirements.iter().enumerate() {
        let kind = MeetingKind::parse(&q.kind);
        let every = match q.every.as_str() {
            "month" => Some(Every::Month),
            "quarter" => Some(Every::Quarter),
            "half_year" => Some(Every::HalfYear),
            "year" => Some(Every::Year),
            _ => None,
        };
        if kind.is_none() {
            errors.push(yuanqu_domain::FieldError::new(format!("requirements[{i}].kind"), "invalid"));
        }
        if every.is_none() {
            errors.push(yuanqu_domain::FieldError::new(format!("requirements[{i}].every"), "invalid"));
        }
        if let (Some(kind), Some(every)) = (kind, every) {
            requirements.push(Requirement { kind, every, times: q.times });
        }
    }
    if !errors.is_empty() {
        return Err(yuanqu_app::AppError::Validation(errors).into());
    }
    let (r, v) =
        party::put_rules(&st.app, &actor, Rules { requirements, yellow_pct: b.yellow_pct }, b.version, &ctx).await?;
    Ok(Json(rules_dto(r, v)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// Default: 1 January of this year.
    pub from: Option<NaiveDate>,
    /// Default: 31 December of this year.
    pub to: Option<NaiveDate>,
    /// Only the branches under this organization.
    pub org_id: Option<Uuid>,
}

fn period(app: &yuanqu_app::App, q: &PeriodQuery) -> (NaiveDate, NaiveDate) {
    let today = yuanqu_app::enterprise::zone_today(app.now());
    let from = q.from.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to = q.to.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today));
    (from, to)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WindowDto {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KindComplianceDto {
    pub kind: String,
    pub required: u32,
    pub recorded: u32,
    pub colour: String,
    /// Windows ended without the meetings required.
    pub missing: Vec<WindowDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BranchComplianceDto {
    pub org_id: Uuid,
    pub org_name: String,
    pub enterprise_name: Option<String>,
    pub colour: String,
    pub kinds: Vec<KindComplianceDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ColourCountsDto {
    pub green: i64,
    pub yellow: i64,
    pub red: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceDto {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub counts: ColourCountsDto,
    /// Red first.
    pub rows: Vec<BranchComplianceDto>,
}

fn compliance_row(b: BranchCompliance) -> BranchComplianceDto {
    BranchComplianceDto {
        org_id: b.org.id,
        org_name: b.org.name,
        enterprise_name: b.enterprise_name,
        colour: colour(b.colour),
        kinds: b
            .kinds
            .into_iter()
            .map(|k| KindComplianceDto {
                kind: k.kind.code().to_owned(),
                required: k.required,
                recorded: k.recorded,
                colour: colour(k.colour),
                missing: k.missing.into_iter().map(|w| WindowDto { from: w.from, to: w.to }).collect(),
            })
            .collect(),
    }
}

fn counts_dto(m: &std::collections::BTreeMap<&'static str, i64>) -> ColourCountsDto {
    let g = |k| m.get(k).copied().unwrap_or(0);
    ColourCountsDto { green: g("green"), yellow: g("yellow"), red: g("red") }
}

/// Each branch's regular meetings against the rules over a period: green / yellow / red and what is missing.
#[utoipa::path(get, path = "/api/v1/party/compliance", operation_id = "party_compliance", tag = "party", params(PeriodQuery),
    responses((status = 200, body = ComplianceDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn compliance(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<ComplianceDto>> {
    let (from, to) = period(&st.app, &q);
    let rows = act::compliance(&st.app, &actor, from, to, q.org_id).await?;
    let counts = counts_dto(&act::colour_counts(&rows));
    Ok(Json(ComplianceDto { from, to, counts, rows: rows.into_iter().map(compliance_row).collect() }))
}

// ---------------------------------------------------------------- dashboard and the enterprise page

#[derive(Debug, Serialize, ToSchema)]
pub struct CountByDto {
    pub key: String,
    /// The Chinese name, where there is one.
    pub name: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthActivitiesDto {
    /// `2026-04`.
    pub month: String,
    pub theme: i64,
    pub study: i64,
    pub meeting: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyDashboardDto {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub orgs_by_type: Vec<CountByDto>,
    pub members_total: i64,
    pub members_probationary: i64,
    /// Designations awarded in the period and still current, by type.
    pub designations_by_type: Vec<CountByDto>,
    pub alliances_by_kind: Vec<CountByDto>,
    pub alliance_total: i64,
    pub activities_by_month: Vec<MonthActivitiesDto>,
    pub theme_activities: i64,
    pub study_sessions: i64,
    pub compliance: ColourCountsDto,
}

/// The party-building dashboard for a period (default this year), counted from the records.
#[utoipa::path(get, path = "/api/v1/party/dashboard", operation_id = "party_dashboard", tag = "party", params(PeriodQuery),
    responses((status = 200, body = PartyDashboardDto), (status = 403, body = Problem)))]
pub async fn dashboard(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<PartyDashboardDto>> {
    let (from, to) = period(&st.app, &q);
    let d = yuanqu_app::party::views::dashboard(&st.app, &actor, from, to).await?;
    let type_name =
        |c: &str| yuanqu_domain::party::OrgType::parse(c).map(|t| t.name_zh().to_owned()).unwrap_or_default();
    let kind_name =
        |c: &str| act::ALLIANCE_KINDS.iter().find(|(k, _)| *k == c).map(|(_, n)| (*n).to_owned()).unwrap_or_default();
    Ok(Json(PartyDashboardDto {
        from,
        to,
        orgs_by_type: d
            .orgs_by_type
            .into_iter()
            .map(|(key, count)| CountByDto { name: type_name(&key), key, count })
            .collect(),
        members_total: d.members_total,
        members_probationary: d.members_probationary,
        designations_by_type: d
            .designations_by_type
            .into_iter()
            .map(|(key, name, count)| CountByDto { key, name, count })
            .collect(),
        alliance_total: d.alliances.iter().map(|a| a.1).sum(),
        alliances_by_kind: d
            .alliances
            .into_iter()
            .map(|(key, count)| CountByDto { name: kind_name(&key), key, count })
            .collect(),
        activities_by_month: d
            .activities_by_month
            .into_iter()
            .map(|m| MonthActivitiesDto { month: m.month, theme: m.theme, study: m.study, meeting: m.meeting })
            .collect(),
        theme_activities: d.theme_activities,
        study_sessions: d.study_sessions,
        compliance: counts_dto(&d.compliance),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicOrgDto {
    pub id: Uuid,
    pub name: String,
    pub org_type: String,
    pub workshop: String,
    pub secretary_name: String,
    pub members: i64,
    pub founded_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecentActivityDto {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub held_on: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterprisePartyDto {
    pub orgs: Vec<PublicOrgDto>,
    pub designations: Vec<HonourDto>,
    /// The latest 5.
    pub activities: Vec<RecentActivityDto>,
}

/// An enterprise's party section: its organizations, current designations and latest activities.
#[utoipa::path(get, path = "/api/v1/party/enterprises/{id}", operation_id = "party_enterprise", tag = "party",
    params(("id" = Uuid, Path)), responses((status = 200, body = EnterprisePartyDto), (status = 404, body = Problem)))]
pub async fn enterprise(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<EnterprisePartyDto>> {
    let (orgs, designations, recent) = yuanqu_app::party::views::enterprise_section(&st.app, &actor, id).await?;
    Ok(Json(EnterprisePartyDto {
        orgs: orgs
            .into_iter()
            .map(|o| PublicOrgDto {
                id: o.row.id,
                name: o.row.name,
                org_type: o.row.org_type,
                workshop: o.row.workshop,
                secretary_name: o.row.secretary_name,
                members: o.members_total,
                founded_on: o.row.founded_on,
            })
            .collect(),
        designations: designations.into_iter().map(honour_dto).collect(),
        activities: recent
            .into_iter()
            .map(|(id, title, kind, held_on)| RecentActivityDto { id, title, kind, held_on })
            .collect(),
    }))
}

// ---------------------------------------------------------------- exports

/// Members and organizations in the national party-member system's 26-field collection set (full ID numbers; audited).
#[utoipa::path(get, path = "/api/v1/party/export/national", operation_id = "party_export_national", tag = "party",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = Problem)))]
pub async fn export_national(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
) -> ApiResult<Response> {
    let bytes = yuanqu_app::party::export::national(&st.app, &actor, &ctx).await?;
    Ok(attachment(bytes, XLSX, "party-national.xlsx"))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Default: this year.
    pub year: Option<i32>,
}

/// A branch's regular meetings of a year as a Word document.
#[utoipa::path(get, path = "/api/v1/party/orgs/{id}/meetings/docx", operation_id = "party_meetings_docx", tag = "party",
    params(("id" = Uuid, Path), YearQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>),
        (status = 404, body = Problem)))]
pub async fn meetings_docx(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
    Query(q): Query<YearQuery>,
) -> ApiResult<Response> {
    let year = q.year.unwrap_or_else(|| yuanqu_app::enterprise::zone_today(st.app.now()).year());
    let (bytes, name) = yuanqu_app::party::export::meetings_docx(&st.app, &actor, id, year).await?;
    Ok(attachment(bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", &name))
}
