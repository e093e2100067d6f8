//! Small builders shared by the migrations, so that every constraint and
//! index gets a predictable name:
//! `fk_<table>_<column>`, `idx_<table>_<columns>`, `uq_<table>_<columns>`,
//! `ck_<table>_<what>`.
//!
//! The value lists below are the enum values as of the initial schema. A later
//! migration that adds a value must carry its own list (and rebuild the CHECK);
//! never edit these, since applied migrations must not change.

use sea_orm_migration::prelude::*;

pub(crate) const ROLES: &[&str] = &["ADMIN", "PARTNER", "VC", "REVIEWER", "ANALYST", "FOUNDER"];
pub(crate) const PARTNER_TIERS: &[&str] = &["SELECT", "ADVANCED", "PREMIER"];
pub(crate) const VC_REPUTATIONS: &[&str] = &["TIER_1", "TIER_2", "EMERGING"];
pub(crate) const FUNDING_STAGES: &[&str] = &[
    "PRE_SEED",
    "SEED",
    "SERIES_A",
    "SERIES_B",
    "SERIES_C_PLUS",
    "BOOTSTRAPPED",
    "ENTERPRISE",
    "PUBLIC_SECTOR",
];
pub(crate) const FUNDING_SOURCES: &[&str] = &[
    "ACTIVATE_PORTFOLIO",
    "BUILD_FOR_STARTUPS",
    "GENAI_POC",
    "MIGRATION",
];
pub(crate) const ENGAGEMENT_TYPES: &[&str] = &["BUILD", "MIGRATE"];
pub(crate) const SUBMISSION_PATHS: &[&str] = &["PARTNER", "VC"];
pub(crate) const OPPORTUNITY_STATUSES: &[&str] = &[
    "DRAFT",
    "SUBMITTED",
    "IN_REVIEW",
    "ACTION_REQUIRED",
    "APPROVED",
    "REJECTED",
    "WITHDRAWN",
    "CREDITS_ISSUED",
];
pub(crate) const DECISION_KINDS: &[&str] = &[
    "APPROVE",
    "APPROVE_REDUCED",
    "REQUEST_CLARIFICATION",
    "REJECT",
];
pub(crate) const AWS_SERVICES: &[&str] = &[
    "EC2",
    "ECS",
    "EKS",
    "FARGATE",
    "LAMBDA",
    "RDS",
    "AURORA",
    "DYNAMODB",
    "S3",
    "CLOUDFRONT",
    "BEDROCK",
    "SAGEMAKER",
    "CLOUDWATCH",
    "MEDIACONVERT",
    "OTHER",
];

fn name_of<I: Iden>(iden: &I) -> String {
    Iden::to_string(iden)
}

fn joined<C: Iden>(columns: &[C]) -> String {
    columns.iter().map(name_of).collect::<Vec<_>>().join("_")
}

/// Foreign key `table.column -> ref_table.ref_column`, ON DELETE `on_delete`,
/// named `fk_<table>_<column>`.
pub(crate) fn fk<T, C, R, RC>(
    table: T,
    column: C,
    ref_table: R,
    ref_column: RC,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement
where
    T: Iden + 'static,
    C: Iden + 'static,
    R: Iden + 'static,
    RC: Iden + 'static,
{
    ForeignKey::create()
        .name(format!("fk_{}_{}", name_of(&table), name_of(&column)))
        .from(table, column)
        .to(ref_table, ref_column)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::NoAction)
        .to_owned()
}

/// Plain index named `idx_<table>_<columns>`.
pub(crate) fn index<T, C>(table: T, columns: &[C]) -> IndexCreateStatement
where
    T: Iden + 'static,
    C: Iden + Copy + 'static,
{
    let mut stmt = Index::create();
    stmt.name(format!("idx_{}_{}", name_of(&table), joined(columns)))
        .table(table);
    for column in columns {
        stmt.col(*column);
    }
    stmt.to_owned()
}

/// Unique index named `uq_<table>_<columns>`.
pub(crate) fn unique<T, C>(table: T, columns: &[C]) -> IndexCreateStatement
where
    T: Iden + 'static,
    C: Iden + Copy + 'static,
{
    let mut stmt = Index::create();
    stmt.name(format!("uq_{}_{}", name_of(&table), joined(columns)))
        .table(table)
        .unique();
    for column in columns {
        stmt.col(*column);
    }
    stmt.to_owned()
}

/// CHECK constraint named `ck_<table>_<what>` with a raw, portable SQL
/// condition (quote identifiers with double quotes).
pub(crate) fn check<T: Iden>(table: T, what: &str, condition: &str) -> Check {
    Check::named(
        format!("ck_{}_{}", name_of(&table), what),
        Expr::cust(condition.to_owned()),
    )
}

/// CHECK constraint `"<column>" IN ('A', 'B', ...)`, named `ck_<table>_<column>`.
pub(crate) fn check_one_of<T: Iden, C: Iden>(table: T, column: C, values: &[&str]) -> Check {
    let column = name_of(&column);
    let list = values
        .iter()
        .map(|value| format!("'{}'", value.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ");
    check(table, &column, &format!(r#""{column}" IN ({list})"#))
}
