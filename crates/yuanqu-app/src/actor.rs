//! Who is asking: the authenticated actor, its permissions and the scope of its queries.

use yuanqu_domain::identity::role::ScopeKind;
use yuanqu_domain::identity::{Permission, Role};
use yuanqu_domain::{DataScope, Scope};
use yuanqu_store::Uuid;

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestCtx {
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

/// How the actor authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    Session { session_id: Uuid, csrf_token: String },
    Token { token_id: Uuid },
}

/// Where a session stands in a sign-in with a second factor (AUTH-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The password was right; the session may only send the authenticator code (5 minutes).
    TotpPending,
    /// The zone requires a second factor this account lacks: it may only enrol.
    TotpEnrol,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Self::TotpPending => "totp_pending",
            Self::TotpEnrol => "totp_enrol",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "totp_pending" => Some(Self::TotpPending),
            "totp_enrol" => Some(Self::TotpEnrol),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Uuid,
    pub zone_id: Uuid,
    pub login: String,
    pub role: Role,
    pub department_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    pub must_change_password: bool,
    pub auth: Auth,
    /// Department subtree ids, resolved at authentication for department-scoped roles.
    pub department_subtree: Vec<Uuid>,
    /// Set while the session still owes its second factor.
    pub stage: Option<Stage>,
}

impl Actor {
    pub fn can(&self, p: Permission) -> bool {
        self.role.has(p)
    }

    /// Deny by default: a session past its second factor, the permission, and a password that need not be changed first.
    pub fn require(&self, p: Permission) -> Result<(), crate::AppError> {
        if self.stage == Some(Stage::TotpPending) {
            return Err(crate::AppError::SecondFactorRequired);
        }
        if self.must_change_password {
            return Err(crate::AppError::PasswordChangeRequired);
        }
        if self.stage == Some(Stage::TotpEnrol) {
            return Err(crate::AppError::SecondFactorEnrolmentRequired);
        }
        if self.can(p) { Ok(()) } else { Err(crate::AppError::Forbidden) }
    }

    /// The scope every tenant query of this actor runs in.
    pub fn scope(&self) -> Scope {
        let data = match self.role.scope_kind() {
            ScopeKind::Zone => DataScope::Zone,
            ScopeKind::DepartmentSubtree => DataScope::Departments(self.department_subtree.clone()),
            ScopeKind::OwnEnterprise => match self.enterprise_id {
                Some(e) => DataScope::Enterprise(e),
                None => DataScope::Own(self.user_id),
            },
            ScopeKind::PartySubtree => DataScope::PartyOrganizations(Vec::new()),
            ScopeKind::OwnRecords => DataScope::Own(self.user_id),
        };
        Scope::new(self.zone_id, data)
    }

    /// The zone-wide scope for reference data every member of the zone may read (parks,
    /// departments).
    pub fn zone_scope(&self) -> Scope {
        Scope::zone(self.zone_id)
    }
}
