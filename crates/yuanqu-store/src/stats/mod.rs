//! Queries of the statistics module (issue 4): monthly reports, check and warning rules,
//! rollups, targets.

pub mod dashboard;
pub mod rollup;
