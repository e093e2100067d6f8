//! The reviewer's side: starting a review, deciding, and issuing credits from approved records.

use entity::{
    clarification_message, credit_grant, customer,
    enums::{DecisionKind, OpportunityStatus},
    opportunity, review_decision,
};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

use super::{
    Caller, audit, begin_write, customers, eligibility, idempotency, opportunities,
    workflow::{advance, announce, load_for, move_only, snapshot},
};
use crate::{
    domain::{
        eligibility::{CheckName, award_for},
        lifecycle::Action,
        values::{self, UsdAmount},
    },
    error::{AppError, AppResult},
    policy,
};

/// Takes a SUBMITTED record into review.
pub async fn start_review(
    caller: &Caller,
    id: i64,
    expected_version: i32,
) -> AppResult<opportunity::Model> {
    move_only(
        caller,
        id,
        expected_version,
        Action::StartReview,
        "opportunity.start_review",
    )
    .await
}

pub struct Decision {
    pub kind: DecisionKind,
    pub amount_usd: Option<i64>,
    pub reasons: Vec<CheckName>,
    pub comment: Option<String>,
}

fn usd(amount: i64) -> String {
    UsdAmount::parse(amount.max(0))
        .map(|a| a.to_string())
        .unwrap_or_default()
}

/// Decides an IN_REVIEW record. Approvals award the requested (or reduced) amount, but a duplicate of an approved
/// workload awards $0 and the customer's credit cap trims the rest; the decision's comment says why.
pub async fn decide(
    caller: &Caller,
    id: i64,
    expected_version: i32,
    decision: Decision,
) -> AppResult<opportunity::Model> {
    let record = load_for(
        caller,
        id,
        Action::Decide(decision.kind),
        Some(expected_version),
    )
    .await?;
    let comment =
        match decision
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(text) => Some(values::text(text, policy::MAX_USE_CASE_CHARS).map_err(
                |invalid| AppError::invalid(&["input", "comment"], invalid.code, invalid.message),
            )?),
            None => None,
        };
    let now = crate::time::now();
    let mut notes: Vec<String> = Vec::new();
    let mut reasons = decision.reasons.clone();

    // The award depends on the customer's other records and grants: read them inside the transaction, with the
    // customer locked on PostgreSQL (SQLite writers are serialized already), so that two approvals for one
    // customer cannot both spend the same room under the cap.
    let tx = begin_write(&caller.db).await?;
    let customer = customers::row(&tx.txn, record.customer_id, customers::Lock::Exclusive).await?;
    let (to, awarded) = match decision.kind {
        DecisionKind::Approve | DecisionKind::ApproveReduced => {
            let full = award_for(record.funding_source, record.requested_amount_usd);
            let mut amount = match (decision.kind, decision.amount_usd) {
                (DecisionKind::Approve, None) => full,
                (DecisionKind::Approve, Some(a)) if a == full => full,
                (DecisionKind::Approve, Some(_)) => {
                    return Err(AppError::invalid(
                        &["input", "amountUsd"],
                        "USE_APPROVE_REDUCED",
                        "APPROVE awards the requested amount; use APPROVE_REDUCED for another amount",
                    ));
                }
                (_, None) => {
                    return Err(AppError::invalid(
                        &["input", "amountUsd"],
                        "AMOUNT_REQUIRED",
                        "APPROVE_REDUCED needs the reduced amount",
                    ));
                }
                // A reduced award stays inside the funding source's range (a Portfolio award is at least $25,000).
                (_, Some(a))
                    if a < policy::funding(record.funding_source).min_amount_usd.max(1)
                        || a >= full =>
                {
                    return Err(AppError::invalid(
                        &["input", "amountUsd"],
                        "AMOUNT_OUT_OF_RANGE",
                        format!(
                            "a reduced {} award is at least {} and less than the requested {}",
                            record.funding_source.as_str(),
                            usd(policy::funding(record.funding_source).min_amount_usd.max(1)),
                            usd(full)
                        ),
                    ));
                }
                (_, Some(a)) => a,
            };
            let lines = eligibility::consumption_of(&tx.txn, record.id).await?;
            let report = eligibility::evaluate(
                &tx.txn,
                eligibility::Candidate {
                    record: &record,
                    consumption: &lines,
                    audience: eligibility::Audience::Reviewer,
                },
                now,
            )
            .await?;
            if let Some(duplicate) = report.duplicate_of.as_ref().filter(|d| d.voids_award()) {
                amount = 0;
                notes.push(format!("Awarded $0: the workload duplicates {}, and stacking needs distinct workloads.", duplicate.describe()));
                if !reasons.contains(&CheckName::DistinctWorkload) {
                    reasons.push(CheckName::DistinctWorkload);
                }
            }
            let room = (policy::CUSTOMER_CREDIT_CAP_USD
                - eligibility::committed_usd(&tx.txn, &customer, record.id, now).await?)
                .max(0);
            if amount > room {
                notes.push(format!(
                    "Award trimmed from {} to {}: the customer's credits on this path are capped at {}.",
                    usd(amount),
                    usd(room),
                    usd(policy::CUSTOMER_CREDIT_CAP_USD)
                ));
                amount = room;
            }
            (OpportunityStatus::Approved, Some(amount))
        }
        DecisionKind::Reject => {
            if reasons.is_empty() {
                return Err(AppError::invalid(
                    &["input", "reasons"],
                    "REASONS_REQUIRED",
                    "a rejection names the checks it rests on",
                ));
            }
            (OpportunityStatus::Rejected, None)
        }
        DecisionKind::RequestClarification => {
            if comment.is_none() {
                return Err(AppError::invalid(
                    &["input", "comment"],
                    "QUESTION_REQUIRED",
                    "a clarification request needs the question in `comment`",
                ));
            }
            (OpportunityStatus::ActionRequired, None)
        }
    };

    let full_comment = comment
        .iter()
        .cloned()
        .chain(notes)
        .collect::<Vec<_>>()
        .join("\n");
    let mut changes: opportunity::ActiveModel = Default::default();
    if to != OpportunityStatus::ActionRequired {
        changes.decided_at = Set(Some(now));
    }
    if let Some(amount) = awarded {
        changes.awarded_amount_usd = Set(Some(amount));
    }
    let decided = advance(&tx.txn, &record, to, changes, now).await?;
    let reason_names: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
    review_decision::ActiveModel {
        opportunity_id: Set(id),
        reviewer_user_id: Set(caller.principal.user_id),
        kind: Set(decision.kind),
        amount_usd: Set(awarded),
        reasons: Set(json!(reason_names)),
        comment: Set(full_comment),
        decided_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    if let (DecisionKind::RequestClarification, Some(question)) = (decision.kind, comment) {
        clarification_message::ActiveModel {
            opportunity_id: Set(id),
            author_user_id: Set(caller.principal.user_id),
            body: Set(question),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&tx.txn)
        .await?;
    }
    let mut after = snapshot(&decided);
    after["decision"] = json!(decision.kind.as_str());
    audit::record(
        &tx.txn,
        caller,
        "opportunity.decide",
        audit::Subject {
            kind: "Opportunity",
            id,
        },
        Some(snapshot(&record)),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    announce(caller, Some(&record), &decided).await;
    Ok(decided)
}

/// Issues the awarded credits of an APPROVED record to its customer's AWS account, expiring after the source's
/// validity (24 months for Portfolio, 12 otherwise). Idempotent with a key.
pub async fn issue_credits(
    caller: &Caller,
    id: i64,
    expected_version: Option<i32>,
    idempotency_key: Option<&str>,
) -> AppResult<credit_grant::Model> {
    // Without a version the fingerprint is the one keys stored before `expectedVersion` existed were taken with.
    let hash = match expected_version {
        None => idempotency::fingerprint(&id),
        Some(version) => idempotency::fingerprint(&(id, version)),
    };
    if let Some(key) = idempotency_key
        && let Some(grant_id) =
            idempotency::find(&caller.db, caller, "issueCredits", key, &hash).await?
    {
        return opportunities::get_grant(caller, grant_id).await;
    }
    let record = load_for(caller, id, Action::IssueCredits, expected_version).await?;
    let amount = record.awarded_amount_usd.unwrap_or(0);
    if amount <= 0 {
        return Err(AppError::invalid(
            &["input", "opportunityId"],
            "NOTHING_TO_ISSUE",
            "the record was approved for $0: there are no credits to issue",
        ));
    }
    let customer = customer::Entity::find_by_id(record.customer_id)
        .one(&caller.db)
        .await?
        .ok_or_else(|| AppError::Internal(format!("record {id} has no customer")))?;

    let attempt = async {
        let tx = begin_write(&caller.db).await?;
        let claim = match idempotency_key {
            Some(key) => {
                match idempotency::claim(&tx.txn, caller, "issueCredits", key, &hash).await? {
                    idempotency::Claim::Replay(grant) => return Ok(Err(grant)),
                    idempotency::Claim::Fresh(claim) => Some(claim),
                }
            }
            None => None,
        };
        let now = crate::time::now();
        let months = chrono::Months::new(policy::funding(record.funding_source).expiry_months);
        let expires_at = now
            .checked_add_months(months)
            .ok_or_else(|| AppError::Internal("expiry overflows the calendar".into()))?;
        let changes = opportunity::ActiveModel {
            issued_at: Set(Some(now)),
            ..Default::default()
        };
        let issued = advance(
            &tx.txn,
            &record,
            OpportunityStatus::CreditsIssued,
            changes,
            now,
        )
        .await?;
        let grant = credit_grant::ActiveModel {
            opportunity_id: Set(id),
            customer_id: Set(customer.id),
            aws_account_id: Set(customer.aws_account_id.clone()),
            face_value_usd: Set(amount),
            issued_at: Set(now),
            expires_at: Set(expires_at),
            ..Default::default()
        }
        .insert(&tx.txn)
        .await?;
        let mut after = snapshot(&issued);
        after["grant"] = json!({ "faceValueUsd": amount, "awsAccountId": customer.aws_account_id, "expiresAt": expires_at });
        audit::record(
            &tx.txn,
            caller,
            "opportunity.issue_credits",
            audit::Subject {
                kind: "Opportunity",
                id,
            },
            Some(snapshot(&record)),
            Some(after),
        )
        .await?;
        if let Some(claim) = claim {
            idempotency::complete(&tx.txn, claim, grant.id).await?;
        }
        tx.commit().await?;
        announce(caller, Some(&record), &issued).await;
        Ok::<_, AppError>(Ok(grant))
    };
    match attempt.await {
        Ok(Ok(grant)) => Ok(grant),
        Ok(Err(grant_id)) => opportunities::get_grant(caller, grant_id).await,
        Err(AppError::Conflict(message)) if message == idempotency::RACE => {
            match idempotency::find(
                &caller.db,
                caller,
                "issueCredits",
                idempotency_key.unwrap_or_default(),
                &hash,
            )
            .await?
            {
                Some(grant_id) => opportunities::get_grant(caller, grant_id).await,
                None => Err(AppError::Conflict(message)),
            }
        }
        Err(other) => Err(other),
    }
}
