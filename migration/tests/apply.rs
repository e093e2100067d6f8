//! The migrations apply, revert and re-apply on SQLite and on PostgreSQL, and
//! the schema they build accepts the `entity` models and holds the rules it
//! promises (CHECKs, the partial unique index, cascades).
//!
//! The PostgreSQL tests run only when `TEST_DATABASE_URL` is set, e.g.
//! `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres`. That URL
//! is used as an admin connection: each test creates a fresh database
//! `mig_<random>` next to it and drops it afterwards.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use entity::enums::{
    AwsService, DecisionKind, EngagementType, FundingSource, FundingStage, OpportunityStatus,
    PartnerTier, Role, SubmissionPath, VcReputation,
};
use entity::prelude::*;
use entity::{
    api_key, audit_event, clarification_message, consumption_line, credit_grant, customer,
    funding_attestation, idempotency_key, inquiry, opportunity, partner, partner_region,
    partner_specialty, refresh_token, review_decision, track_record_month, user, vc_firm,
};
use migration::{Migrator, MigratorTrait};
use sea_orm_migration::SchemaManager;
use sea_orm_migration::sea_orm::{
    ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait,
    ModelTrait, Set, Statement,
};
use serde_json::json;

const TABLES: &[&str] = &[
    "partners",
    "partner_regions",
    "partner_specialties",
    "vc_firms",
    "customers",
    "users",
    "track_record_months",
    "funding_attestations",
    "opportunities",
    "consumption_lines",
    "review_decisions",
    "clarification_messages",
    "credit_grants",
    "inquiries",
    "audit_events",
    "refresh_tokens",
    "api_keys",
    "idempotency_keys",
];

#[tokio::test]
async fn migrations_apply_and_revert_on_sqlite() {
    let db = sqlite().await;
    apply_revert_apply(&db).await;

    // Big-integer ids must become SQLite rowid aliases.
    for table in TABLES
        .iter()
        .filter(|t| !matches!(**t, "partner_regions" | "partner_specialties"))
    {
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                [(*table).into()],
            ))
            .await
            .unwrap()
            .unwrap();
        let sql: String = row.try_get("", "sql").unwrap();
        assert!(
            sql.contains(r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT"#),
            "{table}: {sql}"
        );
    }
}

#[tokio::test]
async fn migrations_apply_and_revert_on_postgres() {
    let Some(admin_url) = postgres_admin_url() else {
        return;
    };
    with_fresh_postgres(&admin_url, |db| async move {
        apply_revert_apply(&db).await;

        let rows = db
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT table_name::text AS table_name, data_type::text AS data_type \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND column_name = 'id'",
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), TABLES.len() - 2);
        for row in rows {
            let table: String = row.try_get("", "table_name").unwrap();
            let data_type: String = row.try_get("", "data_type").unwrap();
            assert_eq!(data_type, "bigint", "{table}.id");
        }
    })
    .await;
}

#[tokio::test]
async fn entities_round_trip_and_constraints_hold_on_sqlite() {
    let db = sqlite().await;
    Migrator::up(&db, None).await.unwrap();
    round_trip_and_constraints(&db).await;
}

#[tokio::test]
async fn entities_round_trip_and_constraints_hold_on_postgres() {
    let Some(admin_url) = postgres_admin_url() else {
        return;
    };
    with_fresh_postgres(&admin_url, |db| async move {
        Migrator::up(&db, None).await.unwrap();
        round_trip_and_constraints(&db).await;
    })
    .await;
}

#[tokio::test]
async fn duplicate_attestations_are_revoked_before_they_are_forbidden_on_sqlite() {
    let db = sqlite().await;
    duplicate_attestations_are_revoked_before_they_are_forbidden(&db).await;
}

#[tokio::test]
async fn duplicate_attestations_are_revoked_before_they_are_forbidden_on_postgres() {
    let Some(admin_url) = postgres_admin_url() else {
        return;
    };
    with_fresh_postgres(&admin_url, |db| async move {
        duplicate_attestations_are_revoked_before_they_are_forbidden(&db).await;
    })
    .await;
}

