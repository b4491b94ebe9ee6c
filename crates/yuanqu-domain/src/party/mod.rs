//! Party building in the zone's enterprises (党建, issue 7) — the pure rules first: the
//! organization tree (no cycles), a member's dates (probation ends after joining), and the
//! compliance of the regular meetings (三会一课) against required frequencies stored as data.

pub mod designation;
pub mod meetings;

pub use meetings::{Colour, Every, KindCompliance, MeetingKind, Requirement, Rules, Window, compliance};

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::FieldError;

/// The kind of a party organization, from the zone's working committee down to a workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgType {
    /// 党工委 (the zone's party working committee).
    WorkingCommittee,
    /// 党委.
    Committee,
    /// 党总支.
    GeneralBranch,
    /// 党支部.
    Branch,
    /// 车间党支部 (a branch in a workshop of an enterprise).
    WorkshopBranch,
}

impl OrgType {
    pub const ALL: [OrgType; 5] =
        [Self::WorkingCommittee, Self::Committee, Self::GeneralBranch, Self::Branch, Self::WorkshopBranch];
    pub fn code(self) -> &'static str {
        match self {
            Self::WorkingCommittee => "working_committee",
            Self::Committee => "committee",
            Self::GeneralBranch => "general_branch",
            Self::Branch => "branch",
            Self::WorkshopBranch => "workshop_branch",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == s)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::WorkingCommittee => "党工委",
            Self::Committee => "党委",
            Self::GeneralBranch => "党总支",
            Self::Branch => "党支部",
            Self::WorkshopBranch => "车间党支部",
        }
    }
    /// Branches hold the regular meetings (三会一课) and have members directly.
    pub fn is_branch(self) -> bool {
        matches!(self, Self::Branch | Self::WorkshopBranch)
    }
}

/// Whether putting `node` under `new_parent` would make the tree a cycle (the node itself, or
/// one of its descendants, as its own ancestor). `parents` maps every organization to its parent.
pub fn would_cycle<K: Copy + Eq + std::hash::Hash>(parents: &HashMap<K, Option<K>>, node: K, new_parent: K) -> bool {
    let mut at = Some(new_parent);
    let mut steps = 0;
    while let Some(p) = at {
        if p == node {
            return true;
        }
        steps += 1;
        if steps > parents.len() + 1 {
            // A cycle already stored: refuse rather than loop.
            return true;
        }
        at = parents.get(&p).copied().flatten();
    }
    false
}

