//! The reviewer checklist (DESIGN.md §5): twelve explainable checks computed from the facts of a record, and the
//! decision and amount they recommend. Pure: the service gathers the facts, this module judges them.

use entity::enums::{
    AwsService, DecisionKind, FundingSource, FundingStage, OpportunityStatus, PartnerTier,
    VcReputation,
};
use serde::{Deserialize, Serialize};

use super::{
    similarity,
    track_record::{Scrutiny, TrackRecord},
    values::UsdAmount,
};
use crate::policy;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CheckName {
    RealCompany,
    EligibleSegment,
    EligibleJurisdiction,
    NotAwsCompetitor,
    AwsConsumingWorkload,
    PlausibleSpend,
    FundingEvidence,
    PartnerTrackRecord,
    SpendHistory,
    FilerRights,
    DistinctWorkload,
    MarketplaceShare,
}

impl CheckName {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckName::RealCompany => "REAL_COMPANY",
            CheckName::EligibleSegment => "ELIGIBLE_SEGMENT",
            CheckName::EligibleJurisdiction => "ELIGIBLE_JURISDICTION",
            CheckName::NotAwsCompetitor => "NOT_AWS_COMPETITOR",
            CheckName::AwsConsumingWorkload => "AWS_CONSUMING_WORKLOAD",
            CheckName::PlausibleSpend => "PLAUSIBLE_SPEND",
            CheckName::FundingEvidence => "FUNDING_EVIDENCE",
            CheckName::PartnerTrackRecord => "PARTNER_TRACK_RECORD",
            CheckName::SpendHistory => "SPEND_HISTORY",
            CheckName::FilerRights => "FILER_RIGHTS",
            CheckName::DistinctWorkload => "DISTINCT_WORKLOAD",
            CheckName::MarketplaceShare => "MARKETPLACE_SHARE",
        }
    }

    /// A FAIL on these refuses submission outright: nothing is filed.
    pub fn blocks_submission(self) -> bool {
        matches!(
            self,
            CheckName::EligibleJurisdiction
                | CheckName::NotAwsCompetitor
                | CheckName::EligibleSegment
                | CheckName::FilerRights
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckResult {
    pub check: CheckName,
    pub outcome: Outcome,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub checks: Vec<CheckResult>,
    pub recommended_decision: DecisionKind,
    pub recommended_amount_usd: i64,
}

impl Report {
    pub fn outcome(&self, check: CheckName) -> Option<Outcome> {
        self.checks
            .iter()
            .find(|c| c.check == check)
            .map(|c| c.outcome)
    }

    /// The FAIL rows that refuse submission.
    pub fn blocking_failures(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks
            .iter()
            .filter(|c| c.outcome == Outcome::Fail && c.check.blocks_submission())
    }
}

/// The customer as the checklist needs it.
pub struct CustomerFacts<'a> {
    pub incorporated: bool,
    pub website: &'a str,
    pub country: &'a str,
    pub funding_stage: FundingStage,
    pub months_on_aws: i32,
    pub marketplace_spend_share: f64,
    pub competes_with_aws: bool,
}

/// A live (unrevoked) funding attestation of the customer.
pub struct AttestationFacts<'a> {
    pub vc_firm_name: &'a str,
    pub portfolio_access: bool,
    pub round: FundingStage,
}

pub enum FilerFacts<'a> {
    Partner {
        name: &'a str,
        tier: PartnerTier,
        track_record: TrackRecord,
    },
    Vc {
        name: &'a str,
        portfolio_access: bool,
        reputation: VcReputation,
        attested_customer: bool,
    },
}

/// Another record of the same customer that is live, approved or issued.
pub struct OtherRecord<'a> {
    pub reference: &'a str,
    pub status: OpportunityStatus,
    pub workload_key: &'a str,
    pub use_case: &'a str,
}

pub struct RecordFacts<'a> {
    pub funding_source: FundingSource,
    pub workload_key: &'a str,
    pub use_case: &'a str,
    pub requested_amount_usd: i64,
    pub consumption: &'a [(AwsService, i64)],
}

pub struct Facts<'a> {
    pub customer: CustomerFacts<'a>,
    pub record: RecordFacts<'a>,
    pub attestations: &'a [AttestationFacts<'a>],
    pub filer: FilerFacts<'a>,
    pub others: &'a [OtherRecord<'a>],
    /// Credits the customer already holds or has been awarded on this path (unexpired grants and approved records
    /// not yet issued), for the stacking cap.
    pub committed_usd: i64,
}