/// Data written before `m20261204_000001` may hold the same attestation twice: the migration keeps the oldest,
/// revokes the others (readable as the entities read them), and then the database refuses a new twin.
async fn duplicate_attestations_are_revoked_before_they_are_forbidden(db: &DatabaseConnection) {
    migrate_up_to(db, "m20261204_000001_integrity_rules").await;
    let now = at(27);
    let vc = vc_firm::ActiveModel {
        name: Set("Twice Ventures".into()),
        portfolio_access: Set(false),
        reputation: Set(VcReputation::Emerging),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let customer = customer::ActiveModel {
        legal_name: Set("Twin Rounds Ltd".into()),
        website: Set("https://twin.example".into()),
        aws_account_id: Set("210987654321".into()),
        country: Set("GB".into()),
        incorporated: Set(true),
        funding_stage: Set(FundingStage::Seed),
        engineer_count: Set(4),
        months_on_aws: Set(3),
        monthly_aws_spend_usd: Set(800),
        marketplace_spend_share: Set(0.0),
        competes_with_aws: Set(false),
        self_serve_credit_usd: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let vc_user = user::ActiveModel {
        vc_firm_id: Set(Some(vc.id)),
        ..user_row("twin@twice.example", Role::Vc, now)
    }
    .insert(db)
    .await
    .unwrap();
    let round = funding_attestation::ActiveModel {
        vc_firm_id: Set(vc.id),
        customer_id: Set(customer.id),
        round: Set(FundingStage::Seed),
        amount_usd: Set(1_500_000),
        closed_on: Set(NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()),
        attested_by_user_id: Set(vc_user.id),
        attested_at: Set(now),
        ..Default::default()
    };
    let first = round.clone().insert(db).await.unwrap();
    let twin = round.clone().insert(db).await.unwrap();

    Migrator::up(db, None).await.unwrap();
    let first = FundingAttestation::find_by_id(first.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let twin = FundingAttestation::find_by_id(twin.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.revoked_at, None, "the oldest stands");
    let revoked_at = twin.revoked_at.expect("the twin is revoked");
    assert!(
        revoked_at > now,
        "revoked when migrated, not backdated: {revoked_at}"
    );
    assert_eq!(twin.revoked_by_user_id, None);
    assert!(twin.revocation_reason.unwrap().contains("duplicate"));
    assert!(round.insert(db).await.is_err(), "a new twin is refused");
}

#[tokio::test]
async fn inquiries_take_their_submitter_from_the_audit_trail_on_sqlite() {
    let db = sqlite().await;
    inquiries_take_their_submitter_from_the_audit_trail(&db).await;
}

#[tokio::test]
async fn inquiries_take_their_submitter_from_the_audit_trail_on_postgres() {
    let Some(admin_url) = postgres_admin_url() else {
        return;
    };
    with_fresh_postgres(&admin_url, |db| async move {
        inquiries_take_their_submitter_from_the_audit_trail(&db).await;
    })
    .await;
}

/// Inquiries stored before `m20261204_000002` name no submitter in their row; the migration takes it from their
/// `inquiry.submit` audit event (none for an anonymous one), and the column then refuses an unknown user.
async fn inquiries_take_their_submitter_from_the_audit_trail(db: &DatabaseConnection) {
    migrate_up_to(db, "m20261204_000002_add_inquiry_submitter").await;
    let now = at(27);
    let submitter = user_row("ada@signed-in.example", Role::Admin, now)
        .insert(db)
        .await
        .unwrap();
    // Written as the code of the time wrote them: the entity of today has the new column.
    let backend = db.get_database_backend();
    let placeholders = match backend {
        DbBackend::Postgres => ["$1", "$2", "$3", "$4"],
        _ => ["?"; 4],
    };
    let [id_at, company_at, created_at, updated_at] = placeholders;
    let insert = |id: i64, company: &str| {
        Statement::from_sql_and_values(
            backend,
            format!(
                r#"INSERT INTO "inquiries" ("id", "company_name", "funding_stage", "use_case", "region", "services", "contact_email", "created_at", "updated_at") VALUES ({id_at}, {company_at}, 'SEED', 'A pipeline', 'EU', '["EC2"]', 'hello@example.com', {created_at}, {updated_at})"#
            ),
            [id.into(), company.into(), now.into(), now.into()],
        )
    };
    db.execute_raw(insert(1, "Signed In Ltd")).await.unwrap();
    db.execute_raw(insert(2, "Anonymous Ltd")).await.unwrap();
    let audit = |subject: i64, actor: Option<i64>| audit_event::ActiveModel {
        actor_user_id: Set(actor),
        action: Set("inquiry.submit".into()),
        subject_type: Set("Inquiry".into()),
        subject_id: Set(subject),
        before: Set(None),
        after: Set(Some(json!({}))),
        request_id: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    audit(1, Some(submitter.id)).insert(db).await.unwrap();
    audit(2, None).insert(db).await.unwrap();

    Migrator::up(db, None).await.unwrap();
    let submitter_of = |id: i64| async move {
        Inquiry::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .submitted_by_user_id
    };
    assert_eq!(submitter_of(1).await, Some(submitter.id));
    assert_eq!(
        submitter_of(2).await,
        None,
        "an anonymous inquiry has no submitter"
    );
    let unknown_user = inquiry::ActiveModel {
        id: Set(2),
        submitted_by_user_id: Set(Some(submitter.id + 1_000)),
        ..Default::default()
    };
    assert!(
        unknown_user.update(db).await.is_err(),
        "the submitter is a user"
    );
}

/// Applies the migrations that come before `name`, so that a test can write data as it stood then.
async fn migrate_up_to(db: &DatabaseConnection, name: &str) {
    let before = Migrator::migrations()
        .iter()
        .position(|m| m.name() == name)
        .unwrap_or_else(|| panic!("no migration {name}")) as u32;
    Migrator::up(db, Some(before)).await.unwrap();
}

/// A user row with a placeholder password hash.
fn user_row(email: &str, role: Role, now: DateTime<Utc>) -> user::ActiveModel {
    user::ActiveModel {
        email: Set(email.into()),
        email_normalized: Set(email.into()),
        display_name: Set(email.into()),
        password_hash: Set("$argon2id$placeholder".into()),
        role: Set(role),
        failed_login_count: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

async fn apply_revert_apply(db: &DatabaseConnection) {
    let manager = SchemaManager::new(db);
    let migrations = Migrator::migrations().len();

    Migrator::up(db, None).await.unwrap();
    assert_eq!(
        Migrator::get_applied_migrations(db).await.unwrap().len(),
        migrations
    );
    for table in TABLES {
        assert!(manager.has_table(*table).await.unwrap(), "{table} after up");
    }

    Migrator::down(db, None).await.unwrap();
    assert!(
        Migrator::get_applied_migrations(db)
            .await
            .unwrap()
            .is_empty()
    );
    for table in TABLES {
        assert!(
            !manager.has_table(*table).await.unwrap(),
            "{table} after down"
        );
    }

    Migrator::up(db, None).await.unwrap();
    assert_eq!(
        Migrator::get_applied_migrations(db).await.unwrap().len(),
        migrations
    );
    for table in TABLES {
        assert!(
            manager.has_table(*table).await.unwrap(),
            "{table} after up again"
        );
    }
    assert!(
        Migrator::get_pending_migrations(db)
            .await
            .unwrap()
            .is_empty()
    );
}

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 12, 30, 0).unwrap()
}

/// Inserts a row through every entity, reads each back unchanged, and checks
/// that the database rejects what the schema forbids.
async fn round_trip_and_constraints(db: &DatabaseConnection) {
    let now = at(27);

    let partner = partner::ActiveModel {
        name: Set("Cloudsmiths".into()),
        tier: Set(PartnerTier::Premier),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        Partner::find_by_id(partner.id).one(db).await.unwrap(),
        Some(partner.clone())
    );

    let region = partner_region::ActiveModel {
        partner_id: Set(partner.id),
        region: Set("eu-west-1".into()),
    }
    .insert(db)
    .await
    .unwrap();
    let specialty = partner_specialty::ActiveModel {
        partner_id: Set(partner.id),
        specialty: Set("genai".into()),
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        partner.find_related(PartnerRegion).all(db).await.unwrap(),
        vec![region]
    );
    assert_eq!(
        partner
            .find_related(PartnerSpecialty)
            .all(db)
            .await
            .unwrap(),
        vec![specialty]
    );

    let vc = vc_firm::ActiveModel {
        name: Set("Seedling Ventures".into()),
        portfolio_access: Set(true),
        reputation: Set(VcReputation::Tier1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        VcFirm::find_by_id(vc.id).one(db).await.unwrap(),
        Some(vc.clone())
    );

    let customer = customer::ActiveModel {
        legal_name: Set("Acme Robotics Ltd".into()),
        website: Set("https://acme.example".into()),
        aws_account_id: Set("123456789012".into()),
        country: Set("GB".into()),
        incorporated: Set(true),
        funding_stage: Set(FundingStage::SeriesA),
        engineer_count: Set(12),
        months_on_aws: Set(18),
        monthly_aws_spend_usd: Set(4_500),
        marketplace_spend_share: Set(0.25),
        competes_with_aws: Set(false),
        self_serve_credit_usd: Set(1_000),
        owner_partner_id: Set(Some(partner.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        Customer::find_by_id(customer.id).one(db).await.unwrap(),
        Some(customer.clone())
    );

    let user_template = user::ActiveModel {
        display_name: Set("Pat Partner".into()),
        password_hash: Set("$argon2id$placeholder".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let partner_user = user::ActiveModel {
        email: Set("Pat@Cloudsmiths.example".into()),
        email_normalized: Set("pat@cloudsmiths.example".into()),
        role: Set(Role::Partner),
        partner_id: Set(Some(partner.id)),
        failed_login_count: Set(0),
        tokens_valid_after: Set(Some(at(1))),
        ..user_template.clone()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        User::find_by_id(partner_user.id).one(db).await.unwrap(),
        Some(partner_user.clone())
    );
    let reviewer = user::ActiveModel {
        email: Set("rae@aws.example".into()),
        email_normalized: Set("rae@aws.example".into()),
        role: Set(Role::Reviewer),
        failed_login_count: Set(0),
        ..user_template.clone()
    }
    .insert(db)
    .await
    .unwrap();
    let vc_user = user::ActiveModel {
        email: Set("val@seedling.example".into()),
        email_normalized: Set("val@seedling.example".into()),
        role: Set(Role::Vc),
        vc_firm_id: Set(Some(vc.id)),
        failed_login_count: Set(0),
        ..user_template.clone()
    }
    .insert(db)
    .await
    .unwrap();
    // failed_login_count has a database default of 0.
    let founder = user::ActiveModel {
        email: Set("fay@acme.example".into()),
        email_normalized: Set("fay@acme.example".into()),
        role: Set(Role::Founder),
        customer_id: Set(Some(customer.id)),
        ..user_template.clone()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(founder.failed_login_count, 0);

    // Role and firm must agree; emails are unique once normalised.
    for bad in [
        user::ActiveModel {
            email: Set("x1@example.com".into()),
            email_normalized: Set("x1@example.com".into()),
            role: Set(Role::Partner),
            ..user_template.clone()
        },
        user::ActiveModel {
            email: Set("x2@example.com".into()),
            email_normalized: Set("x2@example.com".into()),
            role: Set(Role::Admin),
            vc_firm_id: Set(Some(vc.id)),
            ..user_template.clone()
        },
        user::ActiveModel {
            email: Set("x3@example.com".into()),
            email_normalized: Set("x3@example.com".into()),
            role: Set(Role::Analyst),
            failed_login_count: Set(-1),
            ..user_template.clone()
        },
        user::ActiveModel {
            email: Set("PAT@cloudsmiths.example".into()),
            email_normalized: Set("pat@cloudsmiths.example".into()),
            role: Set(Role::Admin),
            ..user_template.clone()
        },
    ] {
        assert!(bad.insert(db).await.is_err());
    }

    let track = track_record_month::ActiveModel {
        partner_id: Set(partner.id),
        month: Set("2026-10".into()),
        funding_source: Set(FundingSource::GenaiPoc),
        submitted: Set(10),
        approved: Set(7),
        rejected: Set(2),
        awarded_usd: Set(350_000),
        imported_by_user_id: Set(None),
        imported_at: Set(now),
        ..Default::default()
    };
    let track_row = track.clone().insert(db).await.unwrap();
    assert_eq!(
        TrackRecordMonth::find_by_id(track_row.id)
            .one(db)
            .await
            .unwrap(),
        Some(track_row)
    );
    assert!(track.clone().insert(db).await.is_err(), "duplicate month");
    let bad_month = track_record_month::ActiveModel {
        month: Set("2026-1".into()),
        ..track.clone()
    };
    assert!(bad_month.insert(db).await.is_err());

    let attestation = funding_attestation::ActiveModel {
        vc_firm_id: Set(vc.id),
        customer_id: Set(customer.id),
        round: Set(FundingStage::Seed),
        amount_usd: Set(2_000_000),
        closed_on: Set(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()),
        attested_by_user_id: Set(vc_user.id),
        attested_at: Set(now),
        revoked_at: Set(Some(at(28))),
        revocation_reason: Set(Some("entered in error".into())),
        revoked_by_user_id: Set(Some(vc_user.id)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        FundingAttestation::find_by_id(attestation.id)
            .one(db)
            .await
            .unwrap(),
        Some(attestation)
    );

    let opportunity = |reference: &str, status: OpportunityStatus| opportunity::ActiveModel {
        reference: Set(reference.into()),
        partner_reference: Set(Some("CS-42".into())),
        customer_id: Set(customer.id),
        partner_id: Set(Some(partner.id)),
        vc_firm_id: Set(None),
        filed_by_user_id: Set(partner_user.id),
        submission_path: Set(SubmissionPath::Partner),
        funding_source: Set(FundingSource::GenaiPoc),
        engagement_type: Set(EngagementType::Build),
        workload_name: Set("Support Copilot".into()),
        workload_key: Set("support copilot".into()),
        use_case: Set("Summarise tickets".into()),
        scope_of_work: Set("Six weeks of build".into()),
        estimated_annual_deal_usd: Set(120_000),
        requested_amount_usd: Set(25_000),
        awarded_amount_usd: Set(None),
        status: Set(status),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(Some(now)),
        decided_at: Set(None),
        issued_at: Set(None),
        ..Default::default()
    };

    let live = opportunity("O-0001", OpportunityStatus::Submitted)
        .insert(db)
        .await
        .unwrap();
    assert_eq!(
        Opportunity::find_by_id(live.id).one(db).await.unwrap(),
        Some(live.clone())
    );
    assert_eq!(
        customer.find_related(Opportunity).all(db).await.unwrap(),
        vec![live.clone()]
    );

    // One live record per customer and funding source; drafts don't count.
    let draft = opportunity("O-0002", OpportunityStatus::Draft)
        .insert(db)
        .await
        .unwrap();
    assert!(
        opportunity("O-0003", OpportunityStatus::InReview)
            .insert(db)
            .await
            .is_err()
    );
    let mut withdrawn: opportunity::ActiveModel = live.clone().into();
    withdrawn.status = Set(OpportunityStatus::Withdrawn);
    withdrawn.update(db).await.unwrap();
    let mut resubmitted: opportunity::ActiveModel = draft.clone().into();
    resubmitted.status = Set(OpportunityStatus::Approved);
    let approved = resubmitted.update(db).await.unwrap();

    // Other opportunity rules.
    for bad in [
        opportunity("X-0004", OpportunityStatus::Draft),
        opportunity::ActiveModel {
            partner_reference: Set(Some("R".repeat(65))),
            ..opportunity("O-0005", OpportunityStatus::Draft)
        },
        opportunity::ActiveModel {
            vc_firm_id: Set(Some(vc.id)),
            ..opportunity("O-0006", OpportunityStatus::Draft)
        },
        opportunity::ActiveModel {
            submission_path: Set(SubmissionPath::Vc),
            ..opportunity("O-0007", OpportunityStatus::Draft)
        },
        opportunity::ActiveModel {
            requested_amount_usd: Set(-1),
            ..opportunity("O-0008", OpportunityStatus::Draft)
        },
        opportunity::ActiveModel {
            version: Set(0),
            ..opportunity("O-0009", OpportunityStatus::Draft)
        },
        opportunity("O-0001", OpportunityStatus::Draft),
    ] {
        assert!(bad.insert(db).await.is_err());
    }
    let by_vc = opportunity::ActiveModel {
        submission_path: Set(SubmissionPath::Vc),
        partner_id: Set(None),
        vc_firm_id: Set(Some(vc.id)),
        filed_by_user_id: Set(vc_user.id),
        funding_source: Set(FundingSource::ActivatePortfolio),
        awarded_amount_usd: Set(Some(10_000)),
        ..opportunity("O-0010", OpportunityStatus::Draft)
    }
    .insert(db)
    .await
    .unwrap();

    let line = consumption_line::ActiveModel {
        opportunity_id: Set(approved.id),
        position: Set(1),
        service: Set(AwsService::Bedrock),
        monthly_usd: Set(3_000),
        ..Default::default()
    };
    let line_row = line.clone().insert(db).await.unwrap();
    assert_eq!(
        approved
            .find_related(ConsumptionLine)
            .all(db)
            .await
            .unwrap(),
        vec![line_row]
    );
    assert!(line.clone().insert(db).await.is_err(), "duplicate position");

    let decision = review_decision::ActiveModel {
        opportunity_id: Set(approved.id),
        reviewer_user_id: Set(reviewer.id),
        kind: Set(DecisionKind::ApproveReduced),
        amount_usd: Set(Some(20_000)),
        reasons: Set(json!(["BUDGET_CAP", "SPEND_HISTORY"])),
        comment: Set("Reduced to cap".into()),
        decided_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        ReviewDecision::find_by_id(decision.id)
            .one(db)
            .await
            .unwrap(),
        Some(decision)
    );

    let message = clarification_message::ActiveModel {
        opportunity_id: Set(approved.id),
        author_user_id: Set(reviewer.id),
        body: Set("Which regions?".into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        ClarificationMessage::find_by_id(message.id)
            .one(db)
            .await
            .unwrap(),
        Some(message)
    );

    let grant = credit_grant::ActiveModel {
        opportunity_id: Set(approved.id),
        customer_id: Set(customer.id),
        aws_account_id: Set("123456789012".into()),
        face_value_usd: Set(20_000),
        issued_at: Set(now),
        expires_at: Set(now + Duration::days(365)),
        ..Default::default()
    };
    let grant_row = grant.clone().insert(db).await.unwrap();
    assert_eq!(
        CreditGrant::find_by_id(grant_row.id).one(db).await.unwrap(),
        Some(grant_row)
    );
    assert!(
        grant.clone().insert(db).await.is_err(),
        "one grant per opportunity"
    );
    let expired_on_issue = credit_grant::ActiveModel {
        opportunity_id: Set(by_vc.id),
        expires_at: Set(now),
        ..grant.clone()
    };
    assert!(expired_on_issue.insert(db).await.is_err());

    let inquiry = inquiry::ActiveModel {
        company_name: Set("Beta Bio".into()),
        funding_stage: Set(FundingStage::PreSeed),
        use_case: Set("Genomics pipeline".into()),
        region: Set("us-east-1".into()),
        services: Set(json!([AwsService::Ec2, AwsService::S3])),
        contact_email: Set("hello@beta.example".into()),
        matched_partner_id: Set(Some(partner.id)),
        customer_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(inquiry.services, json!(["EC2", "S3"]));
    assert_eq!(
        Inquiry::find_by_id(inquiry.id).one(db).await.unwrap(),
        Some(inquiry)
    );

    let event = audit_event::ActiveModel {
        actor_user_id: Set(Some(reviewer.id)),
        action: Set("opportunity.decide".into()),
        subject_type: Set("Opportunity".into()),
        subject_id: Set(approved.id),
        before: Set(Some(json!({"status": "IN_REVIEW"}))),
        after: Set(None),
        request_id: Set(Some("req-1".into())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        AuditEvent::find_by_id(event.id).one(db).await.unwrap(),
        Some(event)
    );

    let token = refresh_token::ActiveModel {
        user_id: Set(partner_user.id),
        family_id: Set("fam-1".into()),
        token_hash: Set("hash-1".into()),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(1)),
        family_expires_at: Set(now + Duration::days(30)),
        used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        partner_user
            .find_related(RefreshToken)
            .all(db)
            .await
            .unwrap(),
        vec![token]
    );

    let key = api_key::ActiveModel {
        user_id: Set(partner_user.id),
        name: Set("CI".into()),
        prefix: Set("ak_live_abcd".into()),
        secret_hash: Set("secret-hash".into()),
        created_at: Set(now),
        expires_at: Set(Some(now + Duration::days(90))),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(ApiKey::find_by_id(key.id).one(db).await.unwrap(), Some(key));

    let idempotency = idempotency_key::ActiveModel {
        user_id: Set(partner_user.id),
        scope: Set("createOpportunity".into()),
        key: Set("k-1".into()),
        request_hash: Set("rh".into()),
        subject_id: Set(Some(live.id)),
        created_at: Set(now),
        ..Default::default()
    };
    let idempotency_row = idempotency.clone().insert(db).await.unwrap();
    assert_eq!(
        IdempotencyKey::find_by_id(idempotency_row.id)
            .one(db)
            .await
            .unwrap(),
        Some(idempotency_row)
    );
    assert!(
        idempotency.clone().insert(db).await.is_err(),
        "duplicate key"
    );

    // Enum columns only hold known values.
    let bad_tier = db
        .execute_unprepared(
            "INSERT INTO partners (name, tier, created_at, updated_at) \
             VALUES ('Goldie', 'GOLD', '2026-11-27T12:30:00Z', '2026-11-27T12:30:00Z')",
        )
        .await;
    assert!(bad_tier.is_err());

    // ON DELETE RESTRICT for parents, CASCADE for the child tables marked so.
    assert!(Customer::delete_by_id(customer.id).exec(db).await.is_err());
    assert!(Partner::delete_by_id(partner.id).exec(db).await.is_err());
    Opportunity::delete_by_id(live.id).exec(db).await.unwrap();
    let lone = partner::ActiveModel {
        name: Set("Lone Partner".into()),
        tier: Set(PartnerTier::Select),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    partner_region::ActiveModel {
        partner_id: Set(lone.id),
        region: Set("ap-south-1".into()),
    }
    .insert(db)
    .await
    .unwrap();
    Partner::delete_by_id(lone.id).exec(db).await.unwrap();
    assert_eq!(PartnerRegion::find().all(db).await.unwrap().len(), 1);
}

async fn sqlite() -> DatabaseConnection {
    Database::connect("sqlite::memory:").await.unwrap()
}

fn postgres_admin_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        eprintln!("TEST_DATABASE_URL is not set: skipping the PostgreSQL test");
    }
    url
}

/// `admin_url` with its database name replaced by `database`.
fn url_with_database(admin_url: &str, database: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{database}?{query}"),
        None => format!("{server}/{database}"),
    }
}

/// Runs `test` against a new, empty database and drops that database
/// afterwards, whether `test` passed or panicked.
async fn with_fresh_postgres<F, Fut>(admin_url: &str, test: F)
where
    F: FnOnce(DatabaseConnection) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!("mig_{}_{nanos}", std::process::id());

    let admin = Database::connect(admin_url).await.unwrap();
    admin
        .execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#))
        .await
        .unwrap();

    let db = Database::connect(url_with_database(admin_url, &name))
        .await
        .unwrap();
    // Run on its own task so that a failed assertion comes back as a JoinError
    // and the database is still dropped.
    let outcome = tokio::spawn(test(db.clone())).await;
    db.close().await.unwrap();

    admin
        .execute_unprepared(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#))
        .await
        .unwrap();
    admin.close().await.unwrap();

    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

#[test]
fn database_name_is_replaced_in_the_url() {
    assert_eq!(
        url_with_database("postgres://postgres@127.0.0.1:5432/postgres", "mig_1"),
        "postgres://postgres@127.0.0.1:5432/mig_1"
    );
    assert_eq!(
        url_with_database("postgres://u:p@h/db?sslmode=disable", "mig_1"),
        "postgres://u:p@h/mig_1?sslmode=disable"
    );
    assert_eq!(
        url_with_database("postgres://h:5432", "mig_1"),
        "postgres://h:5432/mig_1"
    );
}
