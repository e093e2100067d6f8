//! The demo data set, loaded in development mode on an empty database so that the playground has something worth
//! opening: firms of every tier, customers for every reference case of DESIGN.md §9, a year of track record, and
//! opportunity records in every status with their decisions, clarification threads, credit grants and audit trail.
//!
//! Every timestamp is derived from `now()` minus an offset, so the data set stays "current" whenever it is loaded:
//! the track record covers the 12 calendar months before the current one, and two credit grants are always about
//! to expire (within 30 and within 60 days).
//!
//! Reference-case customers are left in a state from which the case can be replayed through the API: Northwind
//! Analytics (case 1) has its Portfolio record awaiting review, its GenAI POC record in DRAFT and no Build for
//! Startups record (case 2); the padding, pre-seed, competitor, sanctioned, enterprise, SELECT-partner and VC-filed
//! cases have no live record on any funding source.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use entity::{
    audit_event, clarification_message, consumption_line, credit_grant, customer,
    enums::{
        AwsService, DecisionKind, EngagementType, FundingSource, FundingStage, OpportunityStatus,
        PartnerTier, Role, SubmissionPath, VcReputation,
    },
    funding_attestation, inquiry, opportunity, partner, partner_region, partner_specialty,
    review_decision, track_record_month, user, vc_firm,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, TransactionTrait,
};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use crate::{auth::password, domain::workload::normalize_name, error::AppError, time};

/// The password of every demo user. Development mode only: production never loads the demo data set.
pub const DEMO_PASSWORD: &str = "demo-password";

/// The demo logins printed at start-up, one per role (three partner tiers, two kinds of VC firm).
pub const DEMO_LOGINS: &[&str] = &[
    "admin@acegate.example.com",
    "reviewer@acegate.example.com",
    "analyst@acegate.example.com",
    "partner-premier@acegate.example.com",
    "partner-advanced@acegate.example.com",
    "partner-select@acegate.example.com",
    "vc-portfolio@acegate.example.com",
    "vc-emerging@acegate.example.com",
    "founder@acegate.example.com",
];

/// argon2id is deliberately slow; the test suite loads the demo set into a fresh database per test, so the hash of
/// the one demo password is computed once per process.
static DEMO_PASSWORD_HASH: OnceCell<String> = OnceCell::const_new();

/// Loads the demo data set when the database has no users; returns whether it loaded. All or nothing (one
/// transaction).
pub async fn load_if_empty(db: &DatabaseConnection) -> Result<bool, AppError> {
    if user::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let password_hash = DEMO_PASSWORD_HASH
        .get_or_try_init(|| password::hash(DEMO_PASSWORD.to_owned()))
        .await?;
    let txn = db.begin().await?;
    // On error the transaction is dropped un-committed, which rolls everything back.
    Seeder {
        txn: &txn,
        now: time::now(),
        password_hash,
        next_reference: 1,
        audit: Vec::new(),
    }
    .load()
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// A moment in the past: `Ago(days, hours)` before now.
#[derive(Clone, Copy, Debug)]
struct Ago(i64, i64);

/// What a demo user belongs to; the role of a firm's or customer's member follows from it.
enum Member {
    Staff(Role),
    Partner(i64),
    Vc(i64),
    Founder(i64),
}

struct NewCustomer {
    legal_name: &'static str,
    website: &'static str,
    aws_account_id: &'static str,
    country: &'static str,
    incorporated: bool,
    stage: FundingStage,
    engineers: i32,
    months_on_aws: i32,
    monthly_spend_usd: i64,
    marketplace_share: f64,
    competes_with_aws: bool,
    self_serve_credit_usd: i64,
    owner: i64,
    onboarded: Ago,
}

struct NewAttestation<'c> {
    vc_firm: i64,
    attested_by: i64,
    customer: &'c customer::Model,
    round: FundingStage,
    amount_usd: i64,
    closed_days_ago: i64,
    attested: Ago,
    /// When and why the firm revoked it (by the attesting user).
    revoked: Option<(Ago, &'static str)>,
}

/// One partner's imported history for one funding source: (submitted, approved, rejected) per calendar month,
/// oldest first, for the 12 months before the current one.
type MonthlyFigures = [(i32, i32, i32); 12];

#[derive(Clone, Copy)]
enum Filer {
    Partner { partner: i64, user: i64 },
    Vc { vc_firm: i64, user: i64 },
}

/// The content of an opportunity record as its filer created it.
struct Filing<'c> {
    customer: &'c customer::Model,
    filer: Filer,
    partner_reference: Option<&'static str>,
    funding_source: FundingSource,
    engagement_type: EngagementType,
    workload_name: &'static str,
    use_case: &'static str,
    scope_of_work: &'static str,
    lines: &'static [(AwsService, i64)],
    estimated_annual_deal_usd: i64,
    requested_amount_usd: i64,
    created: Ago,
}

/// A lifecycle transition after creation (DESIGN.md §7), in chronological order. The filer takes the filer's steps,
/// the reviewer the reviewer's.
enum Step {
    Submit(Ago),
    StartReview(Ago),
    Approve {
        at: Ago,
        comment: &'static str,
    },
    ApproveReduced {
        at: Ago,
        amount: i64,
        reasons: &'static [&'static str],
        comment: &'static str,
    },
    Reject {
        at: Ago,
        reasons: &'static [&'static str],
        comment: &'static str,
    },
    AskClarification {
        at: Ago,
        question: &'static str,
    },
    /// The filer answers; the record goes back to SUBMITTED.
    Reply {
        at: Ago,
        answer: &'static str,
    },
    IssueCredits(Ago),
    Withdraw(Ago),
}

/// A row a transition writes besides the record itself.
enum Effect {
    Audit {
        at: DateTime<Utc>,
        actor: i64,
        action: &'static str,
        before: Option<Value>,
        after: Value,
    },
    Decision {
        at: DateTime<Utc>,
        kind: DecisionKind,
        amount: Option<i64>,
        reasons: &'static [&'static str],
        comment: &'static str,
    },
    Message {
        at: DateTime<Utc>,
        author: i64,
        body: &'static str,
    },
    Grant {
        issued_at: DateTime<Utc>,
        face_value_usd: i64,
    },
}

/// The record's state after its history, and the rows the history wrote.
struct Replayed {
    status: OpportunityStatus,
    version: i32,
    updated_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    decided_at: Option<DateTime<Utc>>,
    issued_at: Option<DateTime<Utc>>,
    awarded_amount_usd: Option<i64>,
    effects: Vec<Effect>,
}

struct AuditRow {
    at: DateTime<Utc>,
    actor: i64,
    action: &'static str,
    subject_type: &'static str,
    subject_id: i64,
    before: Option<Value>,
    after: Value,
}

struct Orgs {
    premier: partner::Model,
    advanced: partner::Model,
    select: partner::Model,
    pacific: partner::Model,
    orbit: partner::Model,
    quicklaunch: partner::Model,
    summit: vc_firm::Model,
    harbour: vc_firm::Model,
    seedling: vc_firm::Model,
}

struct Customers {
    northwind: customer::Model,
    lumen: customer::Model,
    stratocloud: customer::Model,
    quill: customer::Model,
    kestrel: customer::Model,
    fjord: customer::Model,
    lantern: customer::Model,
    vidya: customer::Model,
    helix: customer::Model,
    paperplane: customer::Model,
    carioca: customer::Model,
    brickyard: customer::Model,
    nimbus: customer::Model,
}

/// User ids.
struct People {
    admin: i64,
    reviewer: i64,
    partner_premier: i64,
    partner_premier_2: i64,
    partner_advanced: i64,
    partner_select: i64,
    partner_apac: i64,
    partner_orbit: i64,
    partner_quicklaunch: i64,
    vc_portfolio: i64,
    vc_harbour: i64,
    vc_emerging: i64,
}

struct Seeder<'a> {
    txn: &'a DatabaseTransaction,
    now: DateTime<Utc>,
    password_hash: &'a str,
    next_reference: u32,
    /// Written last, in chronological order, so that audit ids follow time.
    audit: Vec<AuditRow>,
}

