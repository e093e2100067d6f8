//! Domain values and pure rules, free of storage and transport.

pub mod eligibility;
pub mod lifecycle;
pub mod similarity;
pub mod track_record;
pub mod values;
pub mod workload;
