//! Enterprise registry routes (一企一档): the list with filters and sorting, one enterprise,
//! create, change (If-Match), status change with history, contacts, the timeline, the
//! registry by spreadsheet, and the industry codes.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yuanqu_app::Actor;
use yuanqu_app::enterprise::industry::{self, Added};
use yuanqu_app::enterprise::timeline::{self, TimelineEvent};
use yuanqu_app::enterprise::{self as ent, EnterpriseView, Fields};
use yuanqu_app::idempotency::Respond;
use yuanqu_domain::enterprise::FEN_PER_WAN;
use yuanqu_domain::industry::{DIVISIONS, SECTIONS};
use yuanqu_office::ExportFormat;
use yuanqu_store::enterprise::{ContactRow, IndustryCodeRow, StatusChangeRow};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Body, Idempotent, IfMatch, Me, RequestCtxX, created, etag};
use crate::sheets::{self, ImportQuery, ImportReportDto, ImportUpload, XLSX};

// ---------------------------------------------------------------- DTOs

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactDto {
    pub id: Uuid,
    pub name: String,
    pub title: String,
    /// `138****5678` (PD-02): contacts' phones are masked in every answer.
    pub phone_masked: String,
    pub is_primary: bool,
    pub created_at: DateTime<Utc>,
}

