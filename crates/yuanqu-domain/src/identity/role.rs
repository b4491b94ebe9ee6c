//! Built-in roles and the permissions each holds: the one matrix the policy table, the menus
//! and `GET /api/v1/roles` are read from.

use super::PasswordProfile;

/// What a route may require. Codes are stable: the UI and the audit log use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    UserRead,
    UserWrite,
    /// Lift a sign-in lock (the security administrator's).
    UserUnlock,
    /// See a full ID card number or phone number, with a reason (PD-02).
    PersonalReveal,
    DepartmentRead,
    DepartmentWrite,
    RoleRead,
    ParkRead,
    ParkWrite,
    EnterpriseRead,
    EnterpriseWrite,
    TokenOwn,
    AuditRead,
    MetricsRead,
    /// Upload a file (IV-02).
    FileUpload,
    /// Read files in one's data scope.
    FileRead,
    /// The zone's security settings, e.g. requiring a second factor (the security administrator's).
    ZoneSecurity,
    /// Approve or refuse another person's large unmasked export (PD-04; the security administrator's).
    ExportApprove,
    /// Read monthly statistics, indicators, warnings, the economic dashboard and evaluation
    /// results in one's data scope (an enterprise: its own).
    StatsRead,
    /// File one's own enterprise's monthly report (the enterprise account's).
    StatsReport,
    /// Verify or return reports, import a month, correct a locked month, edit check and warning
    /// rules and annual targets (the economic development department's).
    StatsReview,
    /// Configure, run and publish the per-mu efficiency evaluation (亩均效益评价).
    EvaluationManage,
    /// The zone's economic aggregates: the economic dashboard (not an enterprise's to see).
    EconomyRead,
    /// Keep the zone's working-day calendar (days off, 调休 make-up days).
    CalendarManage,
    AppealFile,
    AppealRead,
    AppealHandle,
    AppealLead,
    AppealConfigure,
    /// Keep the zone's outbound webhooks (SMS or WeChat Work gateways) and read their delivery log.
    NotifyManage,
    /// Read visit plans, visits, findings and rectifications (走访; the zone's, not confidential
    /// within the committee).
    VisitRead,
    /// Plan and record visits, turn findings into appeals or rectifications, mark them done.
    VisitManage,
    /// Read key tasks and projects, their lights, reports, briefs, meetings and follow-ups (a
    /// department: the items it leads or co-handles).
    SupervisionRead,
    /// Report progress on one's department's items and mark its follow-ups done.
    SupervisionReport,
    /// Keep the key tasks and projects, the light rules and the Saturday meetings (督查室).
    SupervisionManage,
    /// The honour wall and an enterprise's party section (public party information; an
    /// enterprise: its own).
    PartyPublic,
    /// Read party organizations, members (masked), designations, alliances, activities,
    /// meetings and compliance (a branch secretary: the subtree of the organizations they lead).
    PartyRead,
    /// Record activities and meetings, apply for designations (a branch secretary: in the subtree).
    PartyRecord,
    /// Keep organizations, members, alliances, designation types and meeting rules; review
    /// designations (party-work staff).
    PartyManage,
    /// See a party member's full ID card number, audited (party-work staff).
    PartyReveal,
}

