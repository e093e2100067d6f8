//! The lifecycle of an opportunity record (DESIGN.md §7): which action moves which status where, who may take it,
//! and what may be edited in each status. Pure rules, so that the service and `availableActions` agree by
//! construction.

use entity::enums::{DecisionKind, OpportunityStatus as S};

/// Everything that can be done to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Update,
    Submit,
    Withdraw,
    Reply,
    StartReview,
    Decide(DecisionKind),
    IssueCredits,
}

/// Who is acting on a record, relative to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// A user of the organisation that filed the record (partner firm, or VC firm on the VC path).
    Filer,
    Reviewer,
    /// Anyone else: they may read, never act.
    Other,
}

/// The status an action leads to, or `None` when the arrow does not exist in §7.
pub fn next_status(from: S, action: Action) -> Option<S> {
    use DecisionKind as D;
    match (from, action) {
        (S::Draft | S::ActionRequired, Action::Update) => Some(from),
        (S::Draft, Action::Submit) => Some(S::Submitted),
        (S::Draft | S::Submitted | S::ActionRequired, Action::Withdraw) => Some(S::Withdrawn),
        (S::ActionRequired, Action::Reply) => Some(S::Submitted),
        (S::Submitted, Action::StartReview) => Some(S::InReview),
        (S::InReview, Action::Decide(D::Approve | D::ApproveReduced)) => Some(S::Approved),
        (S::InReview, Action::Decide(D::Reject)) => Some(S::Rejected),
        (S::InReview, Action::Decide(D::RequestClarification)) => Some(S::ActionRequired),
        (S::Approved, Action::IssueCredits) => Some(S::CreditsIssued),
        _ => None,
    }
}

/// Which party may take an action. Reviewers never edit content; filers never review their own records.
pub fn party_may(party: Party, action: Action) -> bool {
    match action {
        Action::Update | Action::Submit | Action::Withdraw | Action::Reply => party == Party::Filer,
        Action::StartReview | Action::Decide(_) | Action::IssueCredits => party == Party::Reviewer,
    }
}

/// The actions a party can take on a record in a status, in a stable order (the contract's enum order).
pub fn available(status: S, party: Party) -> Vec<Action> {
    let candidates = [
        Action::Update,
        Action::Submit,
        Action::Withdraw,
        Action::Reply,
        Action::StartReview,
        Action::Decide(DecisionKind::Approve),
        Action::IssueCredits,
    ];
    candidates
        .into_iter()
        .filter(|a| party_may(party, *a) && next_status(status, *a).is_some())
        .collect()
}

/// Whether an approved record is closed: approved for $0 (a duplicate workload, or the credit cap reached), it has
/// nothing to issue and no longer holds its customer's slot for the funding source.
pub fn closed_without_award(status: S, awarded_amount_usd: Option<i64>) -> bool {
    status == S::Approved && awarded_amount_usd == Some(0)
}

/// [`available`] for a stored record: a record closed without award offers nothing.
pub fn available_on(status: S, awarded_amount_usd: Option<i64>, party: Party) -> Vec<Action> {
    if closed_without_award(status, awarded_amount_usd) {
        Vec::new()
    } else {
        available(status, party)
    }
}

/// Fields of a record, for editability.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    FundingSource,
    EngagementType,
    WorkloadName,
    UseCase,
    ScopeOfWork,
    ProjectedConsumption,
    EstimatedAnnualDeal,
    RequestedAmount,
    PartnerReference,
    CustomerWebsite,
}

/// Whether a field may change in a status: everything in DRAFT; in ACTION_REQUIRED what a clarification can
/// reasonably touch; nothing otherwise.
pub fn editable(status: S, field: Field) -> bool {
    match status {
        S::Draft => true,
        S::ActionRequired => matches!(
            field,
            Field::UseCase
                | Field::ScopeOfWork
                | Field::ProjectedConsumption
                | Field::EstimatedAnnualDeal
                | Field::RequestedAmount
                | Field::CustomerWebsite
        ),
        _ => false,
    }
}

/// Statuses in which a record holds its customer's one slot per funding source.
pub const LIVE: [S; 4] = [S::Submitted, S::InReview, S::ActionRequired, S::Approved];

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    const ALL_ACTIONS: [Action; 10] = [
        Action::Update,
        Action::Submit,
        Action::Withdraw,
        Action::Reply,
        Action::StartReview,
        Action::Decide(DecisionKind::Approve),
        Action::Decide(DecisionKind::ApproveReduced),
        Action::Decide(DecisionKind::Reject),
        Action::Decide(DecisionKind::RequestClarification),
        Action::IssueCredits,
    ];

    #[test]
    fn exactly_the_arrows_of_design_section_7_exist() {
        let mut arrows = Vec::new();
        for from in S::iter() {
            for action in ALL_ACTIONS {
                if let Some(to) = next_status(from, action)
                    && action != Action::Update
                {
                    arrows.push((from, action, to));
                }
            }
        }
        use DecisionKind as D;
        let expected = vec![
            (S::Draft, Action::Submit, S::Submitted),
            (S::Draft, Action::Withdraw, S::Withdrawn),
            (S::Submitted, Action::Withdraw, S::Withdrawn),
            (S::Submitted, Action::StartReview, S::InReview),
            (S::InReview, Action::Decide(D::Approve), S::Approved),
            (S::InReview, Action::Decide(D::ApproveReduced), S::Approved),
            (S::InReview, Action::Decide(D::Reject), S::Rejected),
            (
                S::InReview,
                Action::Decide(D::RequestClarification),
                S::ActionRequired,
            ),
            (S::ActionRequired, Action::Withdraw, S::Withdrawn),
            (S::ActionRequired, Action::Reply, S::Submitted),
            (S::Approved, Action::IssueCredits, S::CreditsIssued),
        ];
        assert_eq!(arrows, expected);
    }

    #[test]
    fn terminal_statuses_allow_nothing() {
        for status in [S::Rejected, S::Withdrawn, S::CreditsIssued] {
            assert!(
                available(status, Party::Filer).is_empty()
                    && available(status, Party::Reviewer).is_empty()
            );
        }
    }

    #[test]
    fn reviewers_never_edit_and_filers_never_review() {
        assert!(!party_may(Party::Reviewer, Action::Update));
        assert!(!party_may(
            Party::Filer,
            Action::Decide(DecisionKind::Approve)
        ));
        assert!(available(S::InReview, Party::Other).is_empty());
    }

    #[test]
    fn in_action_required_only_the_clarifiable_fields_are_editable() {
        assert!(editable(S::ActionRequired, Field::UseCase));
        assert!(!editable(S::ActionRequired, Field::WorkloadName));
        assert!(!editable(S::ActionRequired, Field::FundingSource));
        assert!(!editable(S::Submitted, Field::UseCase));
    }
}
