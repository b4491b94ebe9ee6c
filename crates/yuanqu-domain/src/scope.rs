//! Tenant scopes. Every query of tenant data takes a [`Scope`]; the store turns it into
//! `WHERE zone_id = ? [AND …]`. A record outside the scope does not exist for the caller (404).

use uuid::Uuid as Id;

/// The slice of a zone's data an actor may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataScope {
    /// Everything in the zone.
    Zone,
    /// A department and its subtree (ids resolved by the application).
    Departments(Vec<Id>),
    /// One enterprise's own records.
    Enterprise(Id),
    /// A party organization and its subtree.
    PartyOrganizations(Vec<Id>),
    /// Only records the user created or is the subject of.
    Own(Id),
}

/// A zone plus the data scope within it. Constructed only by the application layer from an
/// authenticated actor (or by the bootstrap and demo commands for a whole zone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    zone_id: Id,
    data: DataScope,
}

impl Scope {
    pub fn new(zone_id: Id, data: DataScope) -> Self {
        Self { zone_id, data }
    }
    pub fn zone(zone_id: Id) -> Self {
        Self { zone_id, data: DataScope::Zone }
    }
    pub fn zone_id(&self) -> Id {
        self.zone_id
    }
    pub fn data(&self) -> &DataScope {
        &self.data
    }
}
