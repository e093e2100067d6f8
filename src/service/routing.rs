//! Partner routing (DESIGN.md §1, step 2): ranking partner firms for a company by how well they fit its region, the
//! AWS services it needs and the funding source it needs, with the reasons in words.
//!
//! A partner whose tier may not file the funding source (`policy::funding(source).partner_tiers`: a SELECT firm for
//! ACTIVATE_PORTFOLIO or MIGRATION) is never returned: it could not file the record. The others are scored in
//! [0, 1] from the weights in `policy` (`MATCH_*`): region, share of the needed specialties
//! (`policy::needed_specialties`), close rate on the funding source over the track-record window, and a bonus or
//! penalty for the firm's scrutiny. Ties are broken by name, so the order is deterministic.
//!
//! The partner directory is public to signed-in users, but a firm's track record is not (only its own users and
//! AWS staff read it): those viewers get the exact close rate in the score and the reasons; others get only its
//! band (strong, moderate, weak), scored at the band's middle (`policy::MATCH_BANDED_CLOSE_RATE_*`), and a score
//! rounded to two decimals, so that no figure can be worked back. The ranking each viewer gets follows the scores it
//! is shown, so the order reveals no more than they do. Internal routing (`best_match`) uses the exact rates.

use entity::{
    enums::{AwsService, FundingSource, FundingStage},
    partner,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{Caller, partners, track_record};
use crate::{
    auth::Principal,
    domain::{
        track_record::{Scrutiny, TrackRecord},
        values::Invalid,
    },
    error::{AppError, AppResult},
    policy,
};

/// What a company needs, as the client sent it.
#[derive(Clone, Debug)]
pub struct MatchRequest {
    pub region: String,
    pub funding_source: FundingSource,
    pub funding_stage: FundingStage,
    pub services: Vec<AwsService>,
}

/// One ranked partner firm.
#[derive(Clone, Debug)]
pub struct PartnerMatch {
    pub partner: partner::Model,
    /// In [0, 1], rounded to four decimals (two, with a banded close rate, for viewers who may not see it).
    pub score: f64,
    /// One sentence per part of the score, in the order tier, region, specialty, close rate, scrutiny.
    pub reasons: Vec<String>,
}

/// A request whose every part parsed.
#[derive(Clone, Debug)]
pub struct Need {
    pub region: String,
    pub funding_source: FundingSource,
    pub services: Vec<AwsService>,
    /// `policy::needed_specialties` of the source and services.
    pub specialties: Vec<&'static str>,
}

fn invalid(code: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        code,
        message: message.into(),
    }
}

/// One of `policy::REGIONS`, case-insensitively; returned upper-case.
pub fn parse_region(raw: &str) -> Result<String, Invalid> {
    let region = raw.trim().to_uppercase();
    if policy::REGIONS.contains(&region.as_str()) {
        Ok(region)
    } else {
        Err(invalid(
            "INVALID_REGION",
            format!("the region must be one of {}", policy::REGIONS.join(", ")),
        ))
    }
}

/// At least one service; duplicates dropped, first-mention order kept.
pub fn parse_services(raw: &[AwsService]) -> Result<Vec<AwsService>, Invalid> {
    let mut services = Vec::with_capacity(raw.len());
    for &service in raw {
        if !services.contains(&service) {
            services.push(service);
        }
    }
    if services.is_empty() {
        return Err(invalid(
            "SERVICES_REQUIRED",
            "name at least one AWS service the company needs",
        ));
    }
    Ok(services)
}

/// Enterprises and the public sector use private pricing, not Activate credits (ELIGIBLE_SEGMENT, DESIGN.md §5):
/// there is no partner to route them to.
pub fn parse_stage(stage: FundingStage) -> Result<FundingStage, Invalid> {
    if policy::spend_band(stage).is_some() {
        Ok(stage)
    } else {
        Err(invalid(
            "INELIGIBLE_SEGMENT",
            "enterprises and the public sector use private pricing, not Activate credits",
        ))
    }
}

impl Need {
    pub fn new(region: String, funding_source: FundingSource, services: Vec<AwsService>) -> Self {
        let specialties = policy::needed_specialties(funding_source, &services);
        Self {
            region,
            funding_source,
            services,
            specialties,
        }
    }
}

