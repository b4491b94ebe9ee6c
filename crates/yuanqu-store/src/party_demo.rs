//! Bulk loading of the party demo (党建, issue 7) and its benchmark: many rows per statement
//! ([`crate::demo`]'s 500), parents before children, in the caller's transaction. Not for user
//! input (the use cases validate and audit row by row).

use sea_orm::ActiveModelTrait;

use crate::demo::insert_all;
use crate::entity::{
    party_activity, party_alliance, party_alliance_member, party_attendance, party_designation, party_designation_type,
    party_member, party_member_move, party_org,
};
use crate::{Conn, Result};

/// Everything the party demo writes, in insertion order.
#[derive(Debug, Clone, Default)]
pub struct PartyRows {
    /// Parents before their children (the tree is inserted in this order).
    pub orgs: Vec<party_org::Model>,
    pub members: Vec<party_member::Model>,
    pub moves: Vec<party_member_move::Model>,
    /// Only the types not in the zone yet.
    pub designation_types: Vec<party_designation_type::Model>,
    pub designations: Vec<party_designation::Model>,
    pub alliances: Vec<party_alliance::Model>,
    pub alliance_members: Vec<party_alliance_member::Model>,
    pub activities: Vec<party_activity::Model>,
    pub attendance: Vec<party_attendance::Model>,
}

impl PartyRows {
    /// Rows in all, for the audit record and the loader's summary.
    pub fn len(&self) -> usize {
        self.orgs.len()
            + self.members.len()
            + self.moves.len()
            + self.designation_types.len()
            + self.designations.len()
            + self.alliances.len()
            + self.alliance_members.len()
            + self.activities.len()
            + self.attendance.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

macro_rules! active {
    ($rows:expr, $m:ident) => {
        $rows.iter().cloned().map(|r| $m::ActiveModel::from(r).reset_all()).collect::<Vec<_>>()
    };
}

/// Inserts every row of `rows`, 500 a statement.
pub async fn insert_party(c: &Conn<'_>, rows: &PartyRows) -> Result<()> {
    insert_all(c, active!(rows.orgs, party_org)).await?;
    insert_all(c, active!(rows.members, party_member)).await?;
    insert_all(c, active!(rows.moves, party_member_move)).await?;
    insert_all(c, active!(rows.designation_types, party_designation_type)).await?;
    insert_all(c, active!(rows.designations, party_designation)).await?;
    insert_all(c, active!(rows.alliances, party_alliance)).await?;
    insert_all(c, active!(rows.alliance_members, party_alliance_member)).await?;
    insert_all(c, active!(rows.activities, party_activity)).await?;
    insert_all(c, active!(rows.attendance, party_attendance)).await?;
    Ok(())
}