/// Use cases shorter than this many words read as thin or generic.
const THIN_USE_CASE_WORDS: usize = 20;

fn usd(amount: i64) -> String {
    UsdAmount::parse(amount.max(0))
        .map(|a| a.to_string())
        .unwrap_or_default()
}

fn row(check: CheckName, outcome: Outcome, detail: impl Into<String>) -> CheckResult {
    CheckResult {
        check,
        outcome,
        detail: detail.into(),
    }
}

fn stage_name(stage: FundingStage) -> &'static str {
    stage.as_str()
}

/// Runs every check and recommends a decision and amount.
pub fn evaluate(facts: &Facts<'_>) -> Report {
    let c = &facts.customer;
    let r = &facts.record;
    let projected: i64 = r.consumption.iter().map(|(_, usd)| usd).sum();
    let portfolio_attestation = facts.attestations.iter().find(|a| a.portfolio_access);
    let funded_stage = matches!(
        c.funding_stage,
        FundingStage::Seed
            | FundingStage::SeriesA
            | FundingStage::SeriesB
            | FundingStage::SeriesCPlus
    );
    let mut checks = Vec::with_capacity(12);

    checks.push(if !c.incorporated {
        row(CheckName::RealCompany, Outcome::Fail, "The company is not incorporated.")
    } else if let Some(a) = facts.attestations.first() {
        row(CheckName::RealCompany, Outcome::Pass, format!("Incorporated, website {}, funding attested by {}.", c.website, a.vc_firm_name))
    } else if funded_stage {
        row(CheckName::RealCompany, Outcome::Pass, format!("Incorporated, website {}, declared stage {}.", c.website, stage_name(c.funding_stage)))
    } else {
        row(CheckName::RealCompany, Outcome::Warn, "Incorporated, but there is no funding signal (no attestation, no institutional round).")
    });

    checks.push(match c.funding_stage {
        FundingStage::Enterprise | FundingStage::PublicSector => row(
            CheckName::EligibleSegment,
            Outcome::Fail,
            format!(
                "{} customers buy through private pricing, not startup credits.",
                stage_name(c.funding_stage)
            ),
        ),
        stage => row(
            CheckName::EligibleSegment,
            Outcome::Pass,
            format!("A startup at stage {}.", stage_name(stage)),
        ),
    });

    checks.push(if policy::SANCTIONED_COUNTRIES.contains(&c.country) {
        row(
            CheckName::EligibleJurisdiction,
            Outcome::Fail,
            format!("{} is a sanctioned jurisdiction.", c.country),
        )
    } else {
        row(
            CheckName::EligibleJurisdiction,
            Outcome::Pass,
            format!("{} is not sanctioned.", c.country),
        )
    });

    checks.push(if c.competes_with_aws {
        row(
            CheckName::NotAwsCompetitor,
            Outcome::Fail,
            "The company's product competes with AWS.",
        )
    } else {
        row(
            CheckName::NotAwsCompetitor,
            Outcome::Pass,
            "The product does not compete with AWS.",
        )
    });

    let static_only = r
        .consumption
        .iter()
        .all(|(s, _)| matches!(s, AwsService::S3 | AwsService::Cloudfront));
    let words = r.use_case.split_whitespace().count();
    checks.push(if r.consumption.is_empty() {
        row(
            CheckName::AwsConsumingWorkload,
            Outcome::Fail,
            "No AWS consumption is projected.",
        )
    } else if static_only {
        row(
            CheckName::AwsConsumingWorkload,
            Outcome::Fail,
            "Only static hosting (S3/CloudFront) is projected.",
        )
    } else if words < THIN_USE_CASE_WORDS {
        row(
            CheckName::AwsConsumingWorkload,
            Outcome::Warn,
            format!("The use case is thin ({words} words): ask what the workload does."),
        )
    } else {
        row(
            CheckName::AwsConsumingWorkload,
            Outcome::Pass,
            "Compute, data or managed services are projected.",
        )
    });

    let band = policy::spend_band(c.funding_stage);
    checks.push(match band {
        None => row(
            CheckName::PlausibleSpend,
            Outcome::Warn,
            "No startup spend band applies to this segment.",
        ),
        Some((_, top)) if projected > top * policy::PADDING_FAIL_MULTIPLE => row(
            CheckName::PlausibleSpend,
            Outcome::Fail,
            format!(
                "Projected {}/month is more than {}× the {} band's top of {}.",
                usd(projected),
                policy::PADDING_FAIL_MULTIPLE,
                stage_name(c.funding_stage),
                usd(top)
            ),
        ),
        Some((_, top)) if projected > top => row(
            CheckName::PlausibleSpend,
            Outcome::Warn,
            format!(
                "Projected {}/month is above the {} band's top of {}: reads as padding.",
                usd(projected),
                stage_name(c.funding_stage),
                usd(top)
            ),
        ),
        Some((low, top)) => row(
            CheckName::PlausibleSpend,
            Outcome::Pass,
            format!(
                "Projected {}/month is within the {} band ({}–{}) or below it.",
                usd(projected),
                stage_name(c.funding_stage),
                usd(low),
                usd(top)
            ),
        ),
    });

    if r.funding_source == FundingSource::ActivatePortfolio {
        checks.push(if let Some(a) = portfolio_attestation {
            row(
                CheckName::FundingEvidence,
                Outcome::Pass,
                format!(
                    "{} round attested by {} (Portfolio Sub-Program).",
                    stage_name(a.round),
                    a.vc_firm_name
                ),
            )
        } else if funded_stage {
            row(
                CheckName::FundingEvidence,
                Outcome::Warn,
                format!(
                    "Stage {} but no attestation from a VC with Portfolio access.",
                    stage_name(c.funding_stage)
                ),
            )
        } else {
            row(
                CheckName::FundingEvidence,
                Outcome::Fail,
                format!(
                    "Stage {}: no institutional funding to evidence.",
                    stage_name(c.funding_stage)
                ),
            )
        });
    }

    checks.push(match &facts.filer {
        FilerFacts::Partner {
            name, track_record, ..
        } => {
            let rate = track_record
                .close_rate()
                .map(|r| format!("{:.0}%", r * 100.0))
                .unwrap_or_else(|| "n/a".into());
            match track_record.scrutiny() {
                Scrutiny::FastTrack => row(
                    CheckName::PartnerTrackRecord,
                    Outcome::Pass,
                    format!(
                        "{name} is fast-track: {} decided, close rate {rate}.",
                        track_record.decided
                    ),
                ),
                Scrutiny::Normal => row(
                    CheckName::PartnerTrackRecord,
                    Outcome::Pass,
                    format!(
                        "{name} has a normal record: {} decided, close rate {rate}.",
                        track_record.decided
                    ),
                ),
                Scrutiny::ExtraScrutiny if track_record.is_thin() => row(
                    CheckName::PartnerTrackRecord,
                    Outcome::Warn,
                    format!(
                        "{name} has a thin history ({} decided): extra scrutiny.",
                        track_record.decided
                    ),
                ),
                Scrutiny::ExtraScrutiny => row(
                    CheckName::PartnerTrackRecord,
                    Outcome::Fail,
                    format!(
                        "{name} has a low close rate ({rate} of {} decided).",
                        track_record.decided
                    ),
                ),
            }
        }
        FilerFacts::Vc {
            name, reputation, ..
        } => match reputation {
            VcReputation::Emerging => row(
                CheckName::PartnerTrackRecord,
                Outcome::Warn,
                format!("Filed by {name}, an emerging VC firm: extra scrutiny."),
            ),
            _ => row(
                CheckName::PartnerTrackRecord,
                Outcome::Pass,
                format!("Filed by {name} ({}).", reputation.as_str()),
            ),
        },
    });

    checks.push(
        if c.months_on_aws >= policy::ESTABLISHED_SPEND_HISTORY_MONTHS {
            row(
                CheckName::SpendHistory,
                Outcome::Pass,
                format!("{} months of spend history on AWS.", c.months_on_aws),
            )
        } else {
            row(
                CheckName::SpendHistory,
                Outcome::Warn,
                format!("Only {} months on AWS.", c.months_on_aws),
            )
        },
    );

    let source_policy = policy::funding(r.funding_source);
    checks.push(match &facts.filer {
        FilerFacts::Partner { tier, .. } if source_policy.partner_tiers.contains(tier) => row(
            CheckName::FilerRights,
            Outcome::Pass,
            format!(
                "A {} partner may file {}.",
                tier.as_str(),
                r.funding_source.as_str()
            ),
        ),
        FilerFacts::Partner { tier, .. } => row(
            CheckName::FilerRights,
            Outcome::Fail,
            format!(
                "A {} partner may not file {}; it needs an ADVANCED or PREMIER partner.",
                tier.as_str(),
                r.funding_source.as_str()
            ),
        ),
        FilerFacts::Vc { .. } if r.funding_source != FundingSource::ActivatePortfolio => row(
            CheckName::FilerRights,
            Outcome::Fail,
            "A VC firm may only file ACTIVATE_PORTFOLIO records.",
        ),
        FilerFacts::Vc {
            portfolio_access: false,
            name,
            ..
        } => row(
            CheckName::FilerRights,
            Outcome::Fail,
            format!("{name} has no Portfolio Sub-Program access."),
        ),
        FilerFacts::Vc {
            attested_customer: false,
            name,
            ..
        } => row(
            CheckName::FilerRights,
            Outcome::Fail,
            format!("{name} has not attested this company's funding."),
        ),
        FilerFacts::Vc { name, .. } => row(
            CheckName::FilerRights,
            Outcome::Pass,
            format!("{name} has Portfolio access and attested the company."),
        ),
    });

    let duplicate = facts.others.iter().find(|o| {
        o.workload_key == r.workload_key
            || similarity::jaccard(o.use_case, r.use_case) >= policy::DUPLICATE_USE_CASE_SIMILARITY
    });
    checks.push(match duplicate {
        Some(other) => row(
            CheckName::DistinctWorkload,
            Outcome::Fail,
            format!(
                "Describes the same workload as {} ({}): stacking needs distinct workloads.",
                other.reference,
                other.status.as_str()
            ),
        ),
        None => row(
            CheckName::DistinctWorkload,
            Outcome::Pass,
            "No other live or approved record of the customer covers this workload.",
        ),
    });

    checks.push(if c.marketplace_spend_share >= policy::MARKETPLACE_SHARE_WARN {
        row(
            CheckName::MarketplaceShare,
            Outcome::Warn,
            format!("{:.0}% of spend goes through AWS Marketplace: only a small portion is credit-eligible.", c.marketplace_spend_share * 100.0),
        )
    } else {
        row(CheckName::MarketplaceShare, Outcome::Pass, format!("{:.0}% of spend through AWS Marketplace.", c.marketplace_spend_share * 100.0))
    });

    let (recommended_decision, recommended_amount_usd) = recommend(facts, &checks, projected, band);
    Report {
        checks,
        recommended_decision,
        recommended_amount_usd,
    }
}