impl Seeder<'_> {
    async fn load(mut self) -> Result<(), AppError> {
        let orgs = self.organisations().await?;
        let customers = self.customers(&orgs).await?;
        let people = self.people(&orgs, &customers).await?;
        self.track_records(&orgs, &people).await?;
        self.attestations(&orgs, &customers, &people).await?;
        self.records(&orgs, &customers, &people).await?;
        self.inquiries(&orgs).await?;
        self.flush_audit().await
    }

    fn at(&self, ago: Ago) -> DateTime<Utc> {
        self.now - Duration::days(ago.0) - Duration::hours(ago.1)
    }

    // ---- organisations -------------------------------------------------------------------------------------------

    async fn organisations(&self) -> Result<Orgs, AppError> {
        use PartnerTier::*;
        Ok(Orgs {
            premier: self
                .partner(
                    "Premier Cloud Partners",
                    Premier,
                    &["EU", "US"],
                    &["GENAI", "DATA", "MIGRATION"],
                )
                .await?,
            advanced: self
                .partner(
                    "Advanced Stack Consulting",
                    Advanced,
                    &["EU", "UK"],
                    &["GENAI", "CONTAINERS", "SERVERLESS"],
                )
                .await?,
            select: self
                .partner("Select Startup Builders", Select, &["US"], &["SERVERLESS"])
                .await?,
            pacific: self
                .partner(
                    "Pacific Lift & Shift",
                    Advanced,
                    &["APAC"],
                    &["MIGRATION", "DATA"],
                )
                .await?,
            orbit: self
                .partner(
                    "Fresh Orbit Labs",
                    Advanced,
                    &["LATAM", "US"],
                    &["SECURITY", "MEDIA"],
                )
                .await?,
            quicklaunch: self
                .partner(
                    "QuickLaunch Cloud Services",
                    Select,
                    &["EU"],
                    &["CONTAINERS"],
                )
                .await?,
            summit: self
                .vc_firm("Summit Peak Ventures", VcReputation::Tier1, true)
                .await?,
            harbour: self
                .vc_firm("Harbour Lane Capital", VcReputation::Tier2, true)
                .await?,
            seedling: self
                .vc_firm("Seedling Collective", VcReputation::Emerging, false)
                .await?,
        })
    }

    async fn partner(
        &self,
        name: &str,
        tier: PartnerTier,
        regions: &[&str],
        specialties: &[&str],
    ) -> Result<partner::Model, AppError> {
        let at = self.at(Ago(420, 0));
        let firm = partner::ActiveModel {
            name: Set(name.to_owned()),
            tier: Set(tier),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(self.txn)
        .await?;
        partner_region::Entity::insert_many(regions.iter().map(|region| {
            partner_region::ActiveModel {
                partner_id: Set(firm.id),
                region: Set((*region).to_owned()),
            }
        }))
        .exec_without_returning(self.txn)
        .await?;
        partner_specialty::Entity::insert_many(specialties.iter().map(|specialty| {
            partner_specialty::ActiveModel {
                partner_id: Set(firm.id),
                specialty: Set((*specialty).to_owned()),
            }
        }))
        .exec_without_returning(self.txn)
        .await?;
        Ok(firm)
    }

    async fn vc_firm(
        &self,
        name: &str,
        reputation: VcReputation,
        portfolio_access: bool,
    ) -> Result<vc_firm::Model, AppError> {
        let at = self.at(Ago(420, 0));
        Ok(vc_firm::ActiveModel {
            name: Set(name.to_owned()),
            portfolio_access: Set(portfolio_access),
            reputation: Set(reputation),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(self.txn)
        .await?)
    }

    // ---- customers -----------------------------------------------------------------------------------------------

    async fn customers(&self, orgs: &Orgs) -> Result<Customers, AppError> {
        use FundingStage::*;
        // Reference case 1 (and 2): the London Series-A SaaS, attested by the TIER_1 firm.
        let northwind = self
            .customer(NewCustomer {
                legal_name: "Northwind Analytics Ltd",
                website: "https://northwind-analytics.example.com",
                aws_account_id: "402918375610",
                country: "GB",
                incorporated: true,
                stage: SeriesA,
                engineers: 22,
                months_on_aws: 9,
                monthly_spend_usd: 4_000,
                marketplace_share: 0.04,
                competes_with_aws: false,
                self_serve_credit_usd: 5_000,
                owner: orgs.advanced.id,
                onboarded: Ago(21, 3),
            })
            .await?;
        // Reference case 3: 10 engineers at SEED; filing $200K/month of projected spend reads as padding.
        let lumen = self
            .customer(NewCustomer {
                legal_name: "Lumen Ledger GmbH",
                website: "https://lumenledger.example.com",
                aws_account_id: "318274650192",
                country: "DE",
                incorporated: true,
                stage: Seed,
                engineers: 10,
                months_on_aws: 7,
                monthly_spend_usd: 1_800,
                marketplace_share: 0.0,
                competes_with_aws: false,
                self_serve_credit_usd: 1_000,
                owner: orgs.premier.id,
                onboarded: Ago(60, 2),
            })
            .await?;
        // Reference case 4: pre-seed, no institutional funding and no attestation.
        self.customer(NewCustomer {
            legal_name: "Tidepool Robotics SAS",
            website: "https://tidepool-robotics.example.com",
            aws_account_id: "529301847263",
            country: "FR",
            incorporated: true,
            stage: PreSeed,
            engineers: 3,
            months_on_aws: 2,
            monthly_spend_usd: 250,
            marketplace_share: 0.0,
            competes_with_aws: false,
            self_serve_credit_usd: 0,
            owner: orgs.premier.id,
            onboarded: Ago(14, 6),
        })
        .await?;
        // Reference case 5: a competitor ...
        let stratocloud = self
            .customer(NewCustomer {
                legal_name: "Stratocloud Hosting Ltd",
                website: "https://stratocloud.example.com",
                aws_account_id: "640192837465",
                country: "IE",
                incorporated: true,
                stage: SeriesB,
                engineers: 35,
                months_on_aws: 40,
                monthly_spend_usd: 28_000,
                marketplace_share: 0.1,
                competes_with_aws: true,
                self_serve_credit_usd: 0,
                owner: orgs.premier.id,
                onboarded: Ago(110, 4),
            })
            .await?;
        // ... a company in a sanctioned jurisdiction ...
        self.customer(NewCustomer {
            legal_name: "Persis Data Systems",
            website: "https://persis-data.example.com",
            aws_account_id: "751029384756",
            country: "IR",
            incorporated: true,
            stage: Seed,
            engineers: 8,
            months_on_aws: 5,
            monthly_spend_usd: 1_200,
            marketplace_share: 0.0,
            competes_with_aws: false,
            self_serve_credit_usd: 0,
            owner: orgs.premier.id,
            onboarded: Ago(30, 1),
        })
        .await?;
        // ... and an enterprise, which buys on private pricing rather than Activate.
        self.customer(NewCustomer {
            legal_name: "Meridian Freight Group plc",
            website: "https://meridianfreight.example.com",
            aws_account_id: "862910473825",
            country: "GB",
            incorporated: true,
            stage: Enterprise,
            engineers: 240,
            months_on_aws: 72,
            monthly_spend_usd: 185_000,
            marketplace_share: 0.2,
            competes_with_aws: false,
            self_serve_credit_usd: 0,
            owner: orgs.premier.id,
            onboarded: Ago(45, 5),
        })
        .await?;
        // Reference case 6: the SELECT partner's customer (Portfolio refused, Build for Startups possible).
        self.customer(NewCustomer {
            legal_name: "Cactus Commerce LLC",
            website: "https://cactuscommerce.example.com",
            aws_account_id: "973810294657",
            country: "US",
            incorporated: true,
            stage: Seed,
            engineers: 5,
            months_on_aws: 4,
            monthly_spend_usd: 900,
            marketplace_share: 0.0,
            competes_with_aws: false,
            self_serve_credit_usd: 1_000,
            owner: orgs.select.id,
            onboarded: Ago(25, 2),
        })
        .await?;
        // Reference case 7: attested by the TIER_1 firm, no records yet, so the firm can file Portfolio itself.
        let quill = self
            .customer(NewCustomer {
                legal_name: "Quill Legal AI Ltd",
                website: "https://quill-legal.example.com",
                aws_account_id: "184736290518",
                country: "GB",
                incorporated: true,
                stage: Seed,
                engineers: 7,
                months_on_aws: 6,
                monthly_spend_usd: 1_500,
                marketplace_share: 0.0,
                competes_with_aws: false,
                self_serve_credit_usd: 1_000,
                owner: orgs.advanced.id,
                onboarded: Ago(50, 3),
            })
            .await?;
        let kestrel = self
            .customer(NewCustomer {
                legal_name: "Kestrel Health Technologies Inc",
                website: "https://kestrelhealth.example.com",
                aws_account_id: "295847361029",
                country: "US",
                incorporated: true,
                stage: SeriesB,
                engineers: 45,
                months_on_aws: 30,
                monthly_spend_usd: 22_000,
                marketplace_share: 0.15,
                competes_with_aws: false,
                self_serve_credit_usd: 5_000,
                owner: orgs.premier.id,
                onboarded: Ago(320, 2),
            })
            .await?;
        let fjord = self
            .customer(NewCustomer {
                legal_name: "Fjord Energy AS",
                website: "https://fjord-energy.example.com",
                aws_account_id: "306958472130",
                country: "NO",
                incorporated: true,
                stage: SeriesA,
                engineers: 18,
                months_on_aws: 14,
                monthly_spend_usd: 6_500,
                marketplace_share: 0.08,
                competes_with_aws: false,
                self_serve_credit_usd: 0,
                owner: orgs.advanced.id,
                onboarded: Ago(40, 4),
            })
            .await?;
        let lantern = self
            .customer(NewCustomer {
                legal_name: "Lantern Pay Pte Ltd",
                website: "https://lanternpay.example.com",
                aws_account_id: "417069583241",
                country: "SG",
                incorporated: true,
                stage: SeriesA,
                engineers: 26,
                months_on_aws: 20,
                monthly_spend_usd: 9_500,
                marketplace_share: 0.12,
                competes_with_aws: false,
                self_serve_credit_usd: 0,
                owner: orgs.pacific.id,
                onboarded: Ago(380, 1),
            })
            .await?;
        let vidya = self
            .customer(NewCustomer {
                legal_name: "Vidya Learning Pvt Ltd",
                website: "https://vidyalearning.example.com",
                aws_account_id: "528170694352",
                country: "IN",
                incorporated: true,
                stage: Seed,
                engineers: 12,
                months_on_aws: 11,
                monthly_spend_usd: 2_200,
                marketplace_share: 0.05,
                competes_with_aws: false,
                self_serve_credit_usd: 1_000,
                owner: orgs.pacific.id,
                onboarded: Ago(350, 5),
            })
            .await?;
        let helix = self
            .customer(NewCustomer {
                legal_name: "Helix Genomics SAS",
                website: "https://helixgenomics.example.com",
                aws_account_id: "639281705463",
                country: "FR",
                incorporated: true,
                stage: SeriesCPlus,
                engineers: 120,
                months_on_aws: 48,
                monthly_spend_usd: 90_000,
                marketplace_share: 0.22,
                competes_with_aws: false,
                self_serve_credit_usd: 0,
                owner: orgs.premier.id,
                onboarded: Ago(230, 3),
            })
            .await?;
        // Most of its spend goes through AWS Marketplace: MARKETPLACE_SHARE warns.
        let paperplane = self
            .customer(NewCustomer {
                legal_name: "Paperplane Docs Ltd",
                website: "https://paperplanedocs.example.com",
                aws_account_id: "740392816574",
                country: "GB",
                incorporated: true,
                stage: Bootstrapped,
                engineers: 6,
                months_on_aws: 30,
                monthly_spend_usd: 2_500,
                marketplace_share: 0.62,
                competes_with_aws: false,
                self_serve_credit_usd: 0,
                owner: orgs.advanced.id,
                onboarded: Ago(140, 6),
            })
            .await?;
        let carioca = self
            .customer(NewCustomer {
                legal_name: "Carioca Freight Tech Ltda",
                website: "https://cariocafreight.example.com",
                aws_account_id: "851403927685",
                country: "BR",
                incorporated: true,
                stage: SeriesA,
                engineers: 15,
                months_on_aws: 10,
                monthly_spend_usd: 5_200,
                marketplace_share: 0.0,
                competes_with_aws: false,
                self_serve_credit_usd: 0,
                owner: orgs.orbit.id,
                onboarded: Ago(20, 2),
            })
            .await?;
        let brickyard = self
            .customer(NewCustomer {
                legal_name: "Brickyard Games Inc",
                website: "https://brickyardgames.example.com",
                aws_account_id: "962514038796",
                country: "US",
                incorporated: true,
                stage: Seed,
                engineers: 9,
                months_on_aws: 8,
                monthly_spend_usd: 1_900,
                marketplace_share: 0.3,
                competes_with_aws: false,
                self_serve_credit_usd: 1_000,
                owner: orgs.select.id,
                onboarded: Ago(170, 4),
            })
            .await?;
        self.customer(NewCustomer {
            legal_name: "Cityworks Digital GmbH",
            website: "https://cityworks-digital.example.com",
            aws_account_id: "173625049807",
            country: "DE",
            incorporated: true,
            stage: PublicSector,
            engineers: 40,
            months_on_aws: 36,
            monthly_spend_usd: 15_000,
            marketplace_share: 0.0,
            competes_with_aws: false,
            self_serve_credit_usd: 0,
            owner: orgs.premier.id,
            onboarded: Ago(35, 1),
        })
        .await?;
        let nimbus = self
            .customer(NewCustomer {
                legal_name: "Nimbus Print Studio Ltd",
                website: "https://nimbusprint.example.com",
                aws_account_id: "284736150918",
                country: "GB",
                incorporated: true,
                stage: Bootstrapped,
                engineers: 2,
                months_on_aws: 18,
                monthly_spend_usd: 350,
                marketplace_share: 0.0,
                competes_with_aws: false,
                self_serve_credit_usd: 0,
                owner: orgs.quicklaunch.id,
                onboarded: Ago(70, 5),
            })
            .await?;
        Ok(Customers {
            northwind,
            lumen,
            stratocloud,
            quill,
            kestrel,
            fjord,
            lantern,
            vidya,
            helix,
            paperplane,
            carioca,
            brickyard,
            nimbus,
        })
    }

    async fn customer(&self, c: NewCustomer) -> Result<customer::Model, AppError> {
        let at = self.at(c.onboarded);
        Ok(customer::ActiveModel {
            legal_name: Set(c.legal_name.to_owned()),
            website: Set(c.website.to_owned()),
            aws_account_id: Set(c.aws_account_id.to_owned()),
            country: Set(c.country.to_owned()),
            incorporated: Set(c.incorporated),
            funding_stage: Set(c.stage),
            engineer_count: Set(c.engineers),
            months_on_aws: Set(c.months_on_aws),
            monthly_aws_spend_usd: Set(c.monthly_spend_usd),
            marketplace_spend_share: Set(c.marketplace_share),
            competes_with_aws: Set(c.competes_with_aws),
            self_serve_credit_usd: Set(c.self_serve_credit_usd),
            owner_partner_id: Set(Some(c.owner)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(self.txn)
        .await?)
    }

    // ---- users ---------------------------------------------------------------------------------------------------

    async fn people(&self, orgs: &Orgs, customers: &Customers) -> Result<People, AppError> {
        let staff = Ago(400, 0);
        let admin = self
            .user(
                "admin@acegate.example.com",
                "Priya Natarajan",
                Member::Staff(Role::Admin),
                staff,
            )
            .await?;
        let reviewer = self
            .user(
                "reviewer@acegate.example.com",
                "Marcus Webb",
                Member::Staff(Role::Reviewer),
                staff,
            )
            .await?;
        self.user(
            "analyst@acegate.example.com",
            "Lena Fischer",
            Member::Staff(Role::Analyst),
            staff,
        )
        .await?;
        let partner_premier = self
            .user(
                "partner-premier@acegate.example.com",
                "Jordan Ellis",
                Member::Partner(orgs.premier.id),
                staff,
            )
            .await?;
        let partner_advanced = self
            .user(
                "partner-advanced@acegate.example.com",
                "Sophie Carter",
                Member::Partner(orgs.advanced.id),
                staff,
            )
            .await?;
        let partner_select = self
            .user(
                "partner-select@acegate.example.com",
                "Diego Ramos",
                Member::Partner(orgs.select.id),
                staff,
            )
            .await?;
        let vc_portfolio = self
            .user(
                "vc-portfolio@acegate.example.com",
                "Hannah Okafor",
                Member::Vc(orgs.summit.id),
                staff,
            )
            .await?;
        let vc_emerging = self
            .user(
                "vc-emerging@acegate.example.com",
                "Tom Becker",
                Member::Vc(orgs.seedling.id),
                staff,
            )
            .await?;
        let founder_joined = Ago(21, 2);
        self.user(
            "founder@acegate.example.com",
            "Olivia Grant",
            Member::Founder(customers.northwind.id),
            founder_joined,
        )
        .await?;
        // Not printed at start-up, but they share the demo password.
        self.user(
            "reviewer2@acegate.example.com",
            "Kenji Watanabe",
            Member::Staff(Role::Reviewer),
            staff,
        )
        .await?;
        let partner_premier_2 = self
            .user(
                "partner-premier-2@acegate.example.com",
                "Rachel Kim",
                Member::Partner(orgs.premier.id),
                staff,
            )
            .await?;
        let partner_apac = self
            .user(
                "partner-apac@acegate.example.com",
                "Arjun Mehta",
                Member::Partner(orgs.pacific.id),
                staff,
            )
            .await?;
        let partner_orbit = self
            .user(
                "partner-orbit@acegate.example.com",
                "Camila Souza",
                Member::Partner(orgs.orbit.id),
                staff,
            )
            .await?;
        let partner_quicklaunch = self
            .user(
                "partner-quicklaunch@acegate.example.com",
                "Ben Hollis",
                Member::Partner(orgs.quicklaunch.id),
                staff,
            )
            .await?;
        let vc_harbour = self
            .user(
                "vc-harbour@acegate.example.com",
                "Samuel Adeyemi",
                Member::Vc(orgs.harbour.id),
                staff,
            )
            .await?;
        Ok(People {
            admin,
            reviewer,
            partner_premier,
            partner_premier_2,
            partner_advanced,
            partner_select,
            partner_apac,
            partner_orbit,
            partner_quicklaunch,
            vc_portfolio,
            vc_harbour,
            vc_emerging,
        })
    }

    async fn user(
        &self,
        email: &str,
        display_name: &str,
        member: Member,
        joined: Ago,
    ) -> Result<i64, AppError> {
        let (role, partner_id, vc_firm_id, customer_id) = match member {
            Member::Staff(role) => (role, None, None, None),
            Member::Partner(id) => (Role::Partner, Some(id), None, None),
            Member::Vc(id) => (Role::Vc, None, Some(id), None),
            Member::Founder(id) => (Role::Founder, None, None, Some(id)),
        };
        let at = self.at(joined);
        let row = user::ActiveModel {
            email: Set(email.to_owned()),
            email_normalized: Set(email.to_lowercase()),
            display_name: Set(display_name.to_owned()),
            role: Set(role),
            partner_id: Set(partner_id),
            vc_firm_id: Set(vc_firm_id),
            customer_id: Set(customer_id),
            password_hash: Set(self.password_hash.to_owned()),
            failed_login_count: Set(0),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(self.txn)
        .await?;
        Ok(row.id)
    }

    // ---- track record (DESIGN.md §6) -----------------------------------------------------------------------------

    /// Imported history chosen so that Advanced Stack Consulting is FAST_TRACK (26 decided, close rate 0.85),
    /// Fresh Orbit Labs (3 decided) and QuickLaunch (close rate 0.3) are EXTRA_SCRUTINY and the others NORMAL
    /// (Premier 0.6, Select 0.63, Pacific 0.54). The margins keep these classes when the demo records' own decisions
    /// are merged in, and when the window drops the oldest month.
    async fn track_records(&self, orgs: &Orgs, people: &People) -> Result<(), AppError> {
        use FundingSource::*;
        // One letter per month: N nothing filed, A one filed and approved, R one filed and rejected, P one filed
        // and still pending at month end; a tuple spells out a busier month.
        const N: (i32, i32, i32) = (0, 0, 0);
        const A: (i32, i32, i32) = (1, 1, 0);
        const R: (i32, i32, i32) = (1, 0, 1);
        const P: (i32, i32, i32) = (1, 0, 0);
        #[rustfmt::skip]
        let history: [(i64, FundingSource, MonthlyFigures); 12] = [
            (orgs.advanced.id, ActivatePortfolio, [A, N, A, R, N, A, A, N, A, A, N, A]),
            (orgs.advanced.id, BuildForStartups, [A, A, N, (2, 1, 1), A, N, A, (2, 2, 0), N, A, R, A]),
            (orgs.advanced.id, GenaiPoc, [N, N, A, N, A, N, A, R, A, N, A, A]),
            (orgs.premier.id, ActivatePortfolio, [A, N, R, N, A, R, N, A, N, R, N, N]),
            (orgs.premier.id, GenaiPoc, [N, A, N, R, N, A, A, N, R, N, A, N]),
            (orgs.premier.id, Migration, [R, A, N, A, R, N, A, R, N, A, N, A]),
            (orgs.select.id, BuildForStartups, [A, N, R, A, N, A, R, N, A, R, N, A]),
            (orgs.pacific.id, Migration, [A, N, R, N, A, R, N, A, R, N, A, R]),
            (orgs.pacific.id, BuildForStartups, [N, A, N, R, N, A, N, A, N, R, N, N]),
            (orgs.orbit.id, BuildForStartups, [N, N, N, N, N, N, N, N, A, N, P, N]),
            (orgs.orbit.id, GenaiPoc, [N, N, N, N, N, N, N, N, N, R, N, A]),
            (orgs.quicklaunch.id, BuildForStartups, [R, A, R, N, (2, 0, 2), A, R, N, R, A, R, N]),
        ];
        let imported_at = self.at(Ago(2, 5));
        let rows = history.iter().flat_map(|(partner_id, source, months)| {
            months
                .iter()
                .enumerate()
                .map(move |(index, &(submitted, approved, rejected))| {
                    track_record_month::ActiveModel {
                        partner_id: Set(*partner_id),
                        month: Set(month_before(self.now, 12 - index as i32)),
                        funding_source: Set(*source),
                        submitted: Set(submitted),
                        approved: Set(approved),
                        rejected: Set(rejected),
                        awarded_usd: Set(i64::from(approved) * typical_award_usd(*source)),
                        imported_by_user_id: Set(Some(people.admin)),
                        imported_at: Set(imported_at),
                        ..Default::default()
                    }
                })
        });
        track_record_month::Entity::insert_many(rows)
            .exec_without_returning(self.txn)
            .await?;
        Ok(())
    }

    // ---- funding attestations ------------------------------------------------------------------------------------

    async fn attestations(
        &mut self,
        orgs: &Orgs,
        customers: &Customers,
        people: &People,
    ) -> Result<(), AppError> {
        use FundingStage::*;
        let summit = |customer, round, amount_usd, closed_days_ago, attested| NewAttestation {
            vc_firm: orgs.summit.id,
            attested_by: people.vc_portfolio,
            customer,
            round,
            amount_usd,
            closed_days_ago,
            attested,
            revoked: None,
        };
        let harbour = |customer, round, amount_usd, closed_days_ago, attested| NewAttestation {
            vc_firm: orgs.harbour.id,
            attested_by: people.vc_harbour,
            customer,
            round,
            amount_usd,
            closed_days_ago,
            attested,
            revoked: None,
        };
        self.attest(summit(
            &customers.kestrel,
            SeriesB,
            40_000_000,
            400,
            Ago(310, 3),
        ))
        .await?;
        self.attest(harbour(
            &customers.lantern,
            SeriesA,
            8_000_000,
            420,
            Ago(370, 2),
        ))
        .await?;
        self.attest(harbour(
            &customers.helix,
            SeriesCPlus,
            85_000_000,
            500,
            Ago(220, 5),
        ))
        .await?;
        self.attest(NewAttestation {
            vc_firm: orgs.seedling.id,
            attested_by: people.vc_emerging,
            ..harbour(&customers.brickyard, Seed, 750_000, 200, Ago(160, 4))
        })
        .await?;
        self.attest(harbour(&customers.lumen, Seed, 2_000_000, 200, Ago(50, 6)))
            .await?;
        self.attest(summit(&customers.quill, Seed, 3_500_000, 90, Ago(44, 2)))
            .await?;
        self.attest(summit(&customers.fjord, SeriesA, 9_000_000, 60, Ago(35, 1)))
            .await?;
        self.attest(summit(
            &customers.northwind,
            SeriesA,
            12_000_000,
            150,
            Ago(18, 4),
        ))
        .await?;
        self.attest(NewAttestation {
            revoked: Some((
                Ago(6, 3),
                "Attested in error: Harbour Lane took part in the bridge note only; the Series A was led by another \
                 firm, which should attest it.",
            )),
            ..harbour(&customers.carioca, SeriesA, 6_000_000, 30, Ago(15, 2))
        })
        .await?;
        Ok(())
    }

    async fn attest(&mut self, a: NewAttestation<'_>) -> Result<(), AppError> {
        let attested_at = self.at(a.attested);
        let revoked_at = a.revoked.map(|(at, _)| self.at(at));
        let row = funding_attestation::ActiveModel {
            vc_firm_id: Set(a.vc_firm),
            customer_id: Set(a.customer.id),
            round: Set(a.round),
            amount_usd: Set(a.amount_usd),
            closed_on: Set(self.days_ago_date(a.closed_days_ago)),
            attested_by_user_id: Set(a.attested_by),
            attested_at: Set(attested_at),
            revoked_at: Set(revoked_at),
            revocation_reason: Set(a.revoked.map(|(_, reason)| reason.to_owned())),
            revoked_by_user_id: Set(a.revoked.map(|_| a.attested_by)),
            ..Default::default()
        }
        .insert(self.txn)
        .await?;
        self.audit.push(AuditRow {
            at: attested_at,
            actor: a.attested_by,
            action: "attestation.create",
            subject_type: "FundingAttestation",
            subject_id: row.id,
            before: None,
            after: json!({ "round": a.round.as_str(), "amountUsd": a.amount_usd, "revoked": false }),
        });
        if let Some(at) = revoked_at {
            self.audit.push(AuditRow {
                at,
                actor: a.attested_by,
                action: "attestation.revoke",
                subject_type: "FundingAttestation",
                subject_id: row.id,
                before: Some(json!({ "revoked": false })),
                after: json!({ "revoked": true }),
            });
        }
        Ok(())
    }

    fn days_ago_date(&self, days: i64) -> NaiveDate {
        (self.now - Duration::days(days)).date_naive()
    }

    // ---- opportunity records -------------------------------------------------------------------------------------

    /// Records in creation order, so that references (O1000001, O1000002, …) follow time.
    async fn records(&mut self, orgs: &Orgs, c: &Customers, p: &People) -> Result<(), AppError> {
        use AwsService::*;
        use FundingSource::*;
        use Step::*;
        let reviewer = p.reviewer;
        let premier = |user| Filer::Partner {
            partner: orgs.premier.id,
            user,
        };
        let advanced = Filer::Partner {
            partner: orgs.advanced.id,
            user: p.partner_advanced,
        };
        let select = Filer::Partner {
            partner: orgs.select.id,
            user: p.partner_select,
        };
        let pacific = Filer::Partner {
            partner: orgs.pacific.id,
            user: p.partner_apac,
        };
        let orbit = Filer::Partner {
            partner: orgs.orbit.id,
            user: p.partner_orbit,
        };
        let quicklaunch = Filer::Partner {
            partner: orgs.quicklaunch.id,
            user: p.partner_quicklaunch,
        };
        let summit = Filer::Vc {
            vc_firm: orgs.summit.id,
            user: p.vc_portfolio,
        };

        // O1000001: CREDITS_ISSUED (reduced); 12-month grant expiring within 30 days.
        self.file(
            Filing {
                customer: &c.lantern,
                filer: pacific,
                partner_reference: Some("PLS-0311"),
                funding_source: Migration,
                engagement_type: EngagementType::Migrate,
                workload_name: "Card ledger migration",
                use_case: "Lantern Pay processes card-present payments for 3,000 merchants in Singapore and Malaysia. \
                    Its ledger and nightly settlement batch run on two racks of ageing on-premises servers with \
                    Oracle. The migration moves settlement to EC2 Auto Scaling groups and the ledger to Amazon RDS \
                    for PostgreSQL, with DynamoDB holding idempotency keys for card authorisations.",
                scope_of_work: "Pacific Lift & Shift runs a two-week discovery, builds the landing zone, migrates the \
                    ledger with AWS DMS in three waves and decommissions the on-premises racks by week 14.",
                lines: &[(Ec2, 6_000), (Rds, 4_500), (Dynamodb, 1_200), (Cloudwatch, 400)],
                estimated_annual_deal_usd: 145_000,
                requested_amount_usd: 80_000,
                created: Ago(362, 5),
            },
            reviewer,
            &[
                Submit(Ago(361, 2)),
                StartReview(Ago(358, 6)),
                ApproveReduced {
                    at: Ago(352, 3),
                    amount: 60_000,
                    reasons: &["PLAUSIBLE_SPEND"],
                    comment: "Migration covers the ledger and settlement only; award sized to five months of the \
                        projected run rate.",
                },
                IssueCredits(Ago(345, 4)),
            ],
        )
        .await?;

        // O1000002: CREDITS_ISSUED; 12-month grant expiring within 60 (not 30) days.
        self.file(
            Filing {
                customer: &c.vidya,
                filer: pacific,
                partner_reference: Some("PLS-0327"),
                funding_source: BuildForStartups,
                engagement_type: EngagementType::Build,
                workload_name: "Adaptive quiz engine",
                use_case: "Vidya Learning serves practice tests to 250,000 secondary-school students preparing for \
                    board exams. The new adaptive quiz engine picks each next question from the student's answer \
                    history. It runs as Lambda functions behind API Gateway with DynamoDB for attempt history and \
                    CloudFront in front of the question media.",
                scope_of_work: "Pacific Lift & Shift designs the serverless architecture, builds the \
                    question-selection service and load-tests it for exam-season peaks of ten times normal traffic, \
                    over eight weeks.",
                lines: &[(Lambda, 900), (Dynamodb, 700), (S3, 200), (Cloudfront, 300)],
                estimated_annual_deal_usd: 26_000,
                requested_amount_usd: 25_000,
                created: Ago(336, 7),
            },
            reviewer,
            &[
                Submit(Ago(334, 3)),
                StartReview(Ago(332, 2)),
                Approve { at: Ago(326, 5), comment: "Checklist clean; approved at the requested amount." },
                IssueCredits(Ago(320, 1)),
            ],
        )
        .await?;

        // O1000003: VC-filed Portfolio, CREDITS_ISSUED; 24-month grant.
        self.file(
            Filing {
                customer: &c.kestrel,
                filer: summit,
                partner_reference: None,
                funding_source: ActivatePortfolio,
                engagement_type: EngagementType::Build,
                workload_name: "Clinical trial data platform",
                use_case: "Kestrel runs remote clinical-trial monitoring for mid-size sponsors. The platform ingests \
                    wearable and patient-reported data from 40,000 trial participants, normalises it into FHIR \
                    resources and serves dashboards to sponsor study teams. Moving ingestion to EKS and the study \
                    data store to Aurora PostgreSQL is required for the two trials starting next quarter.",
                scope_of_work: "Filed by Summit Peak Ventures for its portfolio company. Kestrel's platform team \
                    delivers the build in-house: EKS ingestion cluster live in month 2, Aurora migration of the \
                    study store in month 3, SageMaker anomaly-detection models in month 5.",
                lines: &[(Eks, 9_000), (Aurora, 6_000), (Sagemaker, 4_000), (S3, 2_500)],
                estimated_annual_deal_usd: 258_000,
                requested_amount_usd: 100_000,
                created: Ago(301, 4),
            },
            reviewer,
            &[
                Submit(Ago(300, 20)),
                StartReview(Ago(297, 3)),
                Approve {
                    at: Ago(290, 6),
                    comment: "Tier-1 attestation of the Series B on file; spend inside the Series B band.",
                },
                IssueCredits(Ago(286, 2)),
            ],
        )
        .await?;

        // O1000004: GenAI POC, CREDITS_ISSUED.
        self.file(
            Filing {
                customer: &c.helix,
                filer: premier(p.partner_premier),
                partner_reference: Some("PCP-2291"),
                funding_source: GenaiPoc,
                engagement_type: EngagementType::Build,
                workload_name: "Variant interpretation assistant",
                use_case: "Clinical geneticists at partner hospitals spend hours per case reading the literature on \
                    rare variants. The assistant retrieves the relevant publications and ClinVar entries for a \
                    variant and drafts a cited interpretation summary with Amazon Bedrock, which the geneticist \
                    reviews and signs off.",
                scope_of_work: "Premier Cloud Partners builds a retrieval pipeline over PubMed abstracts and ClinVar, \
                    evaluates three Bedrock models against 200 cases curated by Helix's clinical team and hands over \
                    a production-ready prototype in ten weeks.",
                lines: &[(Bedrock, 6_000), (Sagemaker, 2_500), (S3, 1_200)],
                estimated_annual_deal_usd: 116_000,
                requested_amount_usd: 25_000,
                created: Ago(212, 3),
            },
            reviewer,
            &[
                Submit(Ago(210, 5)),
                StartReview(Ago(208, 1)),
                Approve { at: Ago(200, 4), comment: "Clear Bedrock workload with an evaluation plan; approved." },
                IssueCredits(Ago(196, 2)),
            ],
        )
        .await?;

        // O1000005: CREDITS_ISSUED after a clarification round the filer answered.
        self.file(
            Filing {
                customer: &c.brickyard,
                filer: select,
                partner_reference: Some("SSB-118"),
                funding_source: BuildForStartups,
                engagement_type: EngagementType::Build,
                workload_name: "Multiplayer matchmaking backend",
                use_case: "Brickyard Games launches a cross-platform party game next quarter. The matchmaking backend \
                    groups players by skill and latency, runs session servers on ECS with Fargate Spot and keeps \
                    player profiles and match history in DynamoDB.",
                scope_of_work: "Select Startup Builders builds the matchmaking service and the session-server \
                    autoscaling, and runs a 5,000-player load test before the launch, over six weeks.",
                lines: &[(Fargate, 1_600), (Dynamodb, 700), (Lambda, 300)],
                estimated_annual_deal_usd: 31_000,
                requested_amount_usd: 20_000,
                created: Ago(152, 6),
            },
            reviewer,
            &[
                Submit(Ago(150, 4)),
                StartReview(Ago(148, 2)),
                AskClarification {
                    at: Ago(145, 5),
                    question: "The projection is $2,600/month from launch. How many concurrent players does that \
                        assume, and is the session-server fleet sized for the launch peak or for steady state?",
                },
                Reply {
                    at: Ago(142, 3),
                    answer: "It assumes 5,000 peak concurrent players at launch (closed-beta numbers times four). The \
                        Fargate fleet scales between 4 and 60 tasks; $2,600 is the steady-state average after the \
                        launch month.",
                },
                StartReview(Ago(141, 6)),
                Approve { at: Ago(137, 2), comment: "Sizing explained; approved at the requested amount." },
                IssueCredits(Ago(133, 1)),
            ],
        )
        .await?;

        // O1000006: CREDITS_ISSUED at a reduced amount (Marketplace-heavy customer).
        self.file(
            Filing {
                customer: &c.paperplane,
                filer: advanced,
                partner_reference: Some("SF-0017"),
                funding_source: GenaiPoc,
                engagement_type: EngagementType::Build,
                workload_name: "Contract clause summariser",
                use_case: "Paperplane's users upload supplier contracts and want to know which clauses deviate from \
                    their playbook. The summariser extracts clauses, compares them with the firm's standard positions \
                    using Amazon Bedrock and highlights the unusual ones with a one-line explanation.",
                scope_of_work: "Advanced Stack Consulting builds the extraction and comparison pipeline on Lambda and \
                    Bedrock and an evaluation set of 300 annotated contracts, over six weeks.",
                lines: &[(Bedrock, 900), (Lambda, 250), (S3, 100)],
                estimated_annual_deal_usd: 15_000,
                requested_amount_usd: 20_000,
                created: Ago(120, 2),
            },
            reviewer,
            &[
                Submit(Ago(118, 5)),
                StartReview(Ago(116, 3)),
                ApproveReduced {
                    at: Ago(110, 4),
                    amount: 12_000,
                    reasons: &["MARKETPLACE_SHARE"],
                    comment: "Most of the customer's spend is billed through AWS Marketplace; award reduced to the \
                        credit-eligible portion.",
                },
                IssueCredits(Ago(105, 2)),
            ],
        )
        .await?;

        // O1000007: REJECTED, competitor (the customer record was corrected after the review).
        self.file(
            Filing {
                customer: &c.stratocloud,
                filer: premier(p.partner_premier_2),
                partner_reference: Some("PCP-2410"),
                funding_source: BuildForStartups,
                engagement_type: EngagementType::Build,
                workload_name: "Managed Kubernetes control plane",
                use_case: "Stratocloud sells managed Kubernetes hosting to European small businesses. This workload \
                    builds a multi-tenant control plane that provisions customer clusters on EC2 bare-metal instances \
                    and resells them under Stratocloud's brand.",
                scope_of_work: "Premier Cloud Partners designs the tenant isolation model and the cluster provisioning \
                    automation, over twelve weeks.",
                lines: &[(Ec2, 14_000), (Other, 3_000), (S3, 1_000)],
                estimated_annual_deal_usd: 216_000,
                requested_amount_usd: 25_000,
                created: Ago(97, 5),
            },
            reviewer,
            &[
                Submit(Ago(95, 2)),
                StartReview(Ago(93, 4)),
                Reject {
                    at: Ago(88, 3),
                    reasons: &["NOT_AWS_COMPETITOR"],
                    comment: "The product is a hosting service that competes directly with Amazon EKS; credits cannot \
                        fund a competing offering. The customer record has been corrected.",
                },
            ],
        )
        .await?;

        // O1000008: REJECTED, static hosting only (filed by the low-close-rate partner).
        self.file(
            Filing {
                customer: &c.nimbus,
                filer: quicklaunch,
                partner_reference: Some("QL-77"),
                funding_source: BuildForStartups,
                engagement_type: EngagementType::Build,
                workload_name: "Marketing website refresh",
                use_case: "Nimbus Print Studio wants to rebuild its brochure website and portfolio gallery as a \
                    static site.",
                scope_of_work: "QuickLaunch Cloud Services builds the static site and sets up the CDN, over two weeks.",
                lines: &[(S3, 150), (Cloudfront, 200)],
                estimated_annual_deal_usd: 4_200,
                requested_amount_usd: 25_000,
                created: Ago(62, 3),
            },
            reviewer,
            &[
                Submit(Ago(60, 5)),
                StartReview(Ago(59, 2)),
                Reject {
                    at: Ago(55, 6),
                    reasons: &["AWS_CONSUMING_WORKLOAD"],
                    comment: "Static hosting only (S3 and CloudFront, $350/month) does not support a $25,000 award; \
                        the self-serve Builders tier is the right fit.",
                },
            ],
        )
        .await?;

        // O1000009: WITHDRAWN by the filer after submission.
        self.file(
            Filing {
                customer: &c.lumen,
                filer: premier(p.partner_premier),
                partner_reference: Some("PCP-2457"),
                funding_source: BuildForStartups,
                engagement_type: EngagementType::Build,
                workload_name: "Invoice reconciliation API",
                use_case: "Lumen Ledger matches incoming bank transactions to open invoices for German SMEs. The \
                    reconciliation API runs on ECS Fargate with RDS PostgreSQL and exposes matches to accounting \
                    tools through webhooks.",
                scope_of_work: "Premier Cloud Partners containerises the matcher and sets up the RDS schema and \
                    webhook delivery, over five weeks.",
                lines: &[(Fargate, 900), (Rds, 600), (S3, 100)],
                estimated_annual_deal_usd: 19_000,
                requested_amount_usd: 25_000,
                created: Ago(41, 4),
            },
            reviewer,
            &[Submit(Ago(39, 6)), Withdraw(Ago(37, 2))],
        )
        .await?;

        // O1000010: APPROVED, awaiting issuance (Portfolio, 24 months).
        self.file(
            Filing {
                customer: &c.helix,
                filer: premier(p.partner_premier),
                partner_reference: Some("PCP-2503"),
                funding_source: ActivatePortfolio,
                engagement_type: EngagementType::Build,
                workload_name: "Genome sequencing pipeline",
                use_case: "Helix Genomics processes whole-genome sequencing runs for hospital laboratories. The \
                    pipeline moves secondary analysis (alignment and variant calling) from a fixed HPC cluster to EKS \
                    with Spot nodes, stores BAM and VCF output in S3 with lifecycle tiering, and keeps sample metadata \
                    in Aurora.",
                scope_of_work: "Premier Cloud Partners ports the Nextflow workflows to EKS, sets up Spot provisioning \
                    and S3 Intelligent-Tiering, and validates against 500 archived samples before cut-over, over \
                    sixteen weeks.",
                lines: &[(Eks, 38_000), (S3, 14_000), (Aurora, 6_000), (Cloudwatch, 2_000)],
                estimated_annual_deal_usd: 720_000,
                requested_amount_usd: 100_000,
                created: Ago(14, 5),
            },
            reviewer,
            &[
                Submit(Ago(12, 3)),
                StartReview(Ago(10, 6)),
                Approve {
                    at: Ago(3, 2),
                    comment: "Attested Series C+, spend inside the band, distinct from the GenAI POC; approved.",
                },
            ],
        )
        .await?;

        // O1000011: ACTION_REQUIRED, the reviewer's question awaits the filer's reply.
        self.file(
            Filing {
                customer: &c.paperplane,
                filer: advanced,
                partner_reference: Some("SF-0039"),
                funding_source: BuildForStartups,
                engagement_type: EngagementType::Build,
                workload_name: "Document e-signature service",
                use_case: "Paperplane Docs sells a contract-drafting tool to UK law firms. The new e-signature service \
                    adds eIDAS-compliant signing: PDF rendering and signing run on Lambda, document hashes and the \
                    signing audit trail are kept in DynamoDB.",
                scope_of_work: "Advanced Stack Consulting builds the signing workflow, the audit trail and the \
                    integration with the existing drafting tool, over seven weeks.",
                lines: &[(Lambda, 1_200), (Dynamodb, 600), (S3, 400), (Cloudwatch, 100)],
                estimated_annual_deal_usd: 27_600,
                requested_amount_usd: 25_000,
                created: Ago(11, 2),
            },
            reviewer,
            &[
                Submit(Ago(9, 4)),
                StartReview(Ago(7, 3)),
                AskClarification {
                    at: Ago(5, 1),
                    question: "62% of Paperplane's AWS spend is billed through AWS Marketplace, which is not \
                        credit-eligible. Please confirm how much of the projected $2,300/month runs in Paperplane's \
                        own account, and whether the e-signature service will also be sold through Marketplace.",
                },
            ],
        )
        .await?;

        // O1000012: VC-filed Portfolio, IN_REVIEW.
        self.file(
            Filing {
                customer: &c.fjord,
                filer: summit,
                partner_reference: Some("SPV-PORT-019"),
                funding_source: ActivatePortfolio,
                engagement_type: EngagementType::Build,
                workload_name: "Grid load forecasting platform",
                use_case: "Fjord Energy forecasts hourly electricity load for Norwegian distribution grid operators. \
                    Gradient-boosted and transformer models are trained on SageMaker from smart-meter time series \
                    kept in Aurora, and the forecasts are served to operators from an API on ECS.",
                scope_of_work: "Filed by Summit Peak Ventures for its portfolio company. Fjord's data team moves \
                    training from on-premises GPUs to SageMaker in month 1 and onboards three more grid operators by \
                    month 4.",
                lines: &[(Sagemaker, 3_500), (Ecs, 2_000), (Aurora, 1_500), (S3, 500)],
                estimated_annual_deal_usd: 90_000,
                requested_amount_usd: 75_000,
                created: Ago(8, 3),
            },
            reviewer,
            &[Submit(Ago(6, 5)), StartReview(Ago(2, 4))],
        )
        .await?;

        // O1000013: SUBMITTED.
        self.file(
            Filing {
                customer: &c.vidya,
                filer: pacific,
                partner_reference: Some("PLS-0402"),
                funding_source: Migration,
                engagement_type: EngagementType::Migrate,
                workload_name: "Student records migration",
                use_case: "Vidya's student-records system (profiles, enrolments and exam results for 250,000 students) \
                    still runs on a colocated MySQL server behind a PHP monolith. This engagement migrates the \
                    database to Aurora MySQL and rehosts the monolith on EC2 before it is broken up.",
                scope_of_work: "Pacific Lift & Shift migrates the database with AWS DMS, rehosts the application \
                    on EC2 behind a load balancer and retires the colocation contract, over ten weeks.",
                lines: &[(Aurora, 1_400), (Ec2, 1_100), (S3, 150), (Cloudwatch, 100)],
                estimated_annual_deal_usd: 33_000,
                requested_amount_usd: 40_000,
                created: Ago(5, 6),
            },
            reviewer,
            &[Submit(Ago(4, 2))],
        )
        .await?;

        // O1000014: SUBMITTED by the thin-history partner (extra scrutiny).
        self.file(
            Filing {
                customer: &c.carioca,
                filer: orbit,
                partner_reference: Some("ORB-117"),
                funding_source: BuildForStartups,
                engagement_type: EngagementType::Build,
                workload_name: "Route optimisation service",
                use_case: "Carioca Freight Tech plans delivery routes for 1,200 trucks in Rio de Janeiro and \
                    São Paulo. Nightly optimisation jobs run on Fargate, live re-routing runs on Lambda from traffic \
                    feeds, and trip history is kept in DynamoDB.",
                scope_of_work: "Fresh Orbit Labs builds the optimisation job pipeline and the live re-routing \
                    service, over eight weeks.",
                lines: &[(Fargate, 2_200), (Lambda, 600), (Dynamodb, 900)],
                estimated_annual_deal_usd: 44_000,
                requested_amount_usd: 25_000,
                created: Ago(4, 5),
            },
            reviewer,
            &[Submit(Ago(3, 1))],
        )
        .await?;

        // O1000015: reference case 1, the Portfolio record, SUBMITTED and awaiting review.
        self.file(
            Filing {
                customer: &c.northwind,
                filer: advanced,
                partner_reference: Some("SF-0042"),
                funding_source: ActivatePortfolio,
                engagement_type: EngagementType::Build,
                workload_name: "Core analytics platform",
                use_case: "Northwind Analytics sells a self-serve product-analytics SaaS to 300 European e-commerce \
                    brands. The core platform ingests clickstream events, aggregates them into per-customer funnels \
                    and serves dashboards. It is moving from a single EC2 host to EKS, with Aurora PostgreSQL as the \
                    event warehouse, to onboard the enterprise tier signed after the Series A.",
                scope_of_work: "Advanced Stack Consulting containerises the ingestion and query services, builds the \
                    EKS platform with GitOps deployment and migrates the warehouse to Aurora, over twelve weeks.",
                lines: &[(Eks, 3_200), (Aurora, 2_200), (S3, 400), (Cloudwatch, 200)],
                estimated_annual_deal_usd: 72_000,
                requested_amount_usd: 100_000,
                created: Ago(2, 6),
            },
            reviewer,
            &[Submit(Ago(1, 3))],
        )
        .await?;

        // O1000016: reference case 1, the GenAI POC record for a distinct workload, still a DRAFT.
        self.file(
            Filing {
                customer: &c.northwind,
                filer: advanced,
                partner_reference: Some("SF-0043"),
                funding_source: GenaiPoc,
                engagement_type: EngagementType::Build,
                workload_name: "Customer support agent",
                use_case: "An in-product support agent answers Northwind customers' how-to questions with Amazon \
                    Bedrock, retrieving from the documentation and past tickets, and hands the conversation to a \
                    human with a summary when it cannot answer.",
                scope_of_work: "Advanced Stack Consulting builds the retrieval index, the agent and its evaluation \
                    against 500 historical tickets, over six weeks.",
                lines: &[(Bedrock, 1_500), (Lambda, 300), (Dynamodb, 200)],
                estimated_annual_deal_usd: 24_000,
                requested_amount_usd: 25_000,
                created: Ago(1, 2),
            },
            reviewer,
            &[],
        )
        .await?;

        // O1000017: DRAFT by the SELECT partner (GenAI POC is open to any tier).
        self.file(
            Filing {
                customer: &c.brickyard,
                filer: select,
                partner_reference: Some("SSB-131"),
                funding_source: GenaiPoc,
                engagement_type: EngagementType::Build,
                workload_name: "NPC dialogue generator",
                use_case: "Game writers describe a quest in a few lines and get branching dialogue for its non-player \
                    characters, generated with Bedrock models and passed through a moderation step, so that quests \
                    can be prototyped in minutes.",
                scope_of_work: "Select Startup Builders builds the generation and moderation pipeline and a writer's \
                    tool in the studio's editor, over five weeks.",
                lines: &[(Bedrock, 800), (Lambda, 200)],
                estimated_annual_deal_usd: 12_000,
                requested_amount_usd: 15_000,
                created: Ago(0, 20),
            },
            reviewer,
            &[],
        )
        .await?;
        Ok(())
    }

    async fn file(
        &mut self,
        f: Filing<'_>,
        reviewer: i64,
        steps: &[Step],
    ) -> Result<opportunity::Model, AppError> {
        let (partner_id, vc_firm_id, filer_user, path) = match f.filer {
            Filer::Partner { partner, user } => {
                (Some(partner), None, user, SubmissionPath::Partner)
            }
            Filer::Vc { vc_firm, user } => (None, Some(vc_firm), user, SubmissionPath::Vc),
        };
        let created_at = self.at(f.created);
        let replayed = replay(&f, filer_user, reviewer, created_at, steps, |ago| {
            self.at(ago)
        })?;
        let reference = format!("O{}", 1_000_000 + self.next_reference);
        self.next_reference += 1;
        let record = opportunity::ActiveModel {
            reference: Set(reference),
            partner_reference: Set(f.partner_reference.map(str::to_owned)),
            customer_id: Set(f.customer.id),
            partner_id: Set(partner_id),
            vc_firm_id: Set(vc_firm_id),
            filed_by_user_id: Set(filer_user),
            submission_path: Set(path),
            funding_source: Set(f.funding_source),
            engagement_type: Set(f.engagement_type),
            workload_name: Set(f.workload_name.to_owned()),
            workload_key: Set(normalize_name(f.workload_name)),
            use_case: Set(f.use_case.to_owned()),
            scope_of_work: Set(f.scope_of_work.to_owned()),
            estimated_annual_deal_usd: Set(f.estimated_annual_deal_usd),
            requested_amount_usd: Set(f.requested_amount_usd),
            awarded_amount_usd: Set(replayed.awarded_amount_usd),
            status: Set(replayed.status),
            version: Set(replayed.version),
            created_at: Set(created_at),
            updated_at: Set(replayed.updated_at),
            submitted_at: Set(replayed.submitted_at),
            decided_at: Set(replayed.decided_at),
            issued_at: Set(replayed.issued_at),
            ..Default::default()
        }
        .insert(self.txn)
        .await?;
        consumption_line::Entity::insert_many(f.lines.iter().enumerate().map(
            |(position, &(service, monthly_usd))| consumption_line::ActiveModel {
                opportunity_id: Set(record.id),
                position: Set(position as i32),
                service: Set(service),
                monthly_usd: Set(monthly_usd),
                ..Default::default()
            },
        ))
        .exec_without_returning(self.txn)
        .await?;
        for effect in replayed.effects {
            match effect {
                Effect::Audit {
                    at,
                    actor,
                    action,
                    before,
                    after,
                } => self.audit.push(AuditRow {
                    at,
                    actor,
                    action,
                    subject_type: "Opportunity",
                    subject_id: record.id,
                    before,
                    after,
                }),
                Effect::Decision {
                    at,
                    kind,
                    amount,
                    reasons,
                    comment,
                } => {
                    review_decision::ActiveModel {
                        opportunity_id: Set(record.id),
                        reviewer_user_id: Set(reviewer),
                        kind: Set(kind),
                        amount_usd: Set(amount),
                        reasons: Set(json!(reasons)),
                        comment: Set(comment.to_owned()),
                        decided_at: Set(at),
                        ..Default::default()
                    }
                    .insert(self.txn)
                    .await?;
                }
                Effect::Message { at, author, body } => {
                    clarification_message::ActiveModel {
                        opportunity_id: Set(record.id),
                        author_user_id: Set(author),
                        body: Set(body.to_owned()),
                        created_at: Set(at),
                        ..Default::default()
                    }
                    .insert(self.txn)
                    .await?;
                }
                Effect::Grant {
                    issued_at,
                    face_value_usd,
                } => {
                    let expires_at = issued_at
                        .checked_add_months(credit_validity(f.funding_source))
                        .ok_or_else(|| {
                            AppError::Internal("demo grant expiry out of range".into())
                        })?;
                    credit_grant::ActiveModel {
                        opportunity_id: Set(record.id),
                        customer_id: Set(f.customer.id),
                        aws_account_id: Set(f.customer.aws_account_id.clone()),
                        face_value_usd: Set(face_value_usd),
                        issued_at: Set(issued_at),
                        expires_at: Set(expires_at),
                        ..Default::default()
                    }
                    .insert(self.txn)
                    .await?;
                }
            }
        }
        Ok(record)
    }

    // ---- inquiries -----------------------------------------------------------------------------------------------

    async fn inquiries(&self, orgs: &Orgs) -> Result<(), AppError> {
        let rows = [
            (
                "Orchard Vision Ltd",
                FundingStage::Seed,
                "Computer-vision models grade fruit on packing lines and need GPU inference close to the packhouses.",
                "UK",
                json!(["SAGEMAKER", "S3", "LAMBDA"]),
                "founders@orchard-vision.example.com",
                Some(orgs.advanced.id),
                Ago(3, 4),
            ),
            (
                "Saffron Health Tech Pvt Ltd",
                FundingStage::SeriesA,
                "A patient-intake assistant that turns a WhatsApp conversation into a structured triage note for the \
                 clinic.",
                "APAC",
                json!(["BEDROCK", "LAMBDA", "DYNAMODB"]),
                "cto@saffronhealth.example.com",
                None,
                Ago(1, 5),
            ),
        ];
        let models = rows.into_iter().map(
            |(
                company_name,
                funding_stage,
                use_case,
                region,
                services,
                contact_email,
                matched_partner_id,
                created,
            )| {
                let at = self.at(created);
                inquiry::ActiveModel {
                    company_name: Set(company_name.to_owned()),
                    funding_stage: Set(funding_stage),
                    use_case: Set(use_case.to_owned()),
                    region: Set(region.to_owned()),
                    services: Set(services),
                    contact_email: Set(contact_email.to_owned()),
                    matched_partner_id: Set(matched_partner_id),
                    customer_id: Set(None),
                    created_at: Set(at),
                    updated_at: Set(at),
                    ..Default::default()
                }
            },
        );
        inquiry::Entity::insert_many(models)
            .exec_without_returning(self.txn)
            .await?;
        Ok(())
    }

    // ---- audit trail ---------------------------------------------------------------------------------------------

    async fn flush_audit(&mut self) -> Result<(), AppError> {
        let mut rows = std::mem::take(&mut self.audit);
        rows.sort_by_key(|row| row.at);
        let models = rows.into_iter().map(|row| audit_event::ActiveModel {
            actor_user_id: Set(Some(row.actor)),
            action: Set(row.action.to_owned()),
            subject_type: Set(row.subject_type.to_owned()),
            subject_id: Set(row.subject_id),
            before: Set(row.before),
            after: Set(Some(row.after)),
            request_id: Set(None),
            created_at: Set(row.at),
            ..Default::default()
        });
        audit_event::Entity::insert_many(models)
            .exec_without_returning(self.txn)
            .await?;
        Ok(())
    }
}

/// Walks a record's history through the state machine of DESIGN.md §7, producing its final state and the rows each
/// transition writes (audit event, decision, message, grant). A history the state machine would refuse is a bug
/// in the demo data and fails the load.
fn replay(
    f: &Filing<'_>,
    filer: i64,
    reviewer: i64,
    created_at: DateTime<Utc>,
    steps: &[Step],
    time_of: impl Fn(Ago) -> DateTime<Utc>,
) -> Result<Replayed, AppError> {
    use OpportunityStatus::*;
    let mut state = Replayed {
        status: Draft,
        version: 1,
        updated_at: created_at,
        submitted_at: None,
        decided_at: None,
        issued_at: None,
        awarded_amount_usd: None,
        effects: vec![Effect::Audit {
            at: created_at,
            actor: filer,
            action: "opportunity.create",
            before: None,
            after: json!({ "status": Draft.as_str(), "version": 1 }),
        }],
    };
    for step in steps {
        let (when, actor, action, allowed_from, to): (
            Ago,
            i64,
            &'static str,
            &[OpportunityStatus],
            _,
        ) = match *step {
            Step::Submit(when) => (when, filer, "opportunity.submit", &[Draft], Submitted),
            Step::StartReview(when) => (
                when,
                reviewer,
                "opportunity.start_review",
                &[Submitted],
                InReview,
            ),
            Step::Approve { at, .. } | Step::ApproveReduced { at, .. } => {
                (at, reviewer, "opportunity.decide", &[InReview], Approved)
            }
            Step::Reject { at, .. } => (at, reviewer, "opportunity.decide", &[InReview], Rejected),
            Step::AskClarification { at, .. } => (
                at,
                reviewer,
                "opportunity.decide",
                &[InReview],
                ActionRequired,
            ),
            Step::Reply { at, .. } => {
                (at, filer, "opportunity.reply", &[ActionRequired], Submitted)
            }
            Step::IssueCredits(when) => (
                when,
                reviewer,
                "opportunity.issue_credits",
                &[Approved],
                CreditsIssued,
            ),
            Step::Withdraw(when) => (
                when,
                filer,
                "opportunity.withdraw",
                &[Draft, Submitted, ActionRequired],
                Withdrawn,
            ),
        };
        let now = time_of(when);
        if !allowed_from.contains(&state.status) || now < state.updated_at {
            return Err(AppError::Internal(format!(
                "demo record {:?}: {action} from {} at {now} is not a valid transition",
                f.workload_name, state.status
            )));
        }
        let before = json!({ "status": state.status.as_str(), "version": state.version });
        let mut after = json!({ "status": to.as_str(), "version": state.version + 1 });
        let decided = match *step {
            Step::Submit(_) => {
                state.submitted_at.get_or_insert(now);
                None
            }
            Step::StartReview(_) | Step::Withdraw(_) => None,
            Step::Approve { comment, .. } => {
                state.awarded_amount_usd = Some(f.requested_amount_usd);
                Some((
                    DecisionKind::Approve,
                    Some(f.requested_amount_usd),
                    &[][..],
                    comment,
                ))
            }
            Step::ApproveReduced {
                amount,
                reasons,
                comment,
                ..
            } => {
                state.awarded_amount_usd = Some(amount);
                Some((DecisionKind::ApproveReduced, Some(amount), reasons, comment))
            }
            Step::Reject {
                reasons, comment, ..
            } => Some((DecisionKind::Reject, None, reasons, comment)),
            Step::AskClarification { question, .. } => {
                state.effects.push(Effect::Message {
                    at: now,
                    author: reviewer,
                    body: question,
                });
                Some((DecisionKind::RequestClarification, None, &[][..], question))
            }
            Step::Reply { answer, .. } => {
                state.effects.push(Effect::Message {
                    at: now,
                    author: filer,
                    body: answer,
                });
                None
            }
            Step::IssueCredits(_) => {
                let face_value_usd = state.awarded_amount_usd.unwrap_or_default();
                state.effects.push(Effect::Grant {
                    issued_at: now,
                    face_value_usd,
                });
                state.issued_at = Some(now);
                after["faceValueUsd"] = json!(face_value_usd);
                None
            }
        };
        if let Some((kind, amount, reasons, comment)) = decided {
            state.effects.push(Effect::Decision {
                at: now,
                kind,
                amount,
                reasons,
                comment,
            });
            state.decided_at = Some(now);
            after["decision"] = json!(kind.as_str());
            if let Some(awarded) = amount {
                after["awardedAmountUsd"] = json!(awarded);
            }
        }
        state.effects.push(Effect::Audit {
            at: now,
            actor,
            action,
            before: Some(before),
            after,
        });
        state.status = to;
        state.version += 1;
        state.updated_at = now;
    }
    Ok(state)
}

/// Credits expire 24 months after issue for Portfolio and 12 months otherwise (DESIGN.md §4).
fn credit_validity(source: FundingSource) -> Months {
    match source {
        FundingSource::ActivatePortfolio => Months::new(24),
        FundingSource::BuildForStartups | FundingSource::GenaiPoc | FundingSource::Migration => {
            Months::new(12)
        }
    }
}

/// The average award per approval used to turn imported approval counts into awarded dollars.
fn typical_award_usd(source: FundingSource) -> i64 {
    match source {
        FundingSource::ActivatePortfolio => 85_000,
        FundingSource::BuildForStartups => 22_000,
        FundingSource::GenaiPoc => 20_000,
        FundingSource::Migration => 65_000,
    }
}

/// "YYYY-MM" of the calendar month `months_back` months before the one containing `now`.
fn month_before(now: DateTime<Utc>, months_back: i32) -> String {
    let index = now.year() * 12 + now.month0() as i32 - months_back;
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn months_before_wrap_around_the_year() {
        let now = Utc.with_ymd_and_hms(2026, 2, 15, 12, 0, 0).unwrap();
        assert_eq!(month_before(now, 1), "2026-01");
        assert_eq!(month_before(now, 2), "2025-12");
        assert_eq!(month_before(now, 12), "2025-02");
    }
}
