//! SeaORM entities for acegate.
//!
//! One module per table; the schema itself (constraints, indexes, foreign
//! keys) is owned by the `migration` crate, and these entities mirror it.
//! Conventions: `id` primary keys are auto-increment `i64`; timestamps are
//! `DateTimeUtc` stored as `timestamp with time zone`; money is whole USD as
//! `i64`; closed value sets are the string-backed enums of [`enums`].

pub mod enums;

pub mod api_key;
pub mod audit_event;
pub mod clarification_message;
pub mod consumption_line;
pub mod credit_grant;
pub mod customer;
pub mod funding_attestation;
pub mod idempotency_key;
pub mod inquiry;
pub mod opportunity;
pub mod partner;
pub mod partner_region;
pub mod partner_specialty;
pub mod refresh_token;
pub mod review_decision;
pub mod track_record_month;
pub mod user;
pub mod vc_firm;

pub mod prelude {
    //! The entities under short names, e.g. `Opportunity::find()`.
    pub use super::api_key::Entity as ApiKey;
    pub use super::audit_event::Entity as AuditEvent;
    pub use super::clarification_message::Entity as ClarificationMessage;
    pub use super::consumption_line::Entity as ConsumptionLine;
    pub use super::credit_grant::Entity as CreditGrant;
    pub use super::customer::Entity as Customer;
    pub use super::funding_attestation::Entity as FundingAttestation;
    pub use super::idempotency_key::Entity as IdempotencyKey;
    pub use super::inquiry::Entity as Inquiry;
    pub use super::opportunity::Entity as Opportunity;
    pub use super::partner::Entity as Partner;
    pub use super::partner_region::Entity as PartnerRegion;
    pub use super::partner_specialty::Entity as PartnerSpecialty;
    pub use super::refresh_token::Entity as RefreshToken;
    pub use super::review_decision::Entity as ReviewDecision;
    pub use super::track_record_month::Entity as TrackRecordMonth;
    pub use super::user::Entity as User;
    pub use super::vc_firm::Entity as VcFirm;
}
