//! Queries of party building (党建, issue 7): the organization tree, members and their moves,
//! the double-red designations, alliances, activities with attendance and photos, and the
//! zone's meeting rules. A zone scope reaches the zone's; a party scope (a branch secretary) the
//! organizations listed (the application resolves the subtree) and what belongs to them; an
//! enterprise scope only its own organizations' public rows; any other scope none.

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;
use yuanqu_domain::{DataScope, Scope};

use crate::appeal::count_when;
use crate::entity::{
    party_activity as activity, party_activity_file as activity_file, party_alliance as alliance,
    party_alliance_member as alliance_member, party_attendance as attendance, party_designation as designation,
    party_designation_type as dtype, party_member as member, party_member_move as member_move, party_org as org,
    party_rules as rules,
};
use crate::{Conn, Page, PageReq, Result, like_pattern};

pub use activity::Model as ActivityRow;
pub use activity_file::Model as ActivityFileRow;
pub use alliance::Model as AllianceRow;
pub use alliance_member::Model as AllianceMemberRow;
pub use attendance::Model as AttendanceRow;
pub use designation::Model as DesignationRow;
pub use dtype::Model as DesignationTypeRow;
pub use member::Model as MemberRow;
pub use member_move::Model as MoveRow;
pub use org::Model as OrgRow;
pub use rules::Model as RulesRow;

fn nothing() -> Condition {
    Condition::all().add(Expr::val(1).eq(0))
}

/// The organizations a scope reaches, by an organization-id column of any table.
fn by_org<C: ColumnTrait>(scope: &Scope, zone: C, org_col: C) -> Condition {
    let base = Condition::all().add(zone.eq(scope.zone_id()));
    match scope.data() {
        DataScope::Zone => base,
        DataScope::PartyOrganizations(ids) => base.add(org_col.is_in(ids.clone())),
        DataScope::Enterprise(e) => {
            let own = sea_orm::sea_query::Query::select()
                .column(org::Column::Id)
                .from(org::Entity)
                .and_where(org::Column::ZoneId.eq(scope.zone_id()))
                .and_where(org::Column::EnterpriseId.eq(*e))
                .to_owned();
            base.add(org_col.in_subquery(own))
        }
        _ => nothing(),
    }
}

// ---------------------------------------------------------------- rules

pub async fn rules(c: &Conn<'_>, zone_id: Uuid) -> Result<Option<RulesRow>> {
    Ok(rules::Entity::find_by_id(zone_id).one(c.ex()).await?)
}

/// Stores the rules document: inserts the first, else one conditional UPDATE on the version
/// read (false when someone else saved in between).
pub async fn put_rules(c: &Conn<'_>, row: RulesRow, expected: Option<i32>) -> Result<bool> {
    use rules::Column as R;
    match expected {
        None => {
            let r = rules::Entity::insert(row.into_active_model().reset_all())
                .on_conflict_do_nothing_on([R::ZoneId])
                .exec_without_returning(c.ex())
                .await?;
            Ok(matches!(r, sea_orm::TryInsertResult::Inserted(1)))
        }
        Some(v) => {
            let r = rules::Entity::update_many()
                .col_expr(R::Document, Expr::value(row.document))
                .col_expr(R::UpdatedBy, Expr::value(row.updated_by))
                .col_expr(R::UpdatedAt, Expr::value(row.updated_at))
                .col_expr(R::Version, Expr::value(v + 1))
                .filter(R::ZoneId.eq(row.zone_id))
                .filter(R::Version.eq(v))
                .exec(c.ex())
                .await?;
            Ok(r.rows_affected == 1)
        }
    }
}

// ---------------------------------------------------------------- organizations