/// `partnerMatches`: the best `first` partner firms for the request (default `policy::DEFAULT_PARTNER_MATCHES`, at
/// most `policy::MAX_PAGE_SIZE`), best first. Any signed-in caller. An invalid request is `BAD_USER_INPUT` naming
/// the field.
pub async fn partner_matches(
    caller: &Caller,
    request: MatchRequest,
    first: Option<i32>,
) -> AppResult<Vec<PartnerMatch>> {
    let limit = match first {
        None => policy::DEFAULT_PARTNER_MATCHES,
        Some(n) if (1..=policy::MAX_PAGE_SIZE as i32).contains(&n) => n as u64,
        Some(_) => {
            return Err(AppError::BadUserInput(format!(
                "`first` must be between 1 and {}",
                policy::MAX_PAGE_SIZE
            )));
        }
    };
    let bad = |field: &str, invalid: Invalid| {
        AppError::BadUserInput(format!("`input.{field}`: {}", invalid.message))
    };
    let region = parse_region(&request.region).map_err(|e| bad("region", e))?;
    parse_stage(request.funding_stage).map_err(|e| bad("fundingStage", e))?;
    let services = parse_services(&request.services).map_err(|e| bad("services", e))?;
    let need = Need::new(region, request.funding_source, services);
    rank(&caller.db, &need, limit, Some(&caller.principal)).await
}

/// Ranks every partner firm whose tier may file `need.funding_source` and returns the best `limit`. The score and
/// reasons use exact track-record figures only for a `viewer` who may read that firm's track record, or for no
/// viewer at all (internal routing, whose scores nobody sees).
pub async fn rank(
    db: &impl ConnectionTrait,
    need: &Need,
    limit: u64,
    viewer: Option<&Principal>,
) -> AppResult<Vec<PartnerMatch>> {
    let tiers = policy::funding(need.funding_source).partner_tiers;
    let firms = partner::Entity::find()
        .filter(partner::Column::Tier.is_in(tiers.iter().copied()))
        .order_by_asc(partner::Column::Name)
        .all(db)
        .await?;
    let ids: Vec<i64> = firms.iter().map(|firm| firm.id).collect();
    let regions = partners::regions(db, &ids).await?;
    let specialties = partners::specialties(db, &ids).await?;
    let now = crate::time::now();
    let overall = track_record::track_records(db, &ids, now).await?;
    let on_source =
        track_record::track_records_for(db, &ids, now, Some(need.funding_source)).await?;

    let empty = Vec::new();
    let mut matches: Vec<PartnerMatch> = firms
        .into_iter()
        .map(|firm| {
            let id = firm.id;
            let profile = Profile {
                regions: regions.get(&id).unwrap_or(&empty),
                specialties: specialties.get(&id).unwrap_or(&empty),
                overall: overall.get(&id).copied().unwrap_or_default(),
                on_source: on_source.get(&id).copied().unwrap_or_default(),
                exact: viewer.is_none_or(|v| track_record::may_see(v, id)),
            };
            let (score, reasons) = score(&firm, &profile, need);
            PartnerMatch {
                partner: firm,
                score,
                reasons,
            }
        })
        .collect();
    matches.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.partner.name.cmp(&b.partner.name))
    });
    matches.truncate(limit as usize);
    Ok(matches)
}

/// What scoring one firm looks at.
struct Profile<'a> {
    regions: &'a [String],
    specialties: &'a [String],
    /// Over all funding sources: decides the scrutiny.
    overall: TrackRecord,
    /// On the requested funding source: the close rate that counts.
    on_source: TrackRecord,
    /// Whether the viewer may see the exact figures.
    exact: bool,
}

fn signed(value: f64) -> String {
    format!("{}{:.2}", if value < 0.0 { "−" } else { "+" }, value.abs())
}