/// What the checks add up to. Hard failures reject; padding reduces; a thin case asks for clarification.
fn recommend(
    facts: &Facts<'_>,
    checks: &[CheckResult],
    projected: i64,
    band: Option<(i64, i64)>,
) -> (DecisionKind, i64) {
    let outcome = |name| checks.iter().find(|c| c.check == name).map(|c| c.outcome);
    let failed = |name| outcome(name) == Some(Outcome::Fail);
    let rejecting = [
        CheckName::EligibleJurisdiction,
        CheckName::NotAwsCompetitor,
        CheckName::EligibleSegment,
        CheckName::FilerRights,
        CheckName::RealCompany,
        CheckName::AwsConsumingWorkload,
        CheckName::FundingEvidence,
        CheckName::DistinctWorkload,
    ];
    if rejecting.into_iter().any(failed) {
        return (DecisionKind::Reject, 0);
    }
    let full = award_for(
        facts.record.funding_source,
        facts.record.requested_amount_usd,
    );
    let room = (policy::CUSTOMER_CREDIT_CAP_USD - facts.committed_usd).max(0);
    if failed(CheckName::PartnerTrackRecord)
        || outcome(CheckName::AwsConsumingWorkload) == Some(Outcome::Warn)
    {
        return (DecisionKind::RequestClarification, full.min(room));
    }
    let padded = matches!(
        outcome(CheckName::PlausibleSpend),
        Some(Outcome::Warn | Outcome::Fail)
    );
    if padded {
        let top = band.map(|(_, top)| top).unwrap_or(projected);
        return (
            DecisionKind::ApproveReduced,
            reduced_award(facts.record.funding_source, full, top, projected).min(room),
        );
    }
    if room < full {
        return (DecisionKind::ApproveReduced, room);
    }
    (DecisionKind::Approve, full)
}

/// The amount an approval at the requested amount awards: the request, capped at the source's maximum.
pub fn award_for(source: FundingSource, requested: i64) -> i64 {
    requested.min(policy::funding(source).max_amount_usd).max(0)
}

/// A padded projection earns the share of the award that a plausible projection would, in whole thousands,
/// never below the source's minimum.
fn reduced_award(source: FundingSource, full: i64, band_top: i64, projected: i64) -> i64 {
    if projected <= 0 {
        return full;
    }
    let scaled = (full as i128 * band_top as i128 / projected as i128) as i64;
    let rounded = scaled / 1_000 * 1_000;
    rounded.clamp(policy::funding(source).min_amount_usd, full)
}