/// The organizations under `roots` (themselves included), in breadth-first order: the reach of
/// a branch secretary, or the organizations an organization's figures count.
pub fn subtree<K: Copy + Eq + std::hash::Hash>(parents: &HashMap<K, Option<K>>, roots: &[K]) -> Vec<K> {
    let mut children: HashMap<K, Vec<K>> = HashMap::new();
    for (&k, &p) in parents {
        if let Some(p) = p {
            children.entry(p).or_default().push(k);
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut queue: std::collections::VecDeque<K> = roots.iter().copied().collect();
    while let Some(k) = queue.pop_front() {
        if !parents.contains_key(&k) || !seen.insert(k) {
            continue;
        }
        out.push(k);
        queue.extend(children.get(&k).into_iter().flatten().copied());
    }
    out
}

/// Which organization types may sit under which: the working committee at the top only; a
/// committee under the working committee or a committee; a general branch under either; a
/// branch under any of those; a workshop branch under a committee, a general branch or a branch.
pub fn may_sit_under(child: OrgType, parent: Option<OrgType>) -> bool {
    use OrgType::*;
    match (child, parent) {
        (WorkingCommittee, None) => true,
        (_, None) | (WorkingCommittee, Some(_)) => false,
        (_, Some(WorkshopBranch)) => false,
        (Committee, Some(p)) => matches!(p, WorkingCommittee | Committee),
        (GeneralBranch, Some(p)) => matches!(p, WorkingCommittee | Committee),
        (Branch, Some(p)) => matches!(p, WorkingCommittee | Committee | GeneralBranch),
        (WorkshopBranch, Some(p)) => matches!(p, Committee | GeneralBranch | Branch | WorkingCommittee),
    }
}

/// A member's standing: full (正式党员) or probationary (预备党员, until a date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Full,
    Probationary { ends_on: NaiveDate },
}

/// Checks a member's dates: joined not in the future, probation ending after joining (and
/// within two years: a year's probation, extended at most once by a year). Errors name the field.
pub fn check_member_dates(
    joined_on: NaiveDate,
    standing: Standing,
    birth: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if joined_on > today {
        errors.push(FieldError::new("joined_on", "date.future"));
    }
    if let Some(b) = birth
        && joined_on < b + chrono::Duration::days(18 * 365 + 4)
    {
        errors.push(FieldError::new("joined_on", "party.joined_under_18"));
    }
    if let Standing::Probationary { ends_on } = standing {
        if ends_on <= joined_on {
            errors.push(FieldError::new("probation_ends_on", "party.probation_before_joining"));
        } else if ends_on > joined_on + chrono::Duration::days(2 * 366) {
            errors.push(FieldError::new("probation_ends_on", "party.probation_too_long"));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_tree_refuses_cycles() {
        // 1 ← 2 ← 3 ← 4 (4 under 3 under 2 under the working committee 1); 5 apart.
        let parents: HashMap<u32, Option<u32>> =
            [(1, None), (2, Some(1)), (3, Some(2)), (4, Some(3)), (5, None)].into_iter().collect();
        assert!(would_cycle(&parents, 2, 4), "2 under its own grandchild");
        assert!(would_cycle(&parents, 3, 3), "itself");
        assert!(!would_cycle(&parents, 4, 2));
        assert!(!would_cycle(&parents, 5, 4));
        assert!(!would_cycle(&parents, 2, 5));
        let broken: HashMap<u32, Option<u32>> = [(1, Some(2)), (2, Some(1)), (3, None)].into_iter().collect();
        assert!(would_cycle(&broken, 3, 1), "a stored cycle is refused, not looped over");
    }

    #[test]
    fn a_subtree_holds_the_roots_and_everything_under_them() {
        let parents: HashMap<u32, Option<u32>> =
            [(1, None), (2, Some(1)), (3, Some(2)), (4, Some(3)), (5, Some(1)), (6, None)].into_iter().collect();
        assert_eq!(subtree(&parents, &[2]), [2, 3, 4]);
        let mut all = subtree(&parents, &[1]);
        all.sort();
        assert_eq!(all, [1, 2, 3, 4, 5]);
        assert_eq!(subtree(&parents, &[4, 3]), [4, 3], "overlapping roots are listed once");
        assert!(subtree(&parents, &[9]).is_empty(), "an unknown root reaches nothing");
        assert!(may_sit_under(OrgType::WorkshopBranch, Some(OrgType::Branch)));
        assert!(!may_sit_under(OrgType::Branch, Some(OrgType::WorkshopBranch)));
        assert!(!may_sit_under(OrgType::Branch, None));
    }

    #[test]
    fn member_dates_are_checked() {
        let today = d("2026-11-27");
        assert!(check_member_dates(d("2020-07-01"), Standing::Full, Some(d("1990-03-12")), today).is_ok());
        let e = check_member_dates(
            d("2026-06-01"),
            Standing::Probationary { ends_on: d("2026-05-01") },
            Some(d("2000-01-01")),
            today,
        )
        .unwrap_err();
        assert_eq!((e[0].field.as_str(), e[0].code), ("probation_ends_on", "party.probation_before_joining"));
        let e = check_member_dates(d("2027-01-01"), Standing::Full, Some(d("2012-01-01")), today).unwrap_err();
        let got: Vec<&str> = e.iter().map(|e| e.code).collect();
        assert_eq!(got, ["date.future", "party.joined_under_18"]);
        let e = check_member_dates(d("2024-01-01"), Standing::Probationary { ends_on: d("2026-06-01") }, None, today)
            .unwrap_err();
        assert_eq!(e[0].code, "party.probation_too_long");
    }
}
