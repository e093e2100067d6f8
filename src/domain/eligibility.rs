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
    values::{self, UsdAmount},
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

    /// Where the fact this check weighs lives, as a path from the record (`Opportunity`): what a filer changes to
    /// make the check pass, and what a refused submission's `userErrors` point at.
    pub fn field(self) -> &'static [&'static str] {
        match self {
            CheckName::RealCompany => &["customer", "incorporated"],
            CheckName::EligibleSegment => &["customer", "fundingStage"],
            CheckName::EligibleJurisdiction => &["customer", "country"],
            CheckName::NotAwsCompetitor => &["customer", "competesWithAws"],
            CheckName::AwsConsumingWorkload => &["projectedConsumption"],
            CheckName::PlausibleSpend => &["projectedConsumption"],
            CheckName::FundingEvidence => &["customer", "attestations"],
            CheckName::PartnerTrackRecord => &["filedBy"],
            CheckName::SpendHistory => &["customer", "monthsOnAws"],
            CheckName::FilerRights => &["fundingSource"],
            CheckName::DistinctWorkload => &["workloadName"],
            CheckName::MarketplaceShare => &["customer", "marketplaceSpendShare"],
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
    /// The other record of the customer whose workload this one repeats, if any.
    pub duplicate_of: Option<Duplicate>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Duplicate {
    pub reference: String,
    pub same_filer: bool,
    pub status: OpportunityStatus,
}

impl Duplicate {
    /// Approving a duplicate of an approved (or issued) record awards nothing (DESIGN.md §4, stacking).
    /// The other record as the filer may read about it: by reference when it is the filer's own, otherwise only as
    /// "another filer's record".
    pub fn describe(&self) -> String {
        if self.same_filer {
            format!("{} ({})", self.reference, self.status.as_str())
        } else {
            format!(
                "another filer's {} record of this customer",
                self.status.as_str()
            )
        }
    }

    pub fn voids_award(&self) -> bool {
        matches!(
            self.status,
            OpportunityStatus::Approved | OpportunityStatus::CreditsIssued
        )
    }
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
    /// Filed by the same organisation as the record under review: only then may its reference be named to the
    /// filer (another firm's records are not the filer's to see).
    pub same_filer: bool,
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

/// `1 word`, `3 words`.
fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `a partner of tier ADVANCED or PREMIER`.
fn tiers_allowed(tiers: &[PartnerTier]) -> String {
    let names: Vec<&str> = tiers.iter().map(|t| t.as_str()).collect();
    match names.as_slice() {
        [] => "a VC firm".into(),
        [one] => format!("a partner of tier {one}"),
        [rest @ .., last] => format!("a partner of tier {} or {last}", rest.join(", ")),
    }
}

fn stage_name(stage: FundingStage) -> &'static str {
    stage.as_str()
}

/// Runs every check and recommends a decision and amount.
pub fn evaluate(facts: &Facts<'_>) -> Report {
    let c = &facts.customer;
    let r = &facts.record;
    let projected = values::sum_usd(r.consumption.iter().map(|(_, usd)| *usd));
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
            format!(
                "The use case is thin: {}, fewer than {THIN_USE_CASE_WORDS}; ask what the workload does.",
                count(words as i64, "word", "words")
            ),
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
                        "{name} has a thin history: {} decided, fewer than {}; extra scrutiny.",
                        track_record.decided,
                        policy::EXTRA_SCRUTINY_BELOW_DECIDED
                    ),
                ),
                Scrutiny::ExtraScrutiny => row(
                    CheckName::PartnerTrackRecord,
                    Outcome::Fail,
                    format!(
                        "{name} has a low close rate: {rate} of {} decided, below {:.0}%.",
                        track_record.decided,
                        policy::EXTRA_SCRUTINY_BELOW_CLOSE_RATE * 100.0
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
                format!(
                    "{} of spend history on AWS.",
                    count(c.months_on_aws.into(), "month", "months")
                ),
            )
        } else {
            row(
                CheckName::SpendHistory,
                Outcome::Warn,
                format!(
                    "Only {} on AWS, fewer than the {} of an established spend history.",
                    count(c.months_on_aws.into(), "month", "months"),
                    policy::ESTABLISHED_SPEND_HISTORY_MONTHS
                ),
            )
        },
    );

    let source_policy = policy::funding(r.funding_source);
    checks.push(match &facts.filer {
        FilerFacts::Partner { tier, .. } if source_policy.partner_tiers.contains(tier) => row(
            CheckName::FilerRights,
            Outcome::Pass,
            format!(
                "Partners of tier {} may file {}.",
                tier.as_str(),
                r.funding_source.as_str()
            ),
        ),
        FilerFacts::Partner { tier, .. } => row(
            CheckName::FilerRights,
            Outcome::Fail,
            format!(
                "Partners of tier {} may not file {}; it needs {}.",
                tier.as_str(),
                r.funding_source.as_str(),
                tiers_allowed(source_policy.partner_tiers)
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

    let same_workload = |o: &&OtherRecord<'_>| {
        o.workload_key == r.workload_key
            || similarity::jaccard(o.use_case, r.use_case) >= policy::DUPLICATE_USE_CASE_SIMILARITY
    };
    // A duplicate of an approved record matters most (it voids the award), so it is the one reported.
    let duplicate = facts.others.iter().filter(same_workload).max_by_key(|o| {
        matches!(
            o.status,
            OpportunityStatus::Approved | OpportunityStatus::CreditsIssued
        )
    });
    checks.push(match duplicate {
        Some(other) => row(
            CheckName::DistinctWorkload,
            Outcome::Fail,
            format!(
                "Describes the same workload as {}: stacking needs distinct workloads.",
                Duplicate {
                    reference: other.reference.to_owned(),
                    same_filer: other.same_filer,
                    status: other.status
                }
                .describe()
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
            format!("{:.0}% of spend goes through AWS Marketplace, at least the {:.0}% that warns: only a small portion is credit-eligible.", c.marketplace_spend_share * 100.0, policy::MARKETPLACE_SHARE_WARN * 100.0),
        )
    } else {
        row(CheckName::MarketplaceShare, Outcome::Pass, format!("{:.0}% of spend through AWS Marketplace.", c.marketplace_spend_share * 100.0))
    });

    let (recommended_decision, recommended_amount_usd) = recommend(facts, &checks, projected, band);
    let duplicate_of = duplicate.map(|o| Duplicate {
        reference: o.reference.to_owned(),
        same_filer: o.same_filer,
        status: o.status,
    });
    Report {
        checks,
        recommended_decision,
        recommended_amount_usd,
        duplicate_of,
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
    if room == 0 {
        // At the cap an approval could only award $0.
        return (DecisionKind::Reject, 0);
    }
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
    let rounded = if scaled >= 1_000 {
        scaled / 1_000 * 1_000
    } else {
        scaled
    };
    // Never below the source's minimum, never above the award (even if a policy change made min > award).
    rounded
        .max(policy::funding(source).min_amount_usd)
        .min(full)
}

#[cfg(test)]
mod tests {
    use entity::enums::{
        AwsService, DecisionKind, FundingSource, FundingStage, OpportunityStatus, PartnerTier,
        VcReputation,
    };

    use super::{
        AttestationFacts, CheckName, CheckResult, CustomerFacts, Facts, FilerFacts, OtherRecord,
        Outcome, RecordFacts, Report, THIN_USE_CASE_WORDS, award_for, evaluate,
    };
    use crate::{
        domain::{similarity, track_record::TrackRecord},
        policy,
    };

    const PARTNER: &str = "Cloudsmith Partners";
    const VC: &str = "Northstar Ventures";
    const OTHER_VC: &str = "Backyard Angels";
    const WEBSITE: &str = "https://acme-insights.example";

    /// 30 words: comfortably above the thin-use-case threshold.
    const USE_CASE: &str = "Acme Insights runs a multi-tenant retail analytics platform on EKS that ingests \
        point-of-sale events every night into Aurora PostgreSQL and serves dashboards to store managers \
        across Europe and the UK.";
    /// The same product, lightly reworded (a near-duplicate).
    const REWORDED_USE_CASE: &str = "Acme Insights runs a multi-tenant retail analytics platform on EKS that \
        ingests point-of-sale events every night into Aurora PostgreSQL and serves dashboards to store \
        managers across Europe and North America.";
    /// A genuinely different workload of the same customer.
    const OTHER_USE_CASE: &str = "A customer-support agent built on Bedrock that answers help-desk tickets \
        in English and German, keeps conversation history in DynamoDB and hands escalations to human staff \
        through Lambda.";

    enum Filer {
        Partner {
            name: String,
            tier: PartnerTier,
            track_record: TrackRecord,
        },
        Vc {
            name: String,
            portfolio_access: bool,
            reputation: VcReputation,
            attested_customer: bool,
        },
    }

    struct Attestation {
        vc_firm_name: String,
        portfolio_access: bool,
        round: FundingStage,
    }

    struct Other {
        reference: String,
        status: OpportunityStatus,
        workload_key: String,
        use_case: String,
    }

    /// Owned facts of one record; tests change what their rule needs and call [`Fixture::evaluate`].
    struct Fixture {
        incorporated: bool,
        website: String,
        country: String,
        stage: FundingStage,
        months_on_aws: i32,
        marketplace_share: f64,
        competes_with_aws: bool,
        source: FundingSource,
        workload_key: String,
        use_case: String,
        requested: i64,
        consumption: Vec<(AwsService, i64)>,
        attestations: Vec<Attestation>,
        filer: Filer,
        others: Vec<Other>,
        committed_usd: i64,
    }

    impl Fixture {
        /// An incorporated SERIES_A company in GB, 18 months on AWS, 10% via Marketplace, not a competitor; a
        /// BUILD_FOR_STARTUPS record for 25,000 projecting EKS 4,000 + AURORA 2,000 a month, filed by a fast-track
        /// ADVANCED partner. Every row passes.
        fn healthy() -> Self {
            Fixture {
                incorporated: true,
                website: WEBSITE.into(),
                country: "GB".into(),
                stage: FundingStage::SeriesA,
                months_on_aws: 18,
                marketplace_share: 0.10,
                competes_with_aws: false,
                source: FundingSource::BuildForStartups,
                workload_key: "retail analytics platform".into(),
                use_case: USE_CASE.into(),
                requested: 25_000,
                consumption: vec![(AwsService::Eks, 4_000), (AwsService::Aurora, 2_000)],
                attestations: Vec::new(),
                filer: Filer::Partner {
                    name: PARTNER.into(),
                    tier: PartnerTier::Advanced,
                    track_record: TrackRecord {
                        decided: 12,
                        approved: 10,
                    },
                },
                others: Vec::new(),
                committed_usd: 0,
            }
        }

        fn partner(mut self, tier: PartnerTier, decided: i64, approved: i64) -> Self {
            self.filer = Filer::Partner {
                name: PARTNER.into(),
                tier,
                track_record: TrackRecord { decided, approved },
            };
            self
        }

        /// A Portfolio record filed by the VC firm `VC`; when it attested the company its attestation is live.
        fn filed_by_vc(
            mut self,
            portfolio_access: bool,
            reputation: VcReputation,
            attested_customer: bool,
        ) -> Self {
            self.source = FundingSource::ActivatePortfolio;
            self.filer = Filer::Vc {
                name: VC.into(),
                portfolio_access,
                reputation,
                attested_customer,
            };
            if attested_customer {
                self = self.attested_by(VC, portfolio_access);
            }
            self
        }

        fn attested_by(mut self, firm: &str, portfolio_access: bool) -> Self {
            self.attestations.push(Attestation {
                vc_firm_name: firm.into(),
                portfolio_access,
                round: self.stage,
            });
            self
        }

        fn with_other(
            mut self,
            reference: &str,
            status: OpportunityStatus,
            workload_key: &str,
            use_case: &str,
        ) -> Self {
            self.others.push(Other {
                reference: reference.into(),
                status,
                workload_key: workload_key.into(),
                use_case: use_case.into(),
            });
            self
        }

        fn projecting(mut self, lines: &[(AwsService, i64)]) -> Self {
            self.consumption = lines.to_vec();
            self
        }

        fn evaluate(&self) -> Report {
            let attestations: Vec<AttestationFacts<'_>> = self
                .attestations
                .iter()
                .map(|a| AttestationFacts {
                    vc_firm_name: &a.vc_firm_name,
                    portfolio_access: a.portfolio_access,
                    round: a.round,
                })
                .collect();
            let others: Vec<OtherRecord<'_>> = self
                .others
                .iter()
                .map(|o| OtherRecord {
                    reference: &o.reference,
                    same_filer: true,
                    status: o.status,
                    workload_key: &o.workload_key,
                    use_case: &o.use_case,
                })
                .collect();
            let filer = match &self.filer {
                Filer::Partner {
                    name,
                    tier,
                    track_record,
                } => FilerFacts::Partner {
                    name,
                    tier: *tier,
                    track_record: *track_record,
                },
                Filer::Vc {
                    name,
                    portfolio_access,
                    reputation,
                    attested_customer,
                } => FilerFacts::Vc {
                    name,
                    portfolio_access: *portfolio_access,
                    reputation: *reputation,
                    attested_customer: *attested_customer,
                },
            };
            evaluate(&Facts {
                customer: CustomerFacts {
                    incorporated: self.incorporated,
                    website: &self.website,
                    country: &self.country,
                    funding_stage: self.stage,
                    months_on_aws: self.months_on_aws,
                    marketplace_spend_share: self.marketplace_share,
                    competes_with_aws: self.competes_with_aws,
                },
                record: RecordFacts {
                    funding_source: self.source,
                    workload_key: &self.workload_key,
                    use_case: &self.use_case,
                    requested_amount_usd: self.requested,
                    consumption: &self.consumption,
                },
                attestations: &attestations,
                filer,
                others: &others,
                committed_usd: self.committed_usd,
            })
        }
    }

    #[track_caller]
    fn row(report: &Report, check: CheckName) -> &CheckResult {
        report
            .checks
            .iter()
            .find(|c| c.check == check)
            .unwrap_or_else(|| panic!("no {} row in {:#?}", check.as_str(), report.checks))
    }

    /// The row has this outcome and a non-empty sentence that mentions `fact`.
    #[track_caller]
    fn assert_row(report: &Report, check: CheckName, outcome: Outcome, fact: &str) {
        let r = row(report, check);
        assert_eq!(r.outcome, outcome, "{}: {}", check.as_str(), r.detail);
        assert!(
            !r.detail.trim().is_empty(),
            "{} has no detail",
            check.as_str()
        );
        assert!(
            r.detail.contains(fact),
            "{} detail {:?} should mention {:?}",
            check.as_str(),
            r.detail,
            fact
        );
    }

    #[track_caller]
    fn assert_recommends(report: &Report, decision: DecisionKind, amount: i64) {
        assert_eq!(
            (report.recommended_decision, report.recommended_amount_usd),
            (decision, amount),
            "{report:#?}"
        );
    }

    fn blocking(report: &Report) -> Vec<CheckName> {
        report.blocking_failures().map(|c| c.check).collect()
    }

    fn words(n: usize) -> String {
        (1..=n)
            .map(|i| format!("word{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    // ---- the baseline -------------------------------------------------------------------------------------------

    #[test]
    fn a_healthy_build_for_startups_record_passes_every_row_and_is_approved_in_full() {
        let f = Fixture::healthy();
        assert_eq!(f.use_case.split_whitespace().count(), 30);
        let report = f.evaluate();
        let names: Vec<CheckName> = report.checks.iter().map(|c| c.check).collect();
        assert_eq!(
            names,
            [
                CheckName::RealCompany,
                CheckName::EligibleSegment,
                CheckName::EligibleJurisdiction,
                CheckName::NotAwsCompetitor,
                CheckName::AwsConsumingWorkload,
                CheckName::PlausibleSpend,
                CheckName::PartnerTrackRecord,
                CheckName::SpendHistory,
                CheckName::FilerRights,
                CheckName::DistinctWorkload,
                CheckName::MarketplaceShare,
            ]
        );
        for c in &report.checks {
            assert_eq!(
                c.outcome,
                Outcome::Pass,
                "{}: {}",
                c.check.as_str(),
                c.detail
            );
            assert!(
                !c.detail.trim().is_empty(),
                "{} has no detail",
                c.check.as_str()
            );
        }
        assert_recommends(&report, DecisionKind::Approve, 25_000);
        assert_eq!(report.duplicate_of, None);
        assert!(blocking(&report).is_empty());
    }

    #[test]
    fn a_portfolio_report_has_all_twelve_rows_once_each() {
        let mut f = Fixture::healthy().attested_by(VC, true);
        f.source = FundingSource::ActivatePortfolio;
        let report = f.evaluate();
        assert_eq!(report.checks.len(), 12);
        for c in &report.checks {
            assert_eq!(
                report.checks.iter().filter(|o| o.check == c.check).count(),
                1
            );
            assert_eq!(
                c.outcome,
                Outcome::Pass,
                "{}: {}",
                c.check.as_str(),
                c.detail
            );
        }
        assert_recommends(&report, DecisionKind::Approve, 25_000);
    }

    // ---- REAL_COMPANY -------------------------------------------------------------------------------------------

    #[test]
    fn an_incorporated_company_with_an_institutional_round_passes_real_company() {
        let report = Fixture::healthy().evaluate();
        assert_row(&report, CheckName::RealCompany, Outcome::Pass, "SERIES_A");
        assert_row(&report, CheckName::RealCompany, Outcome::Pass, WEBSITE);
    }

    #[test]
    fn a_funding_attestation_is_a_funding_signal_for_real_company() {
        let mut f = Fixture::healthy();
        f.stage = FundingStage::PreSeed;
        let report = f.attested_by(OTHER_VC, false).evaluate();
        assert_row(&report, CheckName::RealCompany, Outcome::Pass, OTHER_VC);
    }

    #[test]
    fn a_company_without_a_funding_signal_warns_on_real_company() {
        for stage in [FundingStage::PreSeed, FundingStage::Bootstrapped] {
            let mut f = Fixture::healthy();
            f.stage = stage;
            let report = f.evaluate();
            assert_row(
                &report,
                CheckName::RealCompany,
                Outcome::Warn,
                "no funding signal",
            );
        }
    }

    #[test]
    fn an_unincorporated_company_fails_real_company_and_is_rejected_without_blocking_submission() {
        let mut f = Fixture::healthy();
        f.incorporated = false;
        let report = f.evaluate();
        assert_row(
            &report,
            CheckName::RealCompany,
            Outcome::Fail,
            "not incorporated",
        );
        assert_recommends(&report, DecisionKind::Reject, 0);
        assert!(blocking(&report).is_empty());
    }

    // ---- ELIGIBLE_SEGMENT ---------------------------------------------------------------------------------------

    #[test]
    fn every_startup_stage_passes_eligible_segment() {
        for stage in [
            FundingStage::PreSeed,
            FundingStage::Seed,
            FundingStage::SeriesA,
            FundingStage::SeriesB,
            FundingStage::SeriesCPlus,
            FundingStage::Bootstrapped,
        ] {
            let mut f = Fixture::healthy();
            f.stage = stage;
            assert_row(
                &f.evaluate(),
                CheckName::EligibleSegment,
                Outcome::Pass,
                stage.as_str(),
            );
        }
    }

    #[test]
    fn enterprise_and_public_sector_fail_eligible_segment() {
        for stage in [FundingStage::Enterprise, FundingStage::PublicSector] {
            let mut f = Fixture::healthy();
            f.stage = stage;
            let report = f.evaluate();
            assert_row(
                &report,
                CheckName::EligibleSegment,
                Outcome::Fail,
                stage.as_str(),
            );
            assert_row(
                &report,
                CheckName::PlausibleSpend,
                Outcome::Warn,
                "No startup spend band",
            );
        }
    }

    // ---- ELIGIBLE_JURISDICTION ----------------------------------------------------------------------------------

    #[test]
    fn an_unsanctioned_country_passes_eligible_jurisdiction() {
        assert_row(
            &Fixture::healthy().evaluate(),
            CheckName::EligibleJurisdiction,
            Outcome::Pass,
            "GB",
        );
    }

    #[test]
    fn a_sanctioned_country_fails_eligible_jurisdiction() {
        assert_eq!(policy::SANCTIONED_COUNTRIES, ["CU", "IR", "KP", "SY"]);
        for country in ["CU", "IR", "KP", "SY"] {
            let mut f = Fixture::healthy();
            f.country = country.into();
            assert_row(
                &f.evaluate(),
                CheckName::EligibleJurisdiction,
                Outcome::Fail,
                country,
            );
        }
    }

    // ---- NOT_AWS_COMPETITOR -------------------------------------------------------------------------------------

    #[test]
    fn a_company_that_does_not_compete_passes_not_aws_competitor() {
        assert_row(
            &Fixture::healthy().evaluate(),
            CheckName::NotAwsCompetitor,
            Outcome::Pass,
            "does not compete",
        );
    }

    #[test]
    fn a_competitor_fails_not_aws_competitor() {
        let mut f = Fixture::healthy();
        f.competes_with_aws = true;
        assert_row(
            &f.evaluate(),
            CheckName::NotAwsCompetitor,
            Outcome::Fail,
            "competes with AWS",
        );
    }

    // ---- AWS_CONSUMING_WORKLOAD ---------------------------------------------------------------------------------

    #[test]
    fn compute_and_managed_services_pass_aws_consuming_workload() {
        assert_row(
            &Fixture::healthy().evaluate(),
            CheckName::AwsConsumingWorkload,
            Outcome::Pass,
            "Compute",
        );
        let with_static = Fixture::healthy()
            .projecting(&[(AwsService::S3, 1_000), (AwsService::Lambda, 500)])
            .evaluate();
        assert_row(
            &with_static,
            CheckName::AwsConsumingWorkload,
            Outcome::Pass,
            "Compute",
        );
    }

    #[test]
    fn a_thin_use_case_warns_on_aws_consuming_workload() {
        let mut f = Fixture::healthy();
        f.use_case = words(THIN_USE_CASE_WORDS - 1);
        assert_row(
            &f.evaluate(),
            CheckName::AwsConsumingWorkload,
            Outcome::Warn,
            &format!("{} words", THIN_USE_CASE_WORDS - 1),
        );
        f.use_case = words(THIN_USE_CASE_WORDS);
        assert_row(
            &f.evaluate(),
            CheckName::AwsConsumingWorkload,
            Outcome::Pass,
            "Compute",
        );
    }

    #[test]
    fn only_static_hosting_fails_aws_consuming_workload() {
        let report = Fixture::healthy()
            .projecting(&[(AwsService::S3, 3_000), (AwsService::Cloudfront, 1_000)])
            .evaluate();
        assert_row(
            &report,
            CheckName::AwsConsumingWorkload,
            Outcome::Fail,
            "S3/CloudFront",
        );
        assert_recommends(&report, DecisionKind::Reject, 0);
    }

    #[test]
    fn no_projected_consumption_fails_aws_consuming_workload() {
        let report = Fixture::healthy().projecting(&[]).evaluate();
        assert_row(
            &report,
            CheckName::AwsConsumingWorkload,
            Outcome::Fail,
            "No AWS consumption",
        );
        assert_recommends(&report, DecisionKind::Reject, 0);
    }

    // ---- PLAUSIBLE_SPEND ----------------------------------------------------------------------------------------

    fn seed_company_projecting(monthly: i64) -> Report {
        let mut f = Fixture::healthy().projecting(&[(AwsService::Eks, monthly)]);
        f.stage = FundingStage::Seed;
        f.evaluate()
    }

    #[test]
    fn a_projection_inside_the_stage_band_passes_plausible_spend() {
        assert_eq!(policy::spend_band(FundingStage::Seed), Some((500, 8_000)));
        let report = seed_company_projecting(8_000);
        assert_row(&report, CheckName::PlausibleSpend, Outcome::Pass, "$8,000");
        assert_row(&report, CheckName::PlausibleSpend, Outcome::Pass, "SEED");
        assert_recommends(&report, DecisionKind::Approve, 25_000);
        assert_row(
            &Fixture::healthy().evaluate(),
            CheckName::PlausibleSpend,
            Outcome::Pass,
            "$6,000",
        );
    }

    #[test]
    fn a_projection_above_the_band_top_warns_on_plausible_spend() {
        let report = seed_company_projecting(8_001);
        assert_row(&report, CheckName::PlausibleSpend, Outcome::Warn, "$8,001");
        assert_row(&report, CheckName::PlausibleSpend, Outcome::Warn, "padding");
        assert_row(
            &seed_company_projecting(16_000),
            CheckName::PlausibleSpend,
            Outcome::Warn,
            "$16,000",
        );
        // The projection is the sum of the lines.
        let mut f =
            Fixture::healthy().projecting(&[(AwsService::Eks, 4_000), (AwsService::Aurora, 4_001)]);
        f.stage = FundingStage::Seed;
        assert_row(
            &f.evaluate(),
            CheckName::PlausibleSpend,
            Outcome::Warn,
            "$8,001",
        );
    }

    #[test]
    fn a_projection_above_twice_the_band_top_fails_plausible_spend() {
        let report = seed_company_projecting(16_001);
        assert_row(&report, CheckName::PlausibleSpend, Outcome::Fail, "$16,001");
        assert_row(&report, CheckName::PlausibleSpend, Outcome::Fail, "$8,000");
    }

    #[test]
    fn a_projection_below_the_band_still_passes_plausible_spend() {
        // DESIGN.md §5 only speaks of "inside the band"; the code deliberately passes projections below it too.
        let mut f = Fixture::healthy().projecting(&[(AwsService::Lambda, 100)]);
        f.stage = FundingStage::SeriesB;
        assert_row(
            &f.evaluate(),
            CheckName::PlausibleSpend,
            Outcome::Pass,
            "$100",
        );
    }

    // ---- FUNDING_EVIDENCE ---------------------------------------------------------------------------------------

    #[test]
    fn funding_evidence_is_only_checked_for_activate_portfolio() {
        for source in [
            FundingSource::BuildForStartups,
            FundingSource::GenaiPoc,
            FundingSource::Migration,
        ] {
            let mut f = Fixture::healthy();
            f.source = source;
            assert_eq!(
                f.evaluate().outcome(CheckName::FundingEvidence),
                None,
                "{}",
                source.as_str()
            );
        }
        let mut f = Fixture::healthy();
        f.source = FundingSource::ActivatePortfolio;
        assert!(f.evaluate().outcome(CheckName::FundingEvidence).is_some());
    }

    #[test]
    fn a_live_attestation_from_a_portfolio_vc_passes_funding_evidence() {
        let mut f = Fixture::healthy().attested_by(VC, true);
        f.source = FundingSource::ActivatePortfolio;
        let report = f.evaluate();
        assert_row(&report, CheckName::FundingEvidence, Outcome::Pass, VC);
        assert_row(
            &report,
            CheckName::FundingEvidence,
            Outcome::Pass,
            "SERIES_A",
        );
    }

    #[test]
    fn a_funded_stage_without_a_portfolio_attestation_warns_on_funding_evidence() {
        let mut f = Fixture::healthy();
        f.source = FundingSource::ActivatePortfolio;
        f.stage = FundingStage::Seed;
        f.consumption = vec![(AwsService::Eks, 4_000)];
        let report = f.evaluate();
        assert_row(&report, CheckName::FundingEvidence, Outcome::Warn, "SEED");
        assert_recommends(&report, DecisionKind::Approve, 25_000);

        // An attestation from a firm without Portfolio access is no evidence.
        let mut f = Fixture::healthy().attested_by(OTHER_VC, false);
        f.source = FundingSource::ActivatePortfolio;
        assert_row(
            &f.evaluate(),
            CheckName::FundingEvidence,
            Outcome::Warn,
            "SERIES_A",
        );
    }

    #[test]
    fn pre_seed_or_bootstrapped_fails_funding_evidence_and_portfolio_is_rejected() {
        for stage in [FundingStage::PreSeed, FundingStage::Bootstrapped] {
            let mut f = Fixture::healthy().projecting(&[(AwsService::Lambda, 1_500)]);
            f.stage = stage;
            f.source = FundingSource::ActivatePortfolio;
            let report = f.evaluate();
            assert_row(
                &report,
                CheckName::FundingEvidence,
                Outcome::Fail,
                stage.as_str(),
            );
            assert_recommends(&report, DecisionKind::Reject, 0);
            // Reference case 4: Build for Startups remains possible.
            f.source = FundingSource::BuildForStartups;
            assert_recommends(&f.evaluate(), DecisionKind::Approve, 25_000);
        }
    }

    // ---- PARTNER_TRACK_RECORD -----------------------------------------------------------------------------------

    #[test]
    fn a_fast_track_partner_passes_partner_track_record() {
        let report = Fixture::healthy().evaluate();
        assert_row(
            &report,
            CheckName::PartnerTrackRecord,
            Outcome::Pass,
            "fast-track",
        );
        assert_row(
            &report,
            CheckName::PartnerTrackRecord,
            Outcome::Pass,
            PARTNER,
        );
        assert_row(&report, CheckName::PartnerTrackRecord, Outcome::Pass, "83%");
    }

    #[test]
    fn a_partner_with_a_normal_record_passes_partner_track_record() {
        let report = Fixture::healthy()
            .partner(PartnerTier::Advanced, 8, 5)
            .evaluate();
        assert_row(
            &report,
            CheckName::PartnerTrackRecord,
            Outcome::Pass,
            "normal",
        );
        assert_row(
            &report,
            CheckName::PartnerTrackRecord,
            Outcome::Pass,
            "8 decided",
        );
    }

    #[test]
    fn a_partner_with_a_thin_history_warns_on_partner_track_record() {
        let report = Fixture::healthy()
            .partner(PartnerTier::Advanced, 3, 3)
            .evaluate();
        assert_row(
            &report,
            CheckName::PartnerTrackRecord,
            Outcome::Warn,
            "3 decided",
        );
        assert_recommends(&report, DecisionKind::Approve, 25_000);
        assert_row(
            &Fixture::healthy()
                .partner(PartnerTier::Advanced, 0, 0)
                .evaluate(),
            CheckName::PartnerTrackRecord,
            Outcome::Warn,
            "0 decided",
        );
    }

    #[test]
    fn a_partner_with_a_low_close_rate_fails_partner_track_record_and_is_asked_to_clarify() {
        let report = Fixture::healthy()
            .partner(PartnerTier::Advanced, 20, 5)
            .evaluate();
        assert_row(
            &report,
            CheckName::PartnerTrackRecord,
            Outcome::Fail,
            "25% of 20 decided",
        );
        assert_recommends(&report, DecisionKind::RequestClarification, 25_000);
    }

    #[test]
    fn a_tier_1_vc_filer_passes_partner_track_record() {
        let report = Fixture::healthy()
            .filed_by_vc(true, VcReputation::Tier1, true)
            .evaluate();
        assert_row(&report, CheckName::PartnerTrackRecord, Outcome::Pass, VC);
        assert_row(
            &report,
            CheckName::PartnerTrackRecord,
            Outcome::Pass,
            "TIER_1",
        );
    }

    #[test]
    fn an_emerging_vc_filer_warns_on_partner_track_record() {
        let report = Fixture::healthy()
            .filed_by_vc(true, VcReputation::Emerging, true)
            .evaluate();
        assert_row(&report, CheckName::PartnerTrackRecord, Outcome::Warn, VC);
        assert_row(
            &report,
            CheckName::PartnerTrackRecord,
            Outcome::Warn,
            "emerging",
        );
    }

    // ---- SPEND_HISTORY ------------------------------------------------------------------------------------------

    #[test]
    fn twelve_months_on_aws_passes_spend_history() {
        let mut f = Fixture::healthy();
        f.months_on_aws = 12;
        assert_row(
            &f.evaluate(),
            CheckName::SpendHistory,
            Outcome::Pass,
            "12 months",
        );
    }

    #[test]
    fn less_than_twelve_months_on_aws_warns_on_spend_history() {
        let mut f = Fixture::healthy();
        f.months_on_aws = 11;
        let report = f.evaluate();
        assert_row(&report, CheckName::SpendHistory, Outcome::Warn, "11 months");
        assert_recommends(&report, DecisionKind::Approve, 25_000);
        f.months_on_aws = 0;
        assert_row(
            &f.evaluate(),
            CheckName::SpendHistory,
            Outcome::Warn,
            "0 months",
        );
    }

    // ---- FILER_RIGHTS -------------------------------------------------------------------------------------------

    #[test]
    fn a_select_partner_may_not_file_portfolio_or_migration() {
        for source in [FundingSource::ActivatePortfolio, FundingSource::Migration] {
            let mut f = Fixture::healthy().partner(PartnerTier::Select, 12, 10);
            f.source = source;
            let report = f.evaluate();
            assert_row(&report, CheckName::FilerRights, Outcome::Fail, "SELECT");
            assert_row(
                &report,
                CheckName::FilerRights,
                Outcome::Fail,
                source.as_str(),
            );
        }
    }

    #[test]
    fn a_select_partner_may_file_build_for_startups() {
        let report = Fixture::healthy()
            .partner(PartnerTier::Select, 12, 10)
            .evaluate();
        assert_row(&report, CheckName::FilerRights, Outcome::Pass, "SELECT");
        assert_row(
            &report,
            CheckName::FilerRights,
            Outcome::Pass,
            "BUILD_FOR_STARTUPS",
        );
        assert_recommends(&report, DecisionKind::Approve, 25_000);
    }

    #[test]
    fn advanced_and_premier_partners_may_file_every_source() {
        for tier in [PartnerTier::Advanced, PartnerTier::Premier] {
            for source in [
                FundingSource::ActivatePortfolio,
                FundingSource::BuildForStartups,
                FundingSource::GenaiPoc,
                FundingSource::Migration,
            ] {
                let mut f = Fixture::healthy().partner(tier, 12, 10);
                f.source = source;
                assert_row(
                    &f.evaluate(),
                    CheckName::FilerRights,
                    Outcome::Pass,
                    source.as_str(),
                );
            }
        }
    }

    #[test]
    fn a_vc_with_portfolio_access_that_attested_the_company_may_file_portfolio() {
        let report = Fixture::healthy()
            .filed_by_vc(true, VcReputation::Tier1, true)
            .evaluate();
        assert_row(&report, CheckName::FilerRights, Outcome::Pass, VC);
        assert_recommends(&report, DecisionKind::Approve, 25_000);
    }

    #[test]
    fn a_vc_without_portfolio_access_fails_filer_rights() {
        let report = Fixture::healthy()
            .filed_by_vc(false, VcReputation::Tier1, true)
            .evaluate();
        assert_row(&report, CheckName::FilerRights, Outcome::Fail, VC);
        assert_row(
            &report,
            CheckName::FilerRights,
            Outcome::Fail,
            "no Portfolio Sub-Program access",
        );
    }

    #[test]
    fn a_vc_that_did_not_attest_the_company_fails_filer_rights() {
        let report = Fixture::healthy()
            .attested_by(OTHER_VC, true)
            .filed_by_vc(true, VcReputation::Tier1, false)
            .evaluate();
        assert_row(&report, CheckName::FilerRights, Outcome::Fail, VC);
        assert_row(
            &report,
            CheckName::FilerRights,
            Outcome::Fail,
            "not attested",
        );
    }

    #[test]
    fn a_vc_filing_outside_the_portfolio_program_fails_filer_rights() {
        let mut f = Fixture::healthy().filed_by_vc(true, VcReputation::Tier1, true);
        f.source = FundingSource::BuildForStartups;
        assert_row(
            &f.evaluate(),
            CheckName::FilerRights,
            Outcome::Fail,
            "ACTIVATE_PORTFOLIO",
        );
    }

    // ---- DISTINCT_WORKLOAD --------------------------------------------------------------------------------------

    #[test]
    fn a_genuinely_different_workload_passes_distinct_workload() {
        assert!(
            similarity::jaccard(USE_CASE, OTHER_USE_CASE) < policy::DUPLICATE_USE_CASE_SIMILARITY
        );
        let report = Fixture::healthy()
            .with_other(
                "OPP-1",
                OpportunityStatus::Approved,
                "support agent",
                OTHER_USE_CASE,
            )
            .evaluate();
        assert_row(
            &report,
            CheckName::DistinctWorkload,
            Outcome::Pass,
            "No other",
        );
        assert_eq!(report.duplicate_of, None);
        assert_recommends(&report, DecisionKind::Approve, 25_000);
    }

    #[test]
    fn an_equal_workload_key_fails_distinct_workload() {
        let report = Fixture::healthy()
            .with_other(
                "OPP-7",
                OpportunityStatus::Approved,
                "retail analytics platform",
                OTHER_USE_CASE,
            )
            .evaluate();
        assert_row(&report, CheckName::DistinctWorkload, Outcome::Fail, "OPP-7");
        assert_row(
            &report,
            CheckName::DistinctWorkload,
            Outcome::Fail,
            "APPROVED",
        );
        let duplicate = report.duplicate_of.as_ref().expect("a duplicate");
        assert_eq!(duplicate.reference, "OPP-7");
        assert_eq!(duplicate.status, OpportunityStatus::Approved);
        assert!(duplicate.voids_award());
    }

    #[test]
    fn a_near_duplicate_use_case_fails_distinct_workload() {
        let score = similarity::jaccard(USE_CASE, REWORDED_USE_CASE);
        assert!(score >= policy::DUPLICATE_USE_CASE_SIMILARITY, "{score}");
        let report = Fixture::healthy()
            .with_other(
                "OPP-3",
                OpportunityStatus::InReview,
                "insights dashboards",
                REWORDED_USE_CASE,
            )
            .evaluate();
        assert_row(&report, CheckName::DistinctWorkload, Outcome::Fail, "OPP-3");
        assert_row(
            &report,
            CheckName::DistinctWorkload,
            Outcome::Fail,
            "IN_REVIEW",
        );
        assert_eq!(
            report.duplicate_of.as_ref().map(|d| d.reference.as_str()),
            Some("OPP-3")
        );
    }

    #[test]
    fn a_use_case_similarity_of_exactly_the_threshold_is_a_duplicate_and_just_below_is_not() {
        // Four word trigrams each, three shared: 3 / 5 = 0.6.
        let (mine, at, below) = ("a b c d e f", "a b c d e g", "a b c d x y");
        assert_eq!(
            similarity::jaccard(mine, at),
            policy::DUPLICATE_USE_CASE_SIMILARITY
        );
        assert!(similarity::jaccard(mine, below) < policy::DUPLICATE_USE_CASE_SIMILARITY);
        let mut f =
            Fixture::healthy().with_other("OPP-2", OpportunityStatus::Submitted, "other", at);
        f.use_case = mine.into();
        assert_row(
            &f.evaluate(),
            CheckName::DistinctWorkload,
            Outcome::Fail,
            "OPP-2",
        );
        f.others[0].use_case = below.into();
        assert_row(
            &f.evaluate(),
            CheckName::DistinctWorkload,
            Outcome::Pass,
            "No other",
        );
    }

    #[test]
    fn only_an_approved_or_issued_duplicate_voids_the_award() {
        for (status, voids) in [
            (OpportunityStatus::Submitted, false),
            (OpportunityStatus::InReview, false),
            (OpportunityStatus::ActionRequired, false),
            (OpportunityStatus::Approved, true),
            (OpportunityStatus::CreditsIssued, true),
        ] {
            let report = Fixture::healthy()
                .with_other("OPP-9", status, "retail analytics platform", USE_CASE)
                .evaluate();
            let duplicate = report.duplicate_of.as_ref().expect("a duplicate");
            assert_eq!(duplicate.status, status);
            assert_eq!(duplicate.voids_award(), voids, "{}", status.as_str());
        }
    }

    #[test]
    fn a_duplicate_of_an_approved_record_voids_the_award_even_when_a_live_duplicate_comes_first() {
        let report = Fixture::healthy()
            .with_other(
                "OPP-1",
                OpportunityStatus::Submitted,
                "retail analytics platform",
                USE_CASE,
            )
            .with_other(
                "OPP-2",
                OpportunityStatus::Approved,
                "retail analytics platform",
                USE_CASE,
            )
            .evaluate();
        let duplicate = report.duplicate_of.as_ref().expect("a duplicate");
        assert!(
            duplicate.voids_award(),
            "the record repeats the approved OPP-2, yet duplicate_of is {duplicate:?}"
        );
    }

    // ---- MARKETPLACE_SHARE --------------------------------------------------------------------------------------

    #[test]
    fn under_half_of_spend_through_marketplace_passes_marketplace_share() {
        let mut f = Fixture::healthy();
        f.marketplace_share = 0.49;
        assert_row(
            &f.evaluate(),
            CheckName::MarketplaceShare,
            Outcome::Pass,
            "49%",
        );
    }

    #[test]
    fn half_or_more_of_spend_through_marketplace_warns_on_marketplace_share() {
        let mut f = Fixture::healthy();
        f.marketplace_share = 0.5;
        let report = f.evaluate();
        assert_row(&report, CheckName::MarketplaceShare, Outcome::Warn, "50%");
        // The WARN informs the reviewer; it does not reduce the recommendation.
        assert_recommends(&report, DecisionKind::Approve, 25_000);
    }

    // ---- the recommendation -------------------------------------------------------------------------------------

    #[test]
    fn a_blocking_failure_rejects_with_nothing_and_is_named() {
        type BreakIt = fn(&mut Fixture);
        let cases: [(CheckName, BreakIt); 4] = [
            (CheckName::EligibleJurisdiction, |f| f.country = "KP".into()),
            (CheckName::NotAwsCompetitor, |f| f.competes_with_aws = true),
            (CheckName::EligibleSegment, |f| {
                f.stage = FundingStage::Enterprise
            }),
            (CheckName::FilerRights, |f| {
                f.source = FundingSource::ActivatePortfolio;
                f.filer = Fixture::healthy()
                    .partner(PartnerTier::Select, 12, 10)
                    .filer;
            }),
        ];
        for (check, break_it) in cases {
            assert!(check.blocks_submission());
            let mut f = Fixture::healthy();
            break_it(&mut f);
            let report = f.evaluate();
            assert_recommends(&report, DecisionKind::Reject, 0);
            assert_eq!(blocking(&report), [check], "{}", check.as_str());
        }
    }

    #[test]
    fn several_blocking_failures_are_all_named() {
        let mut f = Fixture::healthy().partner(PartnerTier::Select, 12, 10);
        f.country = "SY".into();
        f.competes_with_aws = true;
        f.stage = FundingStage::PublicSector;
        f.source = FundingSource::Migration;
        let report = f.evaluate();
        assert_recommends(&report, DecisionKind::Reject, 0);
        assert_eq!(
            blocking(&report),
            [
                CheckName::EligibleSegment,
                CheckName::EligibleJurisdiction,
                CheckName::NotAwsCompetitor,
                CheckName::FilerRights,
            ]
        );
    }

    #[test]
    fn padding_far_above_the_band_recommends_a_reduced_award() {
        // Reference case 3: a (10-engineer) SEED company projects $200K/month on a $25K Build for Startups request.
        let mut f = Fixture::healthy()
            .projecting(&[(AwsService::Eks, 150_000), (AwsService::Aurora, 50_000)]);
        f.stage = FundingStage::Seed;
        let report = f.evaluate();
        assert_row(
            &report,
            CheckName::PlausibleSpend,
            Outcome::Fail,
            "$200,000",
        );
        // 25,000 × 8,000 / 200,000 = 1,000, in whole thousands.
        assert_recommends(&report, DecisionKind::ApproveReduced, 1_000);
        assert!(report.recommended_amount_usd < 25_000);
        assert!(blocking(&report).is_empty());
    }

    #[test]
    fn padding_just_above_the_band_reduces_the_award_in_proportion() {
        let mut f = Fixture::healthy().projecting(&[(AwsService::Eks, 12_000)]);
        f.stage = FundingStage::Seed;
        let report = f.evaluate();
        assert_row(&report, CheckName::PlausibleSpend, Outcome::Warn, "$12,000");
        // 25,000 × 8,000 / 12,000 = 16,666 → 16,000.
        assert_recommends(&report, DecisionKind::ApproveReduced, 16_000);
    }

    #[test]
    fn a_padded_portfolio_award_never_drops_below_the_portfolio_minimum() {
        let mut f = Fixture::healthy()
            .projecting(&[(AwsService::Eks, 200_000)])
            .attested_by(VC, true);
        f.stage = FundingStage::Seed;
        f.source = FundingSource::ActivatePortfolio;
        f.requested = 100_000;
        let report = f.evaluate();
        assert_row(
            &report,
            CheckName::PlausibleSpend,
            Outcome::Fail,
            "$200,000",
        );
        // 100,000 × 8,000 / 200,000 = 4,000, raised to the 25,000 minimum.
        assert_recommends(&report, DecisionKind::ApproveReduced, 25_000);
        assert_eq!(
            policy::funding(FundingSource::ActivatePortfolio).min_amount_usd,
            25_000
        );

        f.consumption = vec![(AwsService::Eks, 10_000)];
        // Mild padding: 100,000 × 8,000 / 10,000 = 80,000.
        assert_recommends(&f.evaluate(), DecisionKind::ApproveReduced, 80_000);
    }

    #[test]
    fn a_small_padded_request_is_scaled_without_rounding_it_away() {
        // 900 × 8,000 / 12,000 = 600: under a thousand, so not rounded down to whole thousands (which would be $0).
        let mut f = Fixture::healthy().projecting(&[(AwsService::Eks, 12_000)]);
        f.stage = FundingStage::Seed;
        f.requested = 900;
        assert_recommends(&f.evaluate(), DecisionKind::ApproveReduced, 600);
    }

    #[test]
    fn the_credit_cap_reduces_the_award_to_the_remaining_room() {
        assert_eq!(policy::CUSTOMER_CREDIT_CAP_USD, 150_000);
        let mut f = Fixture::healthy();
        f.committed_usd = 140_000;
        let report = f.evaluate();
        assert_recommends(&report, DecisionKind::ApproveReduced, 10_000);
        assert!(report.recommended_amount_usd <= 10_000);
        f.committed_usd = 125_000;
        assert_recommends(&f.evaluate(), DecisionKind::Approve, 25_000);
    }

    #[test]
    fn the_credit_cap_also_bounds_a_padded_portfolio_award_below_its_minimum() {
        let mut f = Fixture::healthy()
            .projecting(&[(AwsService::Eks, 200_000)])
            .attested_by(VC, true);
        f.stage = FundingStage::Seed;
        f.source = FundingSource::ActivatePortfolio;
        f.requested = 100_000;
        f.committed_usd = 140_000;
        assert_recommends(&f.evaluate(), DecisionKind::ApproveReduced, 10_000);
    }

    #[test]
    fn a_customer_at_the_credit_cap_is_recommended_a_rejection() {
        // An approval could only award $0, which APPROVE_REDUCED refuses: recommend the rejection instead.
        let mut f = Fixture::healthy();
        f.committed_usd = 150_000;
        assert_recommends(&f.evaluate(), DecisionKind::Reject, 0);
        f.committed_usd = 160_000;
        assert_recommends(&f.evaluate(), DecisionKind::Reject, 0);
    }

    #[test]
    fn a_thin_use_case_asks_for_clarification() {
        let mut f = Fixture::healthy();
        f.use_case = "An analytics platform on EKS.".into();
        let report = f.evaluate();
        assert_recommends(&report, DecisionKind::RequestClarification, 25_000);
        // Clarification comes before any reduction for padding.
        f.stage = FundingStage::Seed;
        f.consumption = vec![(AwsService::Eks, 12_000)];
        assert_recommends(&f.evaluate(), DecisionKind::RequestClarification, 25_000);
    }

    #[test]
    fn a_duplicate_workload_rejects_with_nothing() {
        for status in [OpportunityStatus::Submitted, OpportunityStatus::Approved] {
            let report = Fixture::healthy()
                .with_other("OPP-4", status, "retail analytics platform", OTHER_USE_CASE)
                .evaluate();
            assert_recommends(&report, DecisionKind::Reject, 0);
            assert!(
                blocking(&report).is_empty(),
                "a duplicate does not block submission"
            );
        }
    }

    #[test]
    fn award_for_caps_the_request_at_the_source_maximum() {
        assert_eq!(award_for(FundingSource::BuildForStartups, 25_000), 25_000);
        assert_eq!(award_for(FundingSource::BuildForStartups, 30_000), 25_000);
        assert_eq!(award_for(FundingSource::GenaiPoc, 40_000), 25_000);
        assert_eq!(
            award_for(FundingSource::ActivatePortfolio, 250_000),
            100_000
        );
        assert_eq!(award_for(FundingSource::ActivatePortfolio, 60_000), 60_000);
        assert_eq!(award_for(FundingSource::Migration, 80_000), 80_000);
        assert_eq!(award_for(FundingSource::Migration, 100_001), 100_000);
        assert_eq!(award_for(FundingSource::BuildForStartups, -5), 0);
    }

    #[test]
    fn a_padded_request_below_the_source_minimum_does_not_panic() {
        let mut f = Fixture::healthy()
            .projecting(&[(AwsService::Eks, 12_000)])
            .attested_by(VC, true);
        f.stage = FundingStage::Seed;
        f.source = FundingSource::ActivatePortfolio;
        f.requested = 10_000;
        let report = f.evaluate();
        assert!(report.recommended_amount_usd <= 10_000);
    }
}