/// The score of one firm for a need, and the reasons.
fn score(firm: &partner::Model, profile: &Profile<'_>, need: &Need) -> (f64, Vec<String>) {
    let source = need.funding_source.as_str();
    let mut reasons = vec![format!(
        "{} tier may file {source} records",
        firm.tier.as_str()
    )];

    let region = if profile.regions.contains(&need.region) {
        reasons.push(format!(
            "works in {} ({})",
            need.region,
            signed(policy::MATCH_WEIGHT_REGION)
        ));
        policy::MATCH_WEIGHT_REGION
    } else {
        reasons.push(format!(
            "does not work in {} (works in {})",
            need.region,
            if profile.regions.is_empty() {
                "no listed region".to_owned()
            } else {
                profile.regions.join(", ")
            }
        ));
        0.0
    };

    let specialty = if need.specialties.is_empty() {
        reasons.push("the services call for no particular specialty".to_owned());
        0.0
    } else {
        let (have, lack): (Vec<&str>, Vec<&str>) = need
            .specialties
            .iter()
            .partition(|needed| profile.specialties.iter().any(|s| s == *needed));
        let share = have.len() as f64 / need.specialties.len() as f64;
        let points = policy::MATCH_WEIGHT_SPECIALTY * share;
        reasons.push(match (have.is_empty(), lack.is_empty()) {
            (false, true) => format!(
                "specialty {} covers the services ({})",
                have.join(", "),
                signed(points)
            ),
            (false, false) => format!(
                "specialty {} covers {} of {} needed; lacks {} ({})",
                have.join(", "),
                have.len(),
                need.specialties.len(),
                lack.join(", "),
                signed(points)
            ),
            _ => format!("has none of the specialties needed ({})", lack.join(", ")),
        });
        points
    };

    let window = policy::TRACK_RECORD_MONTHS;
    let close_rate = match profile.on_source.close_rate() {
        None => {
            reasons.push(format!(
                "no decided {source} records in the last {window} months"
            ));
            policy::MATCH_CLOSE_RATE_WITHOUT_HISTORY
        }
        Some(rate) if profile.exact => {
            reasons.push(format!(
                "close rate {rate:.2} on {source} over the last {window} months ({} of {} decided approved) ({})",
                profile.on_source.approved,
                profile.on_source.decided,
                signed(policy::MATCH_WEIGHT_CLOSE_RATE * rate)
            ));
            rate
        }
        Some(rate) => {
            let (band, banded) = if rate >= policy::MATCH_STRONG_CLOSE_RATE {
                ("strong", policy::MATCH_BANDED_CLOSE_RATE_STRONG)
            } else if rate >= policy::MATCH_WEAK_CLOSE_RATE {
                ("moderate", policy::MATCH_BANDED_CLOSE_RATE_MODERATE)
            } else {
                ("weak", policy::MATCH_BANDED_CLOSE_RATE_WEAK)
            };
            reasons.push(format!(
                "{band} close rate on {source} over the last {window} months ({})",
                signed(policy::MATCH_WEIGHT_CLOSE_RATE * banded)
            ));
            banded
        }
    };

    let scrutiny = match profile.overall.scrutiny() {
        Scrutiny::FastTrack => {
            reasons.push(format!(
                "FAST_TRACK partner ({})",
                signed(policy::MATCH_FAST_TRACK_BONUS)
            ));
            policy::MATCH_FAST_TRACK_BONUS
        }
        Scrutiny::Normal => {
            reasons.push("NORMAL scrutiny".to_owned());
            0.0
        }
        Scrutiny::ExtraScrutiny => {
            reasons.push(format!(
                "EXTRA_SCRUTINY partner: thin or weak track record ({})",
                signed(-policy::MATCH_EXTRA_SCRUTINY_PENALTY)
            ));
            -policy::MATCH_EXTRA_SCRUTINY_PENALTY
        }
    };

    let total = region + specialty + policy::MATCH_WEIGHT_CLOSE_RATE * close_rate + scrutiny;
    let decimals = if profile.exact {
        4
    } else {
        policy::MATCH_BANDED_SCORE_DECIMALS
    };
    let scale = 10f64.powi(decimals);
    let score = (total.clamp(0.0, 1.0) * scale).round() / scale;
    (score, reasons)
}

/// The best partner for an inquiry, or `None` when no firm may file its funding source.
pub async fn best_match(
    db: &impl ConnectionTrait,
    need: &Need,
) -> AppResult<Option<partner::Model>> {
    Ok(rank(db, need, 1, None)
        .await?
        .into_iter()
        .next()
        .map(|found| found.partner))
}