impl Permission {
    pub const ALL: [Permission; 40] = [
        Self::UserRead,
        Self::UserWrite,
        Self::UserUnlock,
        Self::PersonalReveal,
        Self::DepartmentRead,
        Self::DepartmentWrite,
        Self::RoleRead,
        Self::ParkRead,
        Self::ParkWrite,
        Self::EnterpriseRead,
        Self::EnterpriseWrite,
        Self::TokenOwn,
        Self::AuditRead,
        Self::MetricsRead,
        Self::FileUpload,
        Self::FileRead,
        Self::ZoneSecurity,
        Self::ExportApprove,
        Self::StatsRead,
        Self::StatsReport,
        Self::StatsReview,
        Self::EvaluationManage,
        Self::EconomyRead,
        Self::CalendarManage,
        Self::AppealFile,
        Self::AppealRead,
        Self::AppealHandle,
        Self::AppealLead,
        Self::AppealConfigure,
        Self::NotifyManage,
        Self::VisitRead,
        Self::VisitManage,
        Self::SupervisionRead,
        Self::SupervisionReport,
        Self::SupervisionManage,
        Self::PartyPublic,
        Self::PartyRead,
        Self::PartyRecord,
        Self::PartyManage,
        Self::PartyReveal,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::UserRead => "user.read",
            Self::UserWrite => "user.write",
            Self::UserUnlock => "user.unlock",
            Self::PersonalReveal => "personal.reveal",
            Self::DepartmentRead => "department.read",
            Self::DepartmentWrite => "department.write",
            Self::RoleRead => "role.read",
            Self::ParkRead => "park.read",
            Self::ParkWrite => "park.write",
            Self::EnterpriseRead => "enterprise.read",
            Self::EnterpriseWrite => "enterprise.write",
            Self::TokenOwn => "token.own",
            Self::AuditRead => "audit.read",
            Self::MetricsRead => "metrics.read",
            Self::FileUpload => "file.upload",
            Self::FileRead => "file.read",
            Self::ZoneSecurity => "zone.security",
            Self::ExportApprove => "export.approve",
            Self::StatsRead => "stats.read",
            Self::StatsReport => "stats.report",
            Self::StatsReview => "stats.review",
            Self::EvaluationManage => "evaluation.manage",
            Self::EconomyRead => "economy.read",
            Self::CalendarManage => "calendar.manage",
            Self::AppealFile => "appeal.file",
            Self::AppealRead => "appeal.read",
            Self::AppealHandle => "appeal.handle",
            Self::AppealLead => "appeal.lead",
            Self::AppealConfigure => "appeal.configure",
            Self::NotifyManage => "notify.manage",
            Self::VisitRead => "visit.read",
            Self::VisitManage => "visit.manage",
            Self::SupervisionRead => "supervision.read",
            Self::SupervisionReport => "supervision.report",
            Self::SupervisionManage => "supervision.manage",
            Self::PartyPublic => "party.public",
            Self::PartyRead => "party.read",
            Self::PartyRecord => "party.record",
            Self::PartyManage => "party.manage",
            Self::PartyReveal => "party.reveal",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    ZoneLeader,
    DepartmentStaff,
    PartyStaff,
    BranchSecretary,
    Inspector,
    Enterprise,
    Worker,
    ProvinceObserver,
    SystemAdmin,
    SecurityAdmin,
    AuditAdmin,
}

/// How far a role's reach extends inside its zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Zone,
    DepartmentSubtree,
    OwnEnterprise,
    PartySubtree,
    OwnRecords,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Self::ZoneLeader,
        Self::DepartmentStaff,
        Self::PartyStaff,
        Self::BranchSecretary,
        Self::Inspector,
        Self::Enterprise,
        Self::Worker,
        Self::ProvinceObserver,
        Self::SystemAdmin,
        Self::SecurityAdmin,
        Self::AuditAdmin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::ZoneLeader => "zone_leader",
            Self::DepartmentStaff => "department_staff",
            Self::PartyStaff => "party_staff",
            Self::BranchSecretary => "branch_secretary",
            Self::Inspector => "inspector",
            Self::Enterprise => "enterprise",
            Self::Worker => "worker",
            Self::ProvinceObserver => "province_observer",
            Self::SystemAdmin => "system_admin",
            Self::SecurityAdmin => "security_admin",
            Self::AuditAdmin => "audit_admin",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::ZoneLeader => "园区领导",
            Self::DepartmentStaff => "科室工作人员",
            Self::PartyStaff => "党群工作人员",
            Self::BranchSecretary => "支部书记",
            Self::Inspector => "巡查员",
            Self::Enterprise => "企业账号",
            Self::Worker => "职工",
            Self::ProvinceObserver => "省级观察员",
            Self::SystemAdmin => "系统管理员",
            Self::SecurityAdmin => "安全管理员",
            Self::AuditAdmin => "审计管理员",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Self::ZoneLeader => "Zone leader",
            Self::DepartmentStaff => "Department staff",
            Self::PartyStaff => "Party-work staff",
            Self::BranchSecretary => "Branch secretary",
            Self::Inspector => "Inspector",
            Self::Enterprise => "Enterprise account",
            Self::Worker => "Worker",
            Self::ProvinceObserver => "Province observer",
            Self::SystemAdmin => "System administrator",
            Self::SecurityAdmin => "Security administrator",
            Self::AuditAdmin => "Audit administrator",
        }
    }

    /// The three separate administrators (三权分立): shorter sessions, never combined.
    pub fn is_admin(self) -> bool {
        matches!(self, Self::SystemAdmin | Self::SecurityAdmin | Self::AuditAdmin)
    }

    pub fn password_profile(self) -> PasswordProfile {
        match self {
            Self::Enterprise | Self::Worker => PasswordProfile::Asvs,
            _ => PasswordProfile::Mlps,
        }
    }

    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Self::DepartmentStaff | Self::Inspector => ScopeKind::DepartmentSubtree,
            Self::Enterprise => ScopeKind::OwnEnterprise,
            Self::BranchSecretary => ScopeKind::PartySubtree,
            Self::Worker => ScopeKind::OwnRecords,
            _ => ScopeKind::Zone,
        }
    }

    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Self::SystemAdmin => &[
                CalendarManage,
                AppealConfigure,
                NotifyManage,
                UserRead,
                UserWrite,
                PersonalReveal,
                DepartmentRead,
                DepartmentWrite,
                RoleRead,
                ParkRead,
                ParkWrite,
                EnterpriseRead,
                EnterpriseWrite,
                TokenOwn,
                MetricsRead,
                FileUpload,
                FileRead,
            ],
            Self::SecurityAdmin => &[
                UserRead,
                UserUnlock,
                PersonalReveal,
                RoleRead,
                DepartmentRead,
                TokenOwn,
                MetricsRead,
                FileUpload,
                FileRead,
                ZoneSecurity,
                ExportApprove,
            ],
            Self::AuditAdmin => &[AuditRead, UserRead, RoleRead, TokenOwn],
            Self::ZoneLeader => &[
                UserRead,
                DepartmentRead,
                RoleRead,
                ParkRead,
                EnterpriseRead,
                TokenOwn,
                FileUpload,
                FileRead,
                StatsRead,
                EconomyRead,
                AppealFile,
                AppealRead,
                AppealLead,
                AppealConfigure,
                VisitRead,
                VisitManage,
                SupervisionRead,
                SupervisionManage,
                PartyPublic,
                PartyRead,
            ],
            // The economic development department keeps the registry and the statistics.
            Self::DepartmentStaff => &[
                DepartmentRead,
                ParkRead,
                EnterpriseRead,
                EnterpriseWrite,
                TokenOwn,
                FileUpload,
                FileRead,
                StatsRead,
                StatsReview,
                EvaluationManage,
                EconomyRead,
                AppealFile,
                AppealRead,
                AppealHandle,
                VisitRead,
                VisitManage,
                SupervisionRead,
                SupervisionReport,
                PartyPublic,
            ],
            Self::PartyStaff => &[
                DepartmentRead,
                ParkRead,
                EnterpriseRead,
                TokenOwn,
                FileUpload,
                FileRead,
                PartyPublic,
                PartyRead,
                PartyRecord,
                PartyManage,
                PartyReveal,
            ],
            Self::BranchSecretary => &[FileUpload, FileRead, PartyPublic, PartyRead, PartyRecord],
            Self::Worker => &[FileUpload, FileRead, PartyPublic],
            Self::Inspector => &[ParkRead, EnterpriseRead, FileUpload, FileRead, PartyPublic],
            Self::Enterprise => &[
                EnterpriseRead,
                TokenOwn,
                FileUpload,
                FileRead,
                StatsRead,
                StatsReport,
                AppealFile,
                AppealRead,
                PartyPublic,
            ],
            Self::ProvinceObserver => &[ParkRead, EconomyRead],
        }
    }

    pub fn has(self, p: Permission) -> bool {
        self.permissions().contains(&p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separation_of_duties_no_admin_role_holds_another_admins_core_permission() {
        // 三权分立: only the audit administrator reads the audit log; only the system
        // administrator manages users.
        for r in Role::ALL {
            assert_eq!(r.has(Permission::AuditRead), r == Role::AuditAdmin, "{r:?}");
            assert_eq!(r.has(Permission::UserWrite), r == Role::SystemAdmin, "{r:?}");
        }
    }

    #[test]
    fn every_role_but_the_observer_and_the_auditor_may_upload_and_read_files() {
        for r in Role::ALL {
            let expected = !matches!(r, Role::ProvinceObserver | Role::AuditAdmin);
            assert_eq!(r.has(Permission::FileUpload), expected, "{r:?}");
            assert_eq!(r.has(Permission::FileRead), expected, "{r:?}");
        }
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
    }
}