impl From<ContactRow> for ContactDto {
    fn from(c: ContactRow) -> Self {
        Self {
            id: c.id,
            name: c.name,
            title: c.title,
            phone_masked: yuanqu_domain::phone::mask(&c.phone),
            is_primary: c.is_primary,
            created_at: c.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusChangeDto {
    pub id: Uuid,
    /// None for the enterprise's first status (its registration).
    pub from_status: Option<String>,
    pub to_status: String,
    pub effective_on: NaiveDate,
    pub reason: String,
    pub by_user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<StatusChangeRow> for StatusChangeDto {
    fn from(h: StatusChangeRow) -> Self {
        Self {
            id: h.id,
            from_status: h.from_status,
            to_status: h.to_status,
            effective_on: h.effective_on,
            reason: h.reason,
            by_user_id: h.by_user_id,
            created_at: h.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EnterpriseDto {
    pub id: Uuid,
    pub name: String,
    /// 统一社会信用代码
    pub uscc: String,
    pub park_id: Uuid,
    pub park_name: Option<String>,
    /// GB/T 4754-2017 code (2-digit division or a zone-added 3/4-digit code).
    pub industry_code: Option<String>,
    pub industry_name: Option<String>,
    /// Section letter (门类) of the industry code.
    pub industry_section: Option<String>,
    /// 规模以上
    pub above_scale: bool,
    /// The day `above_scale` last changed.
    pub above_scale_since: Option<NaiveDate>,
    /// 注册资本, 万元.
    pub registered_capital_wan: Option<f64>,
    pub founded_on: Option<NaiveDate>,
    pub address: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    /// 用地面积, 亩.
    pub land_area_mu: Option<f64>,
    pub floor_area_m2: Option<i64>,
    pub employees: Option<i32>,
    /// `operating`, `suspended`, `closed` or `moved_out`.
    pub status: String,
    pub status_since: Option<NaiveDate>,
    pub tags: Vec<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    /// One enterprise only: its contacts (phones masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<ContactDto>>,
    /// One enterprise only: its status history, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_history: Option<Vec<StatusChangeDto>>,
}

/// What the DTOs show beside the row: park and industry names.
pub(crate) struct Names {
    parks: HashMap<Uuid, String>,
    industries: HashMap<String, String>,
}

impl Names {
    pub(crate) async fn load(st: &AppState, actor: &Actor) -> ApiResult<Self> {
        Ok(Self { parks: ent::park_names(&st.app, actor).await?, industries: industry::names(&st.app, actor).await? })
    }

    fn dto(&self, v: EnterpriseView) -> EnterpriseDto {
        let e = v.row;
        let f = |x: Option<i64>, d: f64| x.map(|x| x as f64 / d);
        EnterpriseDto {
            park_name: self.parks.get(&e.park_id).cloned(),
            industry_name: e.industry_code.as_ref().and_then(|c| self.industries.get(c).cloned()),
            industry_section: e
                .industry_code
                .as_deref()
                .and_then(yuanqu_domain::industry::section_of)
                .map(String::from),
            id: e.id,
            name: e.name,
            uscc: e.uscc,
            park_id: e.park_id,
            industry_code: e.industry_code,
            above_scale: e.above_scale,
            above_scale_since: e.above_scale_since,
            registered_capital_wan: f(e.registered_capital_fen, FEN_PER_WAN as f64),
            founded_on: e.founded_on,
            address: e.address,
            longitude: f(e.longitude_e6, 1e6),
            latitude: f(e.latitude_e6, 1e6),
            land_area_mu: f(e.land_area_centi_mu, 100.0),
            floor_area_m2: e.floor_area_m2,
            employees: e.employees,
            status: e.status,
            status_since: e.status_since,
            tags: v.tags,
            version: e.version,
            created_at: e.created_at,
            updated_at: e.updated_at,
            contacts: None,
            status_history: None,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterprisePage {
    pub items: Vec<EnterpriseDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEnterpriseDto {
    pub name: String,
    pub uscc: String,
    pub park_id: Uuid,
    pub industry_code: Option<String>,
    #[serde(default)]
    pub above_scale: bool,
    /// 万元 (up to 6 decimals).
    pub registered_capital_wan: Option<f64>,
    pub founded_on: Option<NaiveDate>,
    pub address: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    /// 亩 (up to 2 decimals).
    pub land_area_mu: Option<f64>,
    pub floor_area_m2: Option<i64>,
    pub employees: Option<i64>,
    /// At most 10 tags of at most 32 characters.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A change of the registry fields (not the status): absent = unchanged, `null` = cleared.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterprisePatchDto {
    pub name: Option<String>,
    pub uscc: Option<String>,
    pub park_id: Option<Uuid>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub industry_code: Option<Option<String>>,
    pub above_scale: Option<bool>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub registered_capital_wan: Option<Option<f64>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub founded_on: Option<Option<NaiveDate>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub longitude: Option<Option<f64>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub latitude: Option<Option<f64>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub land_area_mu: Option<Option<f64>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub floor_area_m2: Option<Option<i64>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub employees: Option<Option<i64>>,
    pub tags: Option<Vec<String>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChangeRequestDto {
    /// `operating`, `suspended`, `closed` or `moved_out`.
    pub status: String,
    /// Defaults to today; not in the future.
    pub effective_on: Option<NaiveDate>,
    /// 1 to 200 characters.
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusChangedDto {
    pub enterprise: EnterpriseDto,
    pub change: StatusChangeDto,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContactDto {
    pub name: String,
    #[serde(default)]
    pub title: String,
    /// Mainland mobile number (11 digits).
    pub phone: String,
    #[serde(default)]
    pub is_primary: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEventDto {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub title: String,
    pub detail: String,
    pub link: Option<String>,
}

impl From<TimelineEvent> for TimelineEventDto {
    fn from(e: TimelineEvent) -> Self {
        Self { at: e.at, kind: e.kind, title: e.title, detail: e.detail, link: e.link }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseQuery {
    pub page: Option<u64>,
    pub page_size: Option<u64>,
    /// Part of the name or USCC.
    pub q: Option<String>,
    pub park_id: Option<Uuid>,
    /// A section letter (`C`) or a code prefix (`13`, `131`).
    pub industry: Option<String>,
    /// `above` (规上) or `below` (规下).
    pub scale: Option<String>,
    /// `operating`, `suspended`, `closed` or `moved_out`.
    pub status: Option<String>,
    /// One or more tags, comma-separated; each narrows the set.
    pub tag: Option<String>,
    /// `name`, `founded_on`, `employees`, `land_area`, `registered_capital`; `-` first for descending.
    pub sort: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseExportQuery {
    pub q: Option<String>,
    pub park_id: Option<Uuid>,
    pub industry: Option<String>,
    pub scale: Option<String>,
    pub status: Option<String>,
    pub tag: Option<String>,
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
}

fn list_query(
    q: Option<String>,
    park_id: Option<Uuid>,
    industry: Option<String>,
    scale: Option<String>,
    status: Option<String>,
    tag: Option<String>,
    sort: Option<String>,
) -> ent::ListQuery {
    let tags =
        tag.map(|t| t.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()).unwrap_or_default();
    ent::ListQuery { q, park_id, industry, scale, status, tags, sort }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndustryCodeDto {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DivisionDto {
    pub code: String,
    pub name: String,
    /// The zone's added 3/4-digit codes under this division.
    pub added: Vec<IndustryCodeDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionDto {
    /// `A` … `T`
    pub code: String,
    pub name: String,
    pub divisions: Vec<DivisionDto>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIndustryCodeDto {
    /// 3 or 4 digits under a shipped division.
    pub code: String,
    pub name: String,
}

impl From<IndustryCodeRow> for IndustryCodeDto {
    fn from(r: IndustryCodeRow) -> Self {
        Self { code: r.code, name: r.name }
    }
}

fn to_json<T: Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

// ---------------------------------------------------------------- routes

/// Enterprises within my scope (an enterprise account sees only its own), filtered and sorted.
#[utoipa::path(get, path = "/api/v1/enterprises", tag = "enterprises", params(EnterpriseQuery),
    responses((status = 200, body = EnterprisePage), (status = 422, body = Problem)))]
pub async fn list_enterprises(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<EnterpriseQuery>,
) -> ApiResult<Json<EnterprisePage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let l = list_query(q.q, q.park_id, q.industry, q.scale, q.status, q.tag, q.sort);
    let p = ent::list(&st.app, &actor, &l, page).await?;
    let names = Names::load(&st, &actor).await?;
    Ok(Json(EnterprisePage {
        items: p.items.into_iter().map(|v| names.dto(v)).collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
    }))
}

/// Register an enterprise (the USCC is checked with its GB 32100 check character); its first
/// status-history row is written with it.
#[utoipa::path(post, path = "/api/v1/enterprises", tag = "enterprises", request_body = NewEnterpriseDto, params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = EnterpriseDto), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_enterprise(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Idempotent { key, body: b }: Idempotent<NewEnterpriseDto>,
) -> ApiResult<Response> {
    let names = std::sync::Arc::new(Names::load(&st, &actor).await?);
    let respond: Respond<EnterpriseView> = std::sync::Arc::new(move |v| to_json(names.dto(v.clone())));
    let n = ent::NewEnterprise {
        name: b.name,
        uscc: b.uscc,
        park_id: b.park_id,
        fields: Fields {
            industry_code: Some(b.industry_code),
            above_scale: Some(b.above_scale),
            registered_capital_wan: Some(b.registered_capital_wan),
            founded_on: Some(b.founded_on),
            address: Some(b.address),
            longitude: Some(b.longitude),
            latitude: Some(b.latitude),
            land_area_mu: Some(b.land_area_mu),
            floor_area_m2: Some(b.floor_area_m2),
            employees: Some(b.employees),
            tags: Some(b.tags),
        },
    };
    let r = ent::create(&st.app, &actor, n, &ctx, key.map(|k| k.with(respond.clone()))).await?;
    Ok(created(r.map(|e| respond(&e))))
}

/// One enterprise with its contacts (phones masked) and status history; `ETag` is its version.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "enterprises", params(("id" = Uuid, Path)),
    responses((status = 200, body = EnterpriseDto), (status = 404, body = Problem)))]
pub async fn get_enterprise(State(st): State<AppState>, Me(actor): Me, Path(id): Path<Uuid>) -> ApiResult<Response> {
    let v = ent::get(&st.app, &actor, id).await?;
    let contacts = ent::contacts(&st.app, &actor, id).await?;
    let history = ent::status_history(&st.app, &actor, id).await?;
    let mut dto = Names::load(&st, &actor).await?.dto(v);
    dto.contacts = Some(contacts.into_iter().map(Into::into).collect());
    dto.status_history = Some(history.into_iter().map(Into::into).collect());
    Ok((etag(dto.version), Json(dto)).into_response())
}

/// Change the registry fields (If-Match; not the status): 412 when stale, audited with before
/// and after.
#[utoipa::path(patch, path = "/api/v1/enterprises/{id}", tag = "enterprises", params(("id" = Uuid, Path), ("If-Match" = String, Header)), request_body = EnterprisePatchDto,
    responses((status = 200, body = EnterpriseDto), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn update_enterprise(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    IfMatch(v): IfMatch,
    Body(b): Body<EnterprisePatchDto>,
) -> ApiResult<Response> {
    let p = ent::Patch {
        name: b.name,
        uscc: b.uscc,
        park_id: b.park_id,
        fields: Fields {
            industry_code: b.industry_code,
            above_scale: b.above_scale,
            registered_capital_wan: b.registered_capital_wan,
            founded_on: b.founded_on,
            address: b.address,
            longitude: b.longitude,
            latitude: b.latitude,
            land_area_mu: b.land_area_mu,
            floor_area_m2: b.floor_area_m2,
            employees: b.employees,
            tags: b.tags,
        },
    };
    let e = ent::update(&st.app, &actor, id, v, p, &ctx).await?;
    let dto = Names::load(&st, &actor).await?.dto(e);
    Ok((etag(dto.version), Json(dto)).into_response())
}

/// Change the status (If-Match): a history row with the day it takes effect and the reason;
/// 409 `enterprise.status_unchanged` for the same status.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/status", tag = "enterprises", params(("id" = Uuid, Path), ("If-Match" = String, Header)), request_body = StatusChangeRequestDto,
    responses((status = 200, body = StatusChangedDto), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn change_status(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    IfMatch(v): IfMatch,
    Body(b): Body<StatusChangeRequestDto>,
) -> ApiResult<Response> {
    let s = ent::StatusChange { status: b.status, effective_on: b.effective_on, reason: b.reason };
    let (e, h) = ent::change_status(&st.app, &actor, id, v, s, &ctx).await?;
    let dto = Names::load(&st, &actor).await?.dto(e);
    Ok((etag(dto.version), Json(StatusChangedDto { enterprise: dto, change: h.into() })).into_response())
}

/// Add a contact (phone checked, answered masked).
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/contacts", tag = "enterprises", params(("id" = Uuid, Path)), request_body = NewContactDto,
    responses((status = 201, body = ContactDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_contact(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<NewContactDto>,
) -> ApiResult<Response> {
    let n = ent::NewContact { name: b.name, title: b.title, phone: b.phone, is_primary: b.is_primary };
    let c = ent::add_contact(&st.app, &actor, id, n, &ctx).await?;
    Ok((StatusCode::CREATED, Json(ContactDto::from(c))).into_response())
}

/// Remove a contact of the enterprise.
#[utoipa::path(delete, path = "/api/v1/enterprises/{id}/contacts/{contact_id}", tag = "enterprises",
    params(("id" = Uuid, Path), ("contact_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_contact(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path((id, contact_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    ent::delete_contact(&st.app, &actor, id, contact_id, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The enterprise's timeline, newest first, merged from every module's source.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/timeline", tag = "enterprises", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<TimelineEventDto>), (status = 404, body = Problem)))]
pub async fn get_timeline(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<TimelineEventDto>>> {
    Ok(Json(timeline::timeline(&st.app, &actor, id).await?.into_iter().map(Into::into).collect()))
}

/// Every tag used in my scope (the filter's choices).
#[utoipa::path(get, path = "/api/v1/enterprises/tags", tag = "enterprises", responses((status = 200, body = Vec<String>)))]
pub async fn list_tags(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<Vec<String>>> {
    Ok(Json(ent::tags(&st.app, &actor).await?))
}

/// The enterprises import template (.xlsx).
#[utoipa::path(get, path = "/api/v1/enterprises/import/template", tag = "enterprises",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn import_template(Me(actor): Me) -> ApiResult<Response> {
    Ok(sheets::attachment(ent::sheet::template(&actor)?, XLSX, "enterprises-template.xlsx"))
}

/// Import enterprises from an .xlsx or .csv: upsert by USCC; park by its code, industry by
/// code, 万元 for capital, 亩 for land; all-or-nothing by default (422 with row + column +
/// code of every error).
#[utoipa::path(post, path = "/api/v1/enterprises/import", tag = "enterprises", params(ImportQuery),
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = ImportReportDto), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)))]
pub async fn import(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Query(q): Query<ImportQuery>,
    mp: Multipart,
) -> ApiResult<Json<ImportReportDto>> {
    let (name, bytes, form_mode) = sheets::upload(mp).await?;
    let mode = sheets::parse_mode(form_mode.as_deref().or(q.mode.as_deref()))?;
    Ok(Json(ent::sheet::import(&st.app, &actor, &name, &bytes, mode, &ctx).await?.into()))
}

/// The same upload annotated with its errors.
#[utoipa::path(post, path = "/api/v1/enterprises/import/report", tag = "enterprises",
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 422, body = Problem)))]
pub async fn import_report(State(st): State<AppState>, Me(actor): Me, mp: Multipart) -> ApiResult<Response> {
    let (name, bytes, _) = sheets::upload(mp).await?;
    let out = ent::sheet::error_report(&st.app, &actor, &name, &bytes).await?;
    Ok(sheets::attachment(out, XLSX, "enterprises-errors.xlsx"))
}

/// Export the list with its filters, in my scope, contact phones masked; streamed; audited
/// with the row count. At most 2 exports at a time per user (429).
#[utoipa::path(get, path = "/api/v1/enterprises/export", tag = "enterprises", params(EnterpriseExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn export(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Query(q): Query<EnterpriseExportQuery>,
) -> ApiResult<Response> {
    let format = match q.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => ExportFormat::Xlsx,
        "csv" => ExportFormat::Csv,
        _ => {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "request.malformed", "Unknown format")
                .field("format", "invalid"));
        }
    };
    let l = list_query(q.q, q.park_id, q.industry, q.scale, q.status, q.tag, None);
    let f = ent::filter_of(&l)?;
    let slot = sheets::slot(&st, actor.user_id)?;
    let out = ent::sheet::export(&st.app, &actor, &f, format, &ctx).await?;
    sheets::stream_named(out, slot, "enterprises").await
}

/// The industry codes: the 20 shipped sections with their 97 divisions, each with the zone's
/// added 3/4-digit codes.
#[utoipa::path(get, path = "/api/v1/industries", tag = "enterprises", responses((status = 200, body = Vec<SectionDto>)))]
pub async fn list_industries(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<Vec<SectionDto>>> {
    let added = industry::added(&st.app, &actor).await?;
    let out = SECTIONS
        .iter()
        .map(|(letter, name, lo, hi)| SectionDto {
            code: letter.to_string(),
            name: (*name).to_owned(),
            divisions: DIVISIONS
                .iter()
                .filter(|(c, _)| c.parse::<u8>().is_ok_and(|d| (*lo..=*hi).contains(&d)))
                .map(|(c, n)| DivisionDto {
                    code: (*c).to_owned(),
                    name: (*n).to_owned(),
                    added: added
                        .iter()
                        .filter(|r| r.code.starts_with(c))
                        .map(|r| IndustryCodeDto { code: r.code.clone(), name: r.name.clone() })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(out))
}

/// Add a 3/4-digit code under a shipped division (idempotent: the same code and name again
/// answers 200 with it; another name is 409 `industry.code_taken`).
#[utoipa::path(post, path = "/api/v1/industries", tag = "enterprises", request_body = NewIndustryCodeDto,
    responses((status = 201, body = IndustryCodeDto), (status = 200, body = IndustryCodeDto), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_industry(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<NewIndustryCodeDto>,
) -> ApiResult<Response> {
    Ok(match industry::add(&st.app, &actor, &b.code, &b.name, &ctx).await? {
        Added::New(r) => (StatusCode::CREATED, Json(IndustryCodeDto::from(r))).into_response(),
        Added::Existing(r) => (StatusCode::OK, Json(IndustryCodeDto::from(r))).into_response(),
    })
}