/// Every organization of the zone (the tree is small: hundreds), for subtrees and cycle checks.
pub async fn zone_orgs(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<OrgRow>> {
    Ok(org::Entity::find().filter(org::Column::ZoneId.eq(zone_id)).order_by_asc(org::Column::Name).all(c.ex()).await?)
}

/// The organizations of a scope.
pub async fn orgs(c: &Conn<'_>, scope: &Scope) -> Result<Vec<OrgRow>> {
    Ok(org::Entity::find()
        .filter(by_org(scope, org::Column::ZoneId, org::Column::Id))
        .order_by_asc(org::Column::Name)
        .all(c.ex())
        .await?)
}

pub async fn org(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<OrgRow>> {
    Ok(org::Entity::find_by_id(id).filter(by_org(scope, org::Column::ZoneId, org::Column::Id)).one(c.ex()).await?)
}

/// The organizations whose secretary is this user (a branch secretary's roots).
pub async fn orgs_of_secretary(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(org::Entity::find()
        .select_only()
        .column(org::Column::Id)
        .filter(org::Column::ZoneId.eq(zone_id))
        .filter(org::Column::SecretaryUserId.eq(user_id))
        .into_tuple::<Uuid>()
        .all(c.ex())
        .await?)
}

pub async fn insert_org(c: &Conn<'_>, row: OrgRow) -> Result<()> {
    org::Entity::insert(row.into_active_model().reset_all()).exec_without_returning(c.ex()).await?;
    Ok(())
}

/// Rewrites an organization if it is still at `expected` (one conditional UPDATE).
pub async fn update_org(c: &Conn<'_>, row: OrgRow, expected: i32) -> Result<bool> {
    use org::Column as O;
    let r = org::Entity::update_many()
        .col_expr(O::ParentId, Expr::value(row.parent_id))
        .col_expr(O::OrgType, Expr::value(row.org_type))
        .col_expr(O::Name, Expr::value(row.name))
        .col_expr(O::EnterpriseId, Expr::value(row.enterprise_id))
        .col_expr(O::Workshop, Expr::value(row.workshop))
        .col_expr(O::SecretaryName, Expr::value(row.secretary_name))
        .col_expr(O::SecretaryUserId, Expr::value(row.secretary_user_id))
        .col_expr(O::FoundedOn, Expr::value(row.founded_on))
        .col_expr(O::LastElectionOn, Expr::value(row.last_election_on))
        .col_expr(O::NextElectionDue, Expr::value(row.next_election_due))
        .col_expr(O::Version, Expr::value(expected + 1))
        .filter(O::Id.eq(row.id))
        .filter(O::ZoneId.eq(row.zone_id))
        .filter(O::Version.eq(expected))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Per organization of the zone: members, probationary members (one grouped query).
pub async fn member_counts(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<(Uuid, i64, i64)>> {
    use member::Column as M;
    Ok(member::Entity::find()
        .select_only()
        .column(M::OrgId)
        .expr(Expr::col(M::Id).count())
        .expr(count_when(Condition::all().add(M::Standing.eq("probationary"))))
        .filter(M::ZoneId.eq(zone_id))
        .group_by(M::OrgId)
        .into_tuple::<(Uuid, i64, i64)>()
        .all(c.ex())
        .await?)
}

/// Per organization of the zone: current (awarded) designations.
pub async fn designation_counts(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<(Uuid, i64)>> {
    use designation::Column as D;
    Ok(designation::Entity::find()
        .select_only()
        .column(D::OrgId)
        .expr(Expr::col(D::Id).count())
        .filter(D::ZoneId.eq(zone_id))
        .filter(D::State.eq("awarded"))
        .group_by(D::OrgId)
        .into_tuple::<(Uuid, i64)>()
        .all(c.ex())
        .await?)
}

// ---------------------------------------------------------------- members

#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    /// Only these organizations (an organization's subtree, resolved by the application).
    pub org_ids: Option<Vec<Uuid>>,
    pub q: Option<String>,
    pub standing: Option<String>,
}

fn member_cond(scope: &Scope, f: &MemberFilter) -> Condition {
    use member::Column as M;
    let mut cond = by_org(scope, M::ZoneId, M::OrgId);
    if matches!(scope.data(), DataScope::Enterprise(_)) {
        // An enterprise sees its organizations' public information, never their members.
        return nothing();
    }
    if let Some(ids) = &f.org_ids {
        cond = cond.add(M::OrgId.is_in(ids.clone()));
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        cond = cond.add(Expr::col(M::Name).like(like_pattern(q)));
    }
    if let Some(s) = &f.standing {
        cond = cond.add(M::Standing.eq(s.as_str()));
    }
    cond
}

pub async fn members(c: &Conn<'_>, scope: &Scope, f: &MemberFilter, page: PageReq) -> Result<Page<MemberRow>> {
    let q = member::Entity::find().filter(member_cond(scope, f));
    let total = q.clone().count(c.ex()).await?;
    let items = q
        .order_by_asc(member::Column::OrgId)
        .order_by_asc(member::Column::Name)
        .order_by_asc(member::Column::Id)
        .offset((page.page - 1) * page.size)
        .limit(page.size)
        .all(c.ex())
        .await?;
    Ok(Page { items, total })
}

/// Every member under the filters (exports, attendance checks).
pub async fn all_members(c: &Conn<'_>, scope: &Scope, f: &MemberFilter) -> Result<Vec<MemberRow>> {
    Ok(member::Entity::find()
        .filter(member_cond(scope, f))
        .order_by_asc(member::Column::OrgId)
        .order_by_asc(member::Column::Name)
        .all(c.ex())
        .await?)
}

pub async fn member(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<MemberRow>> {
    Ok(member::Entity::find_by_id(id).filter(member_cond(scope, &MemberFilter::default())).one(c.ex()).await?)
}

/// The member of the zone with this ID card blind index, wherever they are.
pub async fn member_by_id_card(c: &Conn<'_>, zone_id: Uuid, bidx: &str) -> Result<Option<MemberRow>> {
    Ok(member::Entity::find()
        .filter(member::Column::ZoneId.eq(zone_id))
        .filter(member::Column::IdCardBidx.eq(bidx))
        .one(c.ex())
        .await?)
}

/// Members by id in a zone (names for attendance, designations and exports).
pub async fn members_by_ids(c: &Conn<'_>, zone_id: Uuid, ids: &[Uuid]) -> Result<Vec<MemberRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            member::Entity::find()
                .filter(member::Column::ZoneId.eq(zone_id))
                .filter(member::Column::Id.is_in(chunk.to_vec()))
                .all(c.ex())
                .await?,
        );
    }
    Ok(out)
}

/// Inserts members (one or a whole import, 500 a statement) in the caller's transaction.
pub async fn insert_members(c: &Conn<'_>, rows: &[MemberRow]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let m: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        member::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// Moves a member to another organization if still at `expected` (one conditional UPDATE).
pub async fn move_member(c: &Conn<'_>, zone_id: Uuid, id: Uuid, to: Uuid, expected: i32) -> Result<bool> {
    use member::Column as M;
    let r = member::Entity::update_many()
        .col_expr(M::OrgId, Expr::value(to))
        .col_expr(M::Version, Expr::value(expected + 1))
        .filter(M::Id.eq(id))
        .filter(M::ZoneId.eq(zone_id))
        .filter(M::Version.eq(expected))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// A probationary member becomes a full member (转正) if still probationary at `expected` (one
/// conditional UPDATE).
pub async fn confirm_member(c: &Conn<'_>, zone_id: Uuid, id: Uuid, full_on: NaiveDate, expected: i32) -> Result<bool> {
    use member::Column as M;
    let r = member::Entity::update_many()
        .col_expr(M::Standing, Expr::value("full"))
        .col_expr(M::FullOn, Expr::value(Some(full_on)))
        .col_expr(M::Version, Expr::value(expected + 1))
        .filter(M::Id.eq(id))
        .filter(M::ZoneId.eq(zone_id))
        .filter(M::Standing.eq("probationary"))
        .filter(M::Version.eq(expected))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

pub async fn insert_moves(c: &Conn<'_>, rows: &[MoveRow]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let m: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        member_move::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

pub async fn moves(c: &Conn<'_>, zone_id: Uuid, member_id: Uuid) -> Result<Vec<MoveRow>> {
    Ok(member_move::Entity::find()
        .filter(member_move::Column::ZoneId.eq(zone_id))
        .filter(member_move::Column::MemberId.eq(member_id))
        .order_by_asc(member_move::Column::MovedOn)
        .order_by_asc(member_move::Column::CreatedAt)
        .all(c.ex())
        .await?)
}

// ---------------------------------------------------------------- designations

pub async fn designation_types(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<DesignationTypeRow>> {
    Ok(dtype::Entity::find()
        .filter(dtype::Column::ZoneId.eq(zone_id))
        .order_by_asc(dtype::Column::Sort)
        .order_by_asc(dtype::Column::Code)
        .all(c.ex())
        .await?)
}

/// Inserts designation types, leaving a code the zone already has alone.
pub async fn insert_designation_types(c: &Conn<'_>, rows: &[DesignationTypeRow]) -> Result<u64> {
    let mut n = 0;
    for r in rows {
        let res = dtype::Entity::insert(r.clone().into_active_model().reset_all())
            .on_conflict_do_nothing_on([dtype::Column::ZoneId, dtype::Column::Code])
            .exec_without_returning(c.ex())
            .await?;
        if matches!(res, sea_orm::TryInsertResult::Inserted(_)) {
            n += 1;
        }
    }
    Ok(n)
}

#[derive(Debug, Clone, Default)]
pub struct DesignationFilter {
    pub states: Vec<String>,
    pub type_id: Option<Uuid>,
    pub org_ids: Option<Vec<Uuid>>,
}

fn designation_cond(scope: &Scope, f: &DesignationFilter) -> Condition {
    use designation::Column as D;
    let mut cond = by_org(scope, D::ZoneId, D::OrgId);
    if !f.states.is_empty() {
        cond = cond.add(D::State.is_in(f.states.clone()));
    }
    if let Some(t) = f.type_id {
        cond = cond.add(D::TypeId.eq(t));
    }
    if let Some(ids) = &f.org_ids {
        cond = cond.add(D::OrgId.is_in(ids.clone()));
    }
    cond
}

pub async fn designations(c: &Conn<'_>, scope: &Scope, f: &DesignationFilter) -> Result<Vec<DesignationRow>> {
    Ok(designation::Entity::find()
        .filter(designation_cond(scope, f))
        .order_by_desc(designation::Column::AppliedAt)
        .order_by_asc(designation::Column::Id)
        .all(c.ex())
        .await?)
}

pub async fn designation(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<DesignationRow>> {
    Ok(designation::Entity::find_by_id(id)
        .filter(designation_cond(scope, &DesignationFilter::default()))
        .one(c.ex())
        .await?)
}

pub async fn insert_designations(c: &Conn<'_>, rows: &[DesignationRow]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let m: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        designation::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// A review step: rewrites the designation's review fields if it is still in one of `from` at
/// `expected` (one conditional UPDATE).
pub async fn review_designation(c: &Conn<'_>, row: DesignationRow, from: &[&str], expected: i32) -> Result<bool> {
    use designation::Column as D;
    let from: Vec<String> = from.iter().map(|s| (*s).to_owned()).collect();
    let r = designation::Entity::update_many()
        .col_expr(D::State, Expr::value(row.state))
        .col_expr(D::ReviewedBy, Expr::value(row.reviewed_by))
        .col_expr(D::ReviewedAt, Expr::value(row.reviewed_at))
        .col_expr(D::ReviewNote, Expr::value(row.review_note))
        .col_expr(D::AwardedOn, Expr::value(row.awarded_on))
        .col_expr(D::Ceremony, Expr::value(row.ceremony))
        .col_expr(D::CertificateNo, Expr::value(row.certificate_no))
        .col_expr(D::ReviewedYear, Expr::value(row.reviewed_year))
        .col_expr(D::RevokedOn, Expr::value(row.revoked_on))
        .col_expr(D::RevokeReason, Expr::value(row.revoke_reason))
        .col_expr(D::Version, Expr::value(expected + 1))
        .filter(D::Id.eq(row.id))
        .filter(D::ZoneId.eq(row.zone_id))
        .filter(D::State.is_in(from))
        .filter(D::Version.eq(expected))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

// ---------------------------------------------------------------- alliances

pub async fn alliances(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<AllianceRow>> {
    Ok(alliance::Entity::find()
        .filter(alliance::Column::ZoneId.eq(zone_id))
        .order_by_asc(alliance::Column::Name)
        .all(c.ex())
        .await?)
}

pub async fn alliance_members(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<AllianceMemberRow>> {
    Ok(alliance_member::Entity::find().filter(alliance_member::Column::ZoneId.eq(zone_id)).all(c.ex()).await?)
}

/// Joint activities per alliance of the zone (one grouped query).
pub async fn alliance_activity_counts(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<(Uuid, i64)>> {
    use activity::Column as A;
    Ok(activity::Entity::find()
        .select_only()
        .column(A::AllianceId)
        .expr(Expr::col(A::Id).count())
        .filter(A::ZoneId.eq(zone_id))
        .filter(A::AllianceId.is_not_null())
        .group_by(A::AllianceId)
        .into_tuple::<(Uuid, i64)>()
        .all(c.ex())
        .await?)
}

pub async fn insert_alliance(c: &Conn<'_>, row: AllianceRow, members: &[AllianceMemberRow]) -> Result<()> {
    alliance::Entity::insert(row.into_active_model().reset_all()).exec_without_returning(c.ex()).await?;
    if !members.is_empty() {
        let m: Vec<_> = members.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        alliance_member::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------- activities

#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub org_ids: Option<Vec<Uuid>>,
    pub kind: Option<String>,
    pub meeting_kind: Option<String>,
    pub alliance_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

fn activity_cond(scope: &Scope, f: &ActivityFilter) -> Condition {
    use activity::Column as A;
    let mut cond = by_org(scope, A::ZoneId, A::OrgId);
    if let Some(ids) = &f.org_ids {
        cond = cond.add(A::OrgId.is_in(ids.clone()));
    }
    if let Some(k) = &f.kind {
        cond = cond.add(A::Kind.eq(k.as_str()));
    }
    if let Some(k) = &f.meeting_kind {
        cond = cond.add(A::MeetingKind.eq(k.as_str()));
    }
    if let Some(a) = f.alliance_id {
        cond = cond.add(A::AllianceId.eq(a));
    }
    if let Some(d) = f.from {
        cond = cond.add(A::HeldOn.gte(d));
    }
    if let Some(d) = f.to {
        cond = cond.add(A::HeldOn.lte(d));
    }
    cond
}

pub async fn activities(c: &Conn<'_>, scope: &Scope, f: &ActivityFilter, page: PageReq) -> Result<Page<ActivityRow>> {
    let q = activity::Entity::find().filter(activity_cond(scope, f));
    let total = q.clone().count(c.ex()).await?;
    let items = q
        .order_by_desc(activity::Column::HeldOn)
        .order_by_asc(activity::Column::Id)
        .offset((page.page - 1) * page.size)
        .limit(page.size)
        .all(c.ex())
        .await?;
    Ok(Page { items, total })
}

/// (organization, kind, meeting kind, day) of every activity under the filters: the compliance
/// view and the dashboard count these, without the texts.
pub async fn activity_days(
    c: &Conn<'_>,
    scope: &Scope,
    f: &ActivityFilter,
) -> Result<Vec<(Uuid, String, Option<String>, NaiveDate)>> {
    use activity::Column as A;
    Ok(activity::Entity::find()
        .select_only()
        .column(A::OrgId)
        .column(A::Kind)
        .column(A::MeetingKind)
        .column(A::HeldOn)
        .filter(activity_cond(scope, f))
        .into_tuple()
        .all(c.ex())
        .await?)
}

pub async fn activity(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<ActivityRow>> {
    Ok(activity::Entity::find_by_id(id).filter(activity_cond(scope, &ActivityFilter::default())).one(c.ex()).await?)
}

/// Inserts activities with their attendance and files (many a statement) in the caller's transaction.
pub async fn insert_activities(
    c: &Conn<'_>,
    rows: &[ActivityRow],
    present: &[AttendanceRow],
    files: &[ActivityFileRow],
) -> Result<()> {
    for chunk in rows.chunks(500) {
        let m: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        activity::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    for chunk in present.chunks(1000) {
        let m: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        attendance::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    for chunk in files.chunks(1000) {
        let m: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        activity_file::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

async fn by_activity<E, C>(c: &Conn<'_>, zone: C, col: C, zone_id: Uuid, ids: &[Uuid]) -> Result<Vec<E::Model>>
where
    E: EntityTrait<Column = C>,
    C: ColumnTrait,
{
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(E::find().filter(zone.eq(zone_id)).filter(col.is_in(chunk.to_vec())).all(c.ex()).await?);
    }
    Ok(out)
}

pub async fn attendance(c: &Conn<'_>, zone_id: Uuid, activity_ids: &[Uuid]) -> Result<Vec<AttendanceRow>> {
    by_activity::<attendance::Entity, _>(
        c,
        attendance::Column::ZoneId,
        attendance::Column::ActivityId,
        zone_id,
        activity_ids,
    )
    .await
}

pub async fn activity_files(c: &Conn<'_>, zone_id: Uuid, activity_ids: &[Uuid]) -> Result<Vec<ActivityFileRow>> {
    by_activity::<activity_file::Entity, _>(
        c,
        activity_file::Column::ZoneId,
        activity_file::Column::ActivityId,
        zone_id,
        activity_ids,
    )
    .await
}

// ---------------------------------------------------------------- references

/// (id, name, USCC) of the zone's enterprises among `ids`.
pub async fn enterprise_names(c: &Conn<'_>, zone_id: Uuid, ids: &[Uuid]) -> Result<Vec<(Uuid, String, String)>> {
    use crate::entity::enterprise::{Column as E, Entity};
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            Entity::find()
                .select_only()
                .column(E::Id)
                .column(E::Name)
                .column(E::Uscc)
                .filter(E::ZoneId.eq(zone_id))
                .filter(E::Id.is_in(chunk.to_vec()))
                .into_tuple::<(Uuid, String, String)>()
                .all(c.ex())
                .await?,
        );
    }
    Ok(out)
}

/// (id, display name) of the zone's active branch-secretary accounts.
pub async fn secretary_accounts(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<(Uuid, String)>> {
    use crate::entity::user::{Column as U, Entity};
    Ok(Entity::find()
        .select_only()
        .column(U::Id)
        .column(U::DisplayName)
        .filter(U::ZoneId.eq(zone_id))
        .filter(U::Role.eq("branch_secretary"))
        .filter(U::Active.eq(true))
        .order_by_asc(U::DisplayName)
        .into_tuple::<(Uuid, String)>()
        .all(c.ex())
        .await?)
}
