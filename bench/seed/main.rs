//! `acegate-seed`: fills a fresh database, through acegate's own migrations, with a large deterministic data set for
//! the benchmarks in `bench/`.
//!
//! ```sh
//! cargo run --release --bin acegate-seed -- --database-url postgres://postgres@127.0.0.1:5432/acegate_bench [--scale 1.0]
//! ```
//!
//! At scale 1.0: 200 partner firms (every tier, region and specialty), 20 VC firms, 20,000 customers, 10,000 funding
//! attestations, 100,000 opportunity records with 1–4 consumption lines each, a review decision for every decided
//! record (and a clarification round on some), a credit grant for every issued one, a year of imported track record
//! per partner, and users to sign in as (see `--help`). Two runs with the same `--seed` and `--anchor` write
//! identical rows, primary keys included: every random choice comes from a fixed SplitMix64 stream, every timestamp
//! is an offset before the anchor date, and the one argon2id password hash uses a salt derived from the seed.
//!
//! The data obey the rules acegate enforces when records are filed through the API: a partner files only the
//! funding sources its tier allows, MIGRATION records are MIGRATE engagements, GENAI_POC projections include Bedrock
//! or SageMaker, VC-filed records are Portfolio records of companies the firm attested, a customer has at most one
//! live record per funding source, and companies that fail a blocking check never got past DRAFT.

use std::{
    collections::HashSet,
    io::{IsTerminal, Write},
    process::ExitCode,
    time::Instant,
};

use acegate::{domain::workload::normalize_name, policy};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version, password_hash::SaltString};
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Utc};
use entity::{
    clarification_message, consumption_line, credit_grant, customer,
    enums::{
        AwsService, DecisionKind, EngagementType, FundingSource, FundingStage, OpportunityStatus,
        PartnerTier, Role, SubmissionPath, VcReputation,
    },
    funding_attestation, opportunity, partner, partner_region, partner_specialty, review_decision,
    track_record_month, user, vc_firm,
};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, PaginatorTrait, TransactionTrait,
};
use serde_json::json;

const USAGE: &str = "usage: acegate-seed --database-url URL [--scale 1.0] [--seed 2026] [--anchor 2026-11-27] [--password PASSWORD]

Fills a fresh (empty or new) database through acegate's migrations with a deterministic benchmark data set.
  --database-url  postgres://… or sqlite://… (default: $ACEGATE_DATABASE_URL)
  --scale         multiplies every count (1.0: 200 partners, 20 VC firms, 20,000 customers, 100,000 records)
  --seed          random stream seed; the same seed and anchor give identical rows
  --anchor        the 'today' of the data set (YYYY-MM-DD or 'today'); every timestamp lies before it
  --password      the password of every seeded user (default bench-password-2026)

Users (one argon2id hash computed once and reused):
  admin@bench.acegate.example.com, reviewer@…, analyst@…, reviewer-2@… to reviewer-5@…,
  partner-001@… to partner-NNN@… (one per partner firm; partner-001 is the busiest firm, a PREMIER firm),
  partner-001-b@… to partner-005-b@… (a second user at the five busiest firms),
  vc-01@… to vc-NN@… (one per VC firm), founder-00001@… (the founder of customer 1).";

const EMAIL_DOMAIN: &str = "bench.acegate.example.com";
const DEFAULT_PASSWORD: &str = "bench-password-2026";
const DEFAULT_SEED: u64 = 2026;
const DEFAULT_ANCHOR: &str = "2026-11-27";

// ---- arguments -------------------------------------------------------------------------------------------------

struct Args {
    database_url: String,
    scale: f64,
    seed: u64,
    anchor: DateTime<Utc>,
    password: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut database_url = std::env::var("ACEGATE_DATABASE_URL").ok();
    let mut scale = 1.0;
    let mut seed = DEFAULT_SEED;
    let mut anchor = DEFAULT_ANCHOR.to_owned();
    let mut password = DEFAULT_PASSWORD.to_owned();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (arg.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Err(String::new());
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--database-url" => database_url = Some(value()?),
            "--scale" => {
                scale = value()?
                    .parse::<f64>()
                    .ok()
                    .filter(|s| *s > 0.0 && *s <= 100.0)
                    .ok_or("--scale must be a number in (0, 100]")?
            }
            "--seed" => seed = value()?.parse().map_err(|_| "--seed must be an integer")?,
            "--anchor" => anchor = value()?,
            "--password" => password = value()?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let database_url =
        database_url.ok_or("--database-url (or ACEGATE_DATABASE_URL) is required")?;
    let anchor_date = if anchor == "today" {
        Utc::now().date_naive()
    } else {
        NaiveDate::parse_from_str(&anchor, "%Y-%m-%d")
            .map_err(|_| "--anchor must be YYYY-MM-DD or 'today'")?
    };
    if password.chars().count() < policy::MIN_PASSWORD_CHARS {
        return Err(format!(
            "--password must have at least {} characters",
            policy::MIN_PASSWORD_CHARS
        ));
    }
    Ok(Args {
        database_url,
        scale,
        seed,
        anchor: Utc.from_utc_datetime(&anchor_date.and_hms_opt(0, 0, 0).expect("midnight")),
        password,
    })
}

// ---- deterministic randomness ----------------------------------------------------------------------------------

/// SplitMix64: tiny, fast, and stable forever (unlike a library generator whose stream may change between versions).
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    /// An independent stream per purpose, so that changing one phase does not shift the others.
    fn stream(seed: u64, purpose: u64) -> Self {
        let mut rng = Rng(seed ^ purpose.wrapping_mul(0xA076_1D64_78BD_642F));
        rng.next();
        rng
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut at = self.below(total as usize) as u32;
        for (item, weight) in items {
            if at < *weight {
                return item;
            }
            at -= weight;
        }
        &items[items.len() - 1].0
    }
}

/// Zipf-like choice of an index: index 0 is the most frequent. Partner 1 ends up with about a tenth of all
/// customers and records, the fifth busiest with about three percent.
struct Skewed {
    cumulative: Vec<f64>,
}

impl Skewed {
    fn new(n: usize, exponent: f64) -> Self {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|k| {
                total += 1.0 / ((k + 1) as f64).powf(exponent);
                total
            })
            .collect();
        Self { cumulative }
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let target = rng.unit() * self.cumulative[self.cumulative.len() - 1];
        self.cumulative
            .partition_point(|c| *c <= target)
            .min(self.cumulative.len() - 1)
    }
}

// ---- progress on stderr ----------------------------------------------------------------------------------------

struct Progress {
    label: &'static str,
    total: usize,
    done: usize,
    started: Instant,
    last_draw: Option<Instant>,
    last_decile: usize,
    tty: bool,
}

impl Progress {
    fn new(label: &'static str, total: usize) -> Self {
        let progress = Self {
            label,
            total: total.max(1),
            done: 0,
            started: Instant::now(),
            last_draw: None,
            last_decile: 0,
            tty: std::io::stderr().is_terminal(),
        };
        progress.draw();
        progress
    }
    fn add(&mut self, n: usize) {
        self.done = (self.done + n).min(self.total);
        if self.tty {
            if self
                .last_draw
                .is_none_or(|t| t.elapsed().as_millis() >= 100)
            {
                self.last_draw = Some(Instant::now());
                self.draw();
            }
        } else {
            let decile = self.done * 10 / self.total;
            if decile > self.last_decile && self.done < self.total {
                self.last_decile = decile;
                self.draw();
            }
        }
    }
    fn draw(&self) {
        const WIDTH: usize = 30;
        let filled = self.done * WIDTH / self.total;
        let line = format!(
            "{:<22} [{}{}] {:>3}% {:>7}/{:<7} {:>6.1}s",
            self.label,
            "#".repeat(filled),
            "-".repeat(WIDTH - filled),
            self.done * 100 / self.total,
            self.done,
            self.total,
            self.started.elapsed().as_secs_f64()
        );
        let mut err = std::io::stderr().lock();
        let _ = if self.tty {
            write!(err, "\r{line}")
        } else {
            writeln!(err, "{line}")
        };
        let _ = err.flush();
    }
    fn finish(mut self) {
        self.done = self.total;
        self.draw();
        if self.tty {
            eprintln!();
        }
    }
}

// ---- fixed vocabularies ----------------------------------------------------------------------------------------

const REGIONS: &[&str] = &["US", "EU", "UK", "APAC", "LATAM", "MEA", "CANADA", "ANZ"];
const SPECIALTIES: &[&str] = &[
    "GENAI",
    "DATA",
    "MIGRATION",
    "CONTAINERS",
    "SERVERLESS",
    "SECURITY",
    "MEDIA",
    "ANALYTICS",
    "IOT",
    "SAAS",
    "DEVOPS",
    "HPC",
];
const FIRM_WORDS_A: &[&str] = &[
    "Apex",
    "Blue",
    "Cirrus",
    "Delta",
    "Ember",
    "Fathom",
    "Granite",
    "Harbor",
    "Iron",
    "Juniper",
    "Keystone",
    "Lighthouse",
    "Meridian",
    "Nimbus",
    "Orbit",
    "Pioneer",
    "Quartz",
    "Redwood",
    "Summit",
    "Tidal",
];
const FIRM_WORDS_B: &[&str] = &[
    "Cloud", "Stack", "Shift", "Forge", "Bridge", "Works", "Lift", "Scale", "Layer", "Path",
];
const FIRM_SUFFIXES: &[&str] = &[
    "Partners",
    "Consulting",
    "Labs",
    "Solutions",
    "Group",
    "Services",
    "Digital",
    "Systems",
    "Advisory",
    "Engineering",
];
const VC_WORDS: &[&str] = &[
    "Summit Peak",
    "Harbour Lane",
    "Seedling",
    "Northstar",
    "Granite Ridge",
    "Blue Yonder",
    "Foundry Row",
    "Lattice",
    "Cedar Point",
    "Open Field",
];
const VC_SUFFIXES: &[&str] = &["Ventures", "Capital", "Partners", "Collective"];
const COMPANY_WORDS_A: &[&str] = &[
    "Northwind",
    "Lumen",
    "Quill",
    "Kestrel",
    "Fjord",
    "Lantern",
    "Vidya",
    "Helix",
    "Paperplane",
    "Carioca",
    "Brickyard",
    "Tidepool",
    "Stratus",
    "Cobalt",
    "Willow",
    "Saffron",
    "Pylon",
    "Aster",
    "Marble",
    "Copper",
    "Falcon",
    "Glacier",
    "Horizon",
    "Indigo",
    "Jasper",
    "Kite",
    "Lotus",
    "Mosaic",
    "Nova",
    "Onyx",
    "Prism",
    "Quasar",
    "Raven",
    "Sable",
    "Tundra",
    "Umbra",
    "Vertex",
    "Wren",
    "Xenon",
    "Zephyr",
];
const COMPANY_WORDS_B: &[&str] = &[
    "Analytics",
    "Ledger",
    "Health",
    "Energy",
    "Pay",
    "Learning",
    "Genomics",
    "Docs",
    "Freight",
    "Games",
    "Robotics",
    "Data",
    "Legal AI",
    "Logistics",
    "Security",
    "Media",
    "Foods",
    "Mobility",
    "Insights",
    "Labs",
    "Bio",
    "Finance",
    "Travel",
    "Retail",
    "Metrics",
    "Vision",
    "Voice",
    "Cloud",
    "Markets",
    "Works",
];
/// (country, weight, legal suffix)
const COUNTRIES: &[(&str, u32, &str)] = &[
    ("US", 300, "Inc"),
    ("GB", 100, "Ltd"),
    ("DE", 80, "GmbH"),
    ("FR", 60, "SAS"),
    ("IN", 60, "Pvt Ltd"),
    ("SG", 40, "Pte Ltd"),
    ("BR", 40, "Ltda"),
    ("CA", 40, "Inc"),
    ("NL", 30, "BV"),
    ("SE", 30, "AB"),
    ("ES", 30, "SL"),
    ("IT", 30, "Srl"),
    ("JP", 30, "KK"),
    ("AU", 30, "Pty Ltd"),
    ("IE", 20, "Ltd"),
    ("IL", 20, "Ltd"),
    ("MX", 20, "SA de CV"),
    ("NO", 10, "AS"),
    ("AE", 10, "LLC"),
    ("KR", 10, "Co Ltd"),
    ("IR", 3, "Co"),
    ("CU", 2, "SA"),
    ("SY", 2, "LLC"),
];
const WORKLOADS: &[&str] = &[
    "Core platform",
    "Support agent",
    "Document search",
    "Recommendation engine",
    "Fraud scoring",
    "Data lake",
    "Mobile backend",
    "Video transcoding",
    "Analytics warehouse",
    "Customer portal",
    "Payments API",
    "Telemetry pipeline",
    "Image generation",
    "Contract review assistant",
    "Route optimisation",
    "Clinical notes summariser",
    "Legacy ERP migration",
    "Datacenter exit",
    "Oracle to Aurora migration",
    "Kubernetes platform",
    "Event streaming",
    "Search relevance",
    "Voice assistant",
    "Forecasting models",
];
const USE_CASE_OPENINGS: &[&str] = &[
    "The company is building its production platform on AWS and expects steady growth in usage as it signs its first enterprise customers.",
    "The team is moving its existing workload from another provider to AWS to consolidate its infrastructure and reduce operating cost.",
    "This proof of concept uses foundation models to automate a manual review process that currently takes analysts several hours per case.",
    "The startup serves a fast growing user base across several regions and needs elastic capacity for seasonal peaks.",
    "The product ingests customer data from many sources, normalises it and exposes dashboards and an API to its customers.",
];
const USE_CASE_DETAILS: &[&str] = &[
    "Compute runs on containers behind a load balancer, with a managed relational database and object storage for uploads.",
    "Batch jobs process incoming files every hour and write results to a data warehouse that analysts query during the day.",
    "Inference calls go through a managed model endpoint, with retrieval from a vector index built over the customer's documents.",
    "Serverless functions handle the API, a key value store keeps session state and a queue decouples the slower background work.",
    "The migration plan moves the databases first, then the application tier, with a two week parallel run before cutover.",
];
const USE_CASE_CLOSINGS: &[&str] = &[
    "Credits would fund the first six months of the build while the team validates the architecture with its design partners.",
    "The partner will deliver the architecture review, the landing zone and the first production release within the quarter.",
    "Success is measured by latency, cost per transaction and the share of cases handled without a human in the loop.",
    "After the funded period the projected spend continues as the customer onboards its remaining business units.",
];
const SCOPES: &[&str] = &[
    "Well-Architected review, landing zone with guardrails, infrastructure as code for every environment, CI/CD pipeline, observability and a production go-live with hypercare.",
    "Discovery and assessment, migration wave planning, database migration with minimal downtime, application re-platforming, cutover runbook and decommissioning of the old estate.",
    "Use case definition, data preparation, prompt and retrieval design, evaluation harness, guardrails, a pilot with ten internal users and a go or no-go report.",
    "Architecture design, container platform build, security baseline, cost dashboards, performance tests at twice the expected peak and knowledge transfer to the team.",
];
const QUESTIONS: &[&str] = &[
    "Please explain how the projected monthly spend was estimated.",
    "Can you confirm the workload is distinct from the one approved earlier this year?",
    "Please share the funding evidence for the latest round.",
    "What is the expected timeline to production?",
];
const ANSWERS: &[&str] = &[
    "The estimate comes from a load test at expected peak traffic, attached to the proposal.",
    "Yes, this is a separate product line with its own team and accounts.",
    "The lead investor has now attested the round in acegate.",
    "Production launch is planned eight weeks after the landing zone is in place.",
];
const APPROVAL_COMMENTS: &[&str] = &[
    "Clear scope and plausible projection.",
    "Approved; strong partner track record.",
    "Approved at a reduced amount in line with the spend band.",
    "Good fit for the programme.",
];
const REJECTIONS: &[(&[&str], &str)] = &[
    (
        &["PLAUSIBLE_SPEND"],
        "The projection is far above what a company at this stage spends.",
    ),
    (
        &["REAL_COMPANY"],
        "We could not verify the company behind this filing.",
    ),
    (
        &["DISTINCT_WORKLOAD"],
        "This repeats a workload that already received credits.",
    ),
    (
        &["FUNDING_EVIDENCE", "SPEND_HISTORY"],
        "No funding evidence and no spend history.",
    ),
    (
        &["AWS_CONSUMING_WORKLOAD"],
        "The use case does not describe an AWS-consuming workload.",
    ),
];
const COMPUTE: &[AwsService] = &[
    AwsService::Ec2,
    AwsService::Ecs,
    AwsService::Eks,
    AwsService::Fargate,
    AwsService::Lambda,
    AwsService::Rds,
    AwsService::Aurora,
    AwsService::Dynamodb,
];
const ANY_SERVICE: &[AwsService] = &[
    AwsService::Ec2,
    AwsService::Ecs,
    AwsService::Eks,
    AwsService::Fargate,
    AwsService::Lambda,
    AwsService::Rds,
    AwsService::Aurora,
    AwsService::Dynamodb,
    AwsService::S3,
    AwsService::Cloudfront,
    AwsService::Bedrock,
    AwsService::Sagemaker,
    AwsService::Cloudwatch,
    AwsService::Mediaconvert,
];

// ---- the plan: every row, decided before anything is written -----------------------------------------------------

struct Counts {
    partners: usize,
    vc_firms: usize,
    customers: usize,
    attestations: usize,
    opportunities: usize,
}

impl Counts {
    fn at(scale: f64) -> Self {
        let n = |base: f64, min: usize| ((base * scale).round() as usize).max(min);
        Self {
            partners: n(200.0, 10),
            vc_firms: n(20.0, 4),
            customers: n(20_000.0, 100),
            attestations: n(10_000.0, 50),
            opportunities: n(100_000.0, 500),
        }
    }
}

struct PartnerPlan {
    tier: PartnerTier,
}

struct VcPlan {
    reputation: VcReputation,
    portfolio_access: bool,
}

struct CustomerPlan {
    id: i64,
    aws_account_id: String,
    stage: FundingStage,
    monthly_spend: i64,
    owner: Option<usize>,
    /// Fails a check that refuses submission (segment, jurisdiction, competitor): never got past DRAFT.
    blocked: bool,
    /// VC firms (indexes) with a live attestation of this customer.
    attested_by: Vec<usize>,
}

#[derive(Clone, Copy)]
enum FilerPlan {
    Partner(usize),
    Vc(usize),
}

#[derive(Clone)]
struct RecordPlan {
    customer: usize,
    filer: FilerPlan,
    source: FundingSource,
    status: OpportunityStatus,
    created_at: DateTime<Utc>,
}

/// User ids, fixed by insertion order.
struct People {
    admin: i64,
    reviewers: Vec<i64>,
    partner_users: Vec<i64>,
    vc_users: Vec<i64>,
    total: usize,
}

struct Seeder {
    db: DatabaseConnection,
    seed: u64,
    anchor: DateTime<Utc>,
    counts: Counts,
    password_hash: String,
    partners: Vec<PartnerPlan>,
    vc_firms: Vec<VcPlan>,
    customers: Vec<CustomerPlan>,
    people: Option<People>,
}

fn email(local: &str) -> String {
    format!("{local}@{EMAIL_DOMAIN}")
}

fn hours(h: i64) -> Duration {
    Duration::hours(h)
}

/// Rows per INSERT: a multi-row INSERT binds one parameter per column and row, and SQLite allows 32,766 parameters.
fn batch_rows(columns: usize) -> usize {
    (30_000 / columns).clamp(1, 2_000)
}

/// Inserts rows in as many multi-row INSERTs as the parameter limit needs.
async fn insert_rows<A>(
    txn: &sea_orm::DatabaseTransaction,
    rows: Vec<A>,
    columns: usize,
) -> Result<(), sea_orm::DbErr>
where
    A: ActiveModelTrait + Send,
{
    let per_batch = batch_rows(columns);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(per_batch).collect();
        <A::Entity as EntityTrait>::insert_many(batch)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

impl Seeder {
    fn rng(&self, purpose: u64) -> Rng {
        Rng::stream(self.seed, purpose)
    }

    fn people(&self) -> &People {
        self.people
            .as_ref()
            .expect("users are seeded before what references them")
    }

    async fn insert_batches<A, F>(
        &self,
        label: &'static str,
        total: usize,
        columns: usize,
        mut make: F,
    ) -> Result<(), sea_orm::DbErr>
    where
        A: ActiveModelTrait + Send,
        F: FnMut(usize) -> Vec<A>,
    {
        let per_batch = batch_rows(columns);
        let mut progress = Progress::new(label, total);
        let txn = self.db.begin().await?;
        let mut start = 0;
        while start < total {
            let end = (start + per_batch).min(total);
            let mut rows = Vec::with_capacity(end - start);
            for i in start..end {
                rows.extend(make(i));
            }
            if !rows.is_empty() {
                <A::Entity as EntityTrait>::insert_many(rows)
                    .exec_without_returning(&txn)
                    .await?;
            }
            progress.add(end - start);
            start = end;
        }
        txn.commit().await?;
        progress.finish();
        Ok(())
    }

    // -- organisations --------------------------------------------------------------------------------------------

    fn plan_organisations(&mut self) {
        let mut rng = self.rng(1);
        // The five busiest firms cover every tier; partner 1 (the busiest) is PREMIER so it may file every source.
        let busiest = [
            PartnerTier::Premier,
            PartnerTier::Advanced,
            PartnerTier::Select,
            PartnerTier::Premier,
            PartnerTier::Advanced,
        ];
        self.partners = (0..self.counts.partners)
            .map(|i| PartnerPlan {
                tier: busiest.get(i).copied().unwrap_or_else(|| {
                    *rng.weighted(&[
                        (PartnerTier::Select, 50),
                        (PartnerTier::Advanced, 35),
                        (PartnerTier::Premier, 15),
                    ])
                }),
            })
            .collect();
        self.vc_firms = (0..self.counts.vc_firms)
            .map(|i| {
                let reputation = match i % 10 {
                    0..=2 => VcReputation::Tier1,
                    3..=6 => VcReputation::Tier2,
                    _ => VcReputation::Emerging,
                };
                VcPlan {
                    reputation,
                    portfolio_access: reputation != VcReputation::Emerging || i % 5 == 0,
                }
            })
            .collect();
    }

    fn partner_name(i: usize) -> String {
        let (a, b, s) = (FIRM_WORDS_A.len(), FIRM_WORDS_B.len(), FIRM_SUFFIXES.len());
        let base = format!(
            "{} {} {}",
            FIRM_WORDS_A[i % a],
            FIRM_WORDS_B[(i / a) % b],
            FIRM_SUFFIXES[(i / (a * b)) % s]
        );
        match i / (a * b * s) {
            0 => base,
            n => format!("{base} {}", n + 1),
        }
    }

    async fn seed_organisations(&self) -> Result<(), sea_orm::DbErr> {
        let created = self.anchor - Duration::days(1_100);
        self.insert_batches("partners", self.partners.len(), 5, |i| {
            vec![partner::ActiveModel {
                id: Set(i as i64 + 1),
                name: Set(Self::partner_name(i)),
                tier: Set(self.partners[i].tier),
                created_at: Set(created + hours(i as i64)),
                updated_at: Set(created + hours(i as i64)),
            }]
        })
        .await?;
        let mut rng = self.rng(2);
        let labels: Vec<(Vec<&str>, Vec<&str>)> = (0..self.partners.len())
            .map(|i| {
                let mut regions = vec![REGIONS[i % REGIONS.len()]];
                let mut specialties = vec![SPECIALTIES[i % SPECIALTIES.len()]];
                for _ in 0..rng.range(0, 2) {
                    regions.push(*rng.pick(REGIONS));
                }
                for _ in 0..rng.range(0, 3) {
                    specialties.push(*rng.pick(SPECIALTIES));
                }
                regions.sort_unstable();
                regions.dedup();
                specialties.sort_unstable();
                specialties.dedup();
                (regions, specialties)
            })
            .collect();
        self.insert_batches("partner regions", labels.len(), 2, |i| {
            labels[i]
                .0
                .iter()
                .map(|r| partner_region::ActiveModel {
                    partner_id: Set(i as i64 + 1),
                    region: Set((*r).to_owned()),
                })
                .collect()
        })
        .await?;
        self.insert_batches("partner specialties", labels.len(), 2, |i| {
            labels[i]
                .1
                .iter()
                .map(|s| partner_specialty::ActiveModel {
                    partner_id: Set(i as i64 + 1),
                    specialty: Set((*s).to_owned()),
                })
                .collect()
        })
        .await?;
        self.insert_batches("VC firms", self.vc_firms.len(), 6, |i| {
            let base = format!(
                "{} {}",
                VC_WORDS[i % VC_WORDS.len()],
                VC_SUFFIXES[(i / VC_WORDS.len()) % VC_SUFFIXES.len()]
            );
            let name = match i / (VC_WORDS.len() * VC_SUFFIXES.len()) {
                0 => base,
                n => format!("{base} {}", n + 1),
            };
            vec![vc_firm::ActiveModel {
                id: Set(i as i64 + 1),
                name: Set(name),
                portfolio_access: Set(self.vc_firms[i].portfolio_access),
                reputation: Set(self.vc_firms[i].reputation),
                created_at: Set(created + hours(i as i64)),
                updated_at: Set(created + hours(i as i64)),
            }]
        })
        .await
    }

    // -- customers ------------------------------------------------------------------------------------------------

    fn plan_customers(&mut self) -> Vec<customer::ActiveModel> {
        let mut rng = self.rng(3);
        let owners = Skewed::new(self.partners.len(), 0.8);
        let country_weights: Vec<(usize, u32)> = COUNTRIES
            .iter()
            .enumerate()
            .map(|(i, (_, w, _))| (i, *w))
            .collect();
        let mut rows = Vec::with_capacity(self.counts.customers);
        self.customers = (0..self.counts.customers)
            .map(|i| {
                let id = i as i64 + 1;
                let (country, _, legal) = COUNTRIES[*rng.weighted(&country_weights)];
                let stage = *rng.weighted(&[
                    (FundingStage::PreSeed, 10),
                    (FundingStage::Seed, 28),
                    (FundingStage::SeriesA, 25),
                    (FundingStage::SeriesB, 14),
                    (FundingStage::SeriesCPlus, 6),
                    (FundingStage::Bootstrapped, 10),
                    (FundingStage::Enterprise, 5),
                    (FundingStage::PublicSector, 2),
                ]);
                let (engineers, months, spend) = match policy::spend_band(stage) {
                    Some((low, high)) => {
                        let engineers = match stage {
                            FundingStage::PreSeed | FundingStage::Bootstrapped => rng.range(1, 8),
                            FundingStage::Seed => rng.range(3, 15),
                            FundingStage::SeriesA => rng.range(10, 40),
                            FundingStage::SeriesB => rng.range(25, 90),
                            _ => rng.range(60, 300),
                        };
                        (engineers, rng.range(1, 48), rng.range(low, high) / 10 * 10)
                    }
                    None => (
                        rng.range(100, 2_000),
                        rng.range(24, 120),
                        rng.range(50_000, 600_000),
                    ),
                };
                let competes = rng.chance(0.02);
                let a = COMPANY_WORDS_A[i % COMPANY_WORDS_A.len()];
                let b = COMPANY_WORDS_B[(i / COMPANY_WORDS_A.len()) % COMPANY_WORDS_B.len()];
                let round = i / (COMPANY_WORDS_A.len() * COMPANY_WORDS_B.len());
                let (legal_name, slug) = match round {
                    0 => (format!("{a} {b} {legal}"), format!("{a}-{b}")),
                    n => (
                        format!("{a} {b} {} {legal}", n + 1),
                        format!("{a}-{b}-{}", n + 1),
                    ),
                };
                let website = format!(
                    "https://{}.example.com",
                    slug.to_lowercase().replace(' ', "-")
                );
                let aws_account_id = format!("{:012}", 100_000_000_000u64 + i as u64 * 37 + 11);
                let owner = rng.chance(0.95).then(|| owners.sample(&mut rng));
                let created =
                    self.anchor - Duration::days(rng.range(30, 1_000)) - hours(rng.range(0, 23));
                let blocked =
                    matches!(stage, FundingStage::Enterprise | FundingStage::PublicSector)
                        || policy::SANCTIONED_COUNTRIES.contains(&country)
                        || competes;
                rows.push(customer::ActiveModel {
                    id: Set(id),
                    legal_name: Set(legal_name),
                    website: Set(website),
                    aws_account_id: Set(aws_account_id.clone()),
                    country: Set(country.to_owned()),
                    incorporated: Set(rng.chance(0.97)),
                    funding_stage: Set(stage),
                    engineer_count: Set(engineers as i32),
                    months_on_aws: Set(months as i32),
                    monthly_aws_spend_usd: Set(spend),
                    marketplace_spend_share: Set(if rng.chance(0.05) {
                        0.5 + rng.unit() * 0.4
                    } else {
                        (rng.unit() * 0.25 * 100.0).round() / 100.0
                    }),
                    competes_with_aws: Set(competes),
                    self_serve_credit_usd: Set(*rng.pick(&[0, 0, 1_000, 5_000])),
                    owner_partner_id: Set(owner.map(|p| p as i64 + 1)),
                    created_at: Set(created),
                    updated_at: Set(created + Duration::days(rng.range(0, 20))),
                });
                CustomerPlan {
                    id,
                    aws_account_id,
                    stage,
                    monthly_spend: spend,
                    owner,
                    blocked,
                    attested_by: Vec::new(),
                }
            })
            .collect();
        rows
    }

    async fn seed_customers(&mut self) -> Result<(), sea_orm::DbErr> {
        let rows = self.plan_customers();
        let mut rows = rows.into_iter().map(Some).collect::<Vec<_>>();
        self.insert_batches("customers", rows.len(), 17, |i| {
            vec![rows[i].take().expect("each customer row is inserted once")]
        })
        .await
    }

    // -- users ----------------------------------------------------------------------------------------------------

    async fn seed_users(&mut self) -> Result<(), sea_orm::DbErr> {
        struct NewUser {
            local: String,
            name: String,
            role: Role,
            partner: Option<i64>,
            vc: Option<i64>,
            customer: Option<i64>,
        }
        let staff = |local: &str, name: &str, role| NewUser {
            local: local.to_owned(),
            name: name.to_owned(),
            role,
            partner: None,
            vc: None,
            customer: None,
        };
        let mut users = vec![
            staff("admin", "Bench Admin", Role::Admin),
            staff("reviewer", "Bench Reviewer", Role::Reviewer),
            staff("analyst", "Bench Analyst", Role::Analyst),
        ];
        for n in 2..=5 {
            users.push(staff(
                &format!("reviewer-{n}"),
                &format!("Bench Reviewer {n}"),
                Role::Reviewer,
            ));
        }
        let mut partner_users = Vec::new();
        for p in 0..self.partners.len() {
            partner_users.push(users.len() as i64 + 1);
            users.push(NewUser {
                local: format!("partner-{:03}", p + 1),
                name: format!("{} lead", Self::partner_name(p)),
                role: Role::Partner,
                partner: Some(p as i64 + 1),
                vc: None,
                customer: None,
            });
        }
        for p in 0..self.partners.len().min(5) {
            users.push(NewUser {
                local: format!("partner-{:03}-b", p + 1),
                name: format!("{} associate", Self::partner_name(p)),
                role: Role::Partner,
                partner: Some(p as i64 + 1),
                vc: None,
                customer: None,
            });
        }
        let mut vc_users = Vec::new();
        for v in 0..self.vc_firms.len() {
            vc_users.push(users.len() as i64 + 1);
            users.push(NewUser {
                local: format!("vc-{:02}", v + 1),
                name: format!("VC firm {} partner", v + 1),
                role: Role::Vc,
                partner: None,
                vc: Some(v as i64 + 1),
                customer: None,
            });
        }
        users.push(NewUser {
            local: "founder-00001".to_owned(),
            name: "Founder of customer 1".to_owned(),
            role: Role::Founder,
            partner: None,
            vc: None,
            customer: Some(self.customers[0].id),
        });
        let joined = self.anchor - Duration::days(400);
        let hash = self.password_hash.clone();
        self.insert_batches("users", users.len(), 16, |i| {
            let u = &users[i];
            let address = email(&u.local);
            vec![user::ActiveModel {
                id: Set(i as i64 + 1),
                email: Set(address.clone()),
                email_normalized: Set(address.to_lowercase()),
                display_name: Set(u.name.clone()),
                role: Set(u.role),
                partner_id: Set(u.partner),
                vc_firm_id: Set(u.vc),
                customer_id: Set(u.customer),
                password_hash: Set(hash.clone()),
                disabled_at: Set(None),
                failed_login_count: Set(0),
                last_failed_login_at: Set(None),
                locked_at: Set(None),
                tokens_valid_after: Set(None),
                created_at: Set(joined + hours(i as i64)),
                updated_at: Set(joined + hours(i as i64)),
            }]
        })
        .await?;
        self.people = Some(People {
            admin: 1,
            reviewers: vec![2, 4, 5, 6, 7],
            partner_users,
            vc_users,
            total: users.len(),
        });
        Ok(())
    }

    // -- track record ---------------------------------------------------------------------------------------------

    async fn seed_track_records(&self) -> Result<(), sea_orm::DbErr> {
        let mut rng = self.rng(4);
        let admin = self.people().admin;
        let first_month = self.anchor.date_naive().with_day(1).expect("day 1") - Months::new(12);
        let imported_at = self.anchor - Duration::days(20);
        let mut rows = Vec::new();
        for p in 0..self.partners.len() {
            // A firm's imported history: its main funding sources, some months empty.
            let close_rate = 0.3 + rng.unit() * 0.6;
            let sources: &[FundingSource] = match self.partners[p].tier {
                PartnerTier::Select => &[FundingSource::BuildForStartups, FundingSource::GenaiPoc],
                _ => &[
                    FundingSource::ActivatePortfolio,
                    FundingSource::BuildForStartups,
                    FundingSource::Migration,
                ],
            };
            for m in 0..12u32 {
                let month = first_month + Months::new(m);
                for source in sources {
                    if rng.chance(0.35) {
                        continue;
                    }
                    let submitted = rng.range(1, 12) as i32;
                    let decided = rng.range(0, i64::from(submitted)) as i32;
                    let approved = (f64::from(decided) * close_rate).round() as i32;
                    rows.push(track_record_month::ActiveModel {
                        id: Set(rows.len() as i64 + 1),
                        partner_id: Set(p as i64 + 1),
                        month: Set(format!("{:04}-{:02}", month.year(), month.month())),
                        funding_source: Set(*source),
                        submitted: Set(submitted),
                        approved: Set(approved),
                        rejected: Set(decided - approved),
                        awarded_usd: Set(i64::from(approved) * rng.range(5, 60) * 1_000),
                        imported_by_user_id: Set(Some(admin)),
                        imported_at: Set(imported_at),
                    });
                }
            }
        }
        let mut rows = rows.into_iter().map(Some).collect::<Vec<_>>();
        self.insert_batches("track record months", rows.len(), 10, |i| {
            vec![rows[i].take().expect("inserted once")]
        })
        .await
    }

    // -- attestations ---------------------------------------------------------------------------------------------

    async fn seed_attestations(&mut self) -> Result<(), sea_orm::DbErr> {
        let mut rng = self.rng(5);
        let firms = Skewed::new(self.vc_firms.len(), 0.6);
        let funded: Vec<usize> = self
            .customers
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                matches!(
                    c.stage,
                    FundingStage::PreSeed
                        | FundingStage::Seed
                        | FundingStage::SeriesA
                        | FundingStage::SeriesB
                        | FundingStage::SeriesCPlus
                )
            })
            .map(|(i, _)| i)
            .collect();
        let vc_users = self.people().vc_users.clone();
        let mut seen = HashSet::new();
        let mut rows = Vec::with_capacity(self.counts.attestations);
        while rows.len() < self.counts.attestations {
            let c = *rng.pick(&funded);
            let firm = firms.sample(&mut rng);
            if !seen.insert((c, firm)) && seen.len() < funded.len() * self.vc_firms.len() {
                continue;
            }
            let customer = &mut self.customers[c];
            let round = customer.stage;
            let amount = match round {
                FundingStage::PreSeed => rng.range(100, 1_500) * 1_000,
                FundingStage::Seed => rng.range(500, 4_000) * 1_000,
                FundingStage::SeriesA => rng.range(4_000, 20_000) * 1_000,
                FundingStage::SeriesB => rng.range(15_000, 60_000) * 1_000,
                _ => rng.range(40_000, 200_000) * 1_000,
            };
            let closed_on = (self.anchor - Duration::days(rng.range(20, 700))).date_naive();
            let attested_at = Utc.from_utc_datetime(&closed_on.and_hms_opt(9, 0, 0).expect("9am"))
                + Duration::days(rng.range(1, 14))
                + hours(rng.range(0, 8));
            let attested_at = attested_at.min(self.anchor - hours(1));
            let revoked = rng.chance(0.03);
            let by = vc_users[firm];
            if !revoked && self.vc_firms[firm].portfolio_access {
                customer.attested_by.push(firm);
            }
            rows.push(funding_attestation::ActiveModel {
                id: Set(rows.len() as i64 + 1),
                vc_firm_id: Set(firm as i64 + 1),
                customer_id: Set(customer.id),
                round: Set(round),
                amount_usd: Set(amount),
                closed_on: Set(closed_on),
                attested_by_user_id: Set(by),
                attested_at: Set(attested_at),
                revoked_at: Set(revoked.then(|| attested_at + Duration::days(3))),
                revocation_reason: Set(
                    revoked.then(|| "The round did not close as announced.".to_owned())
                ),
                revoked_by_user_id: Set(revoked.then_some(by)),
            });
        }
        let mut rows = rows.into_iter().map(Some).collect::<Vec<_>>();
        self.insert_batches("funding attestations", rows.len(), 11, |i| {
            vec![rows[i].take().expect("inserted once")]
        })
        .await
    }

    // -- opportunity records --------------------------------------------------------------------------------------

    /// Who files what, for which customer, and where each record stands; sorted by creation time so that ids and
    /// references (`O1000001`, …) follow time as they do when records are filed through the API.
    fn plan_records(&self) -> Vec<RecordPlan> {
        let mut rng = self.rng(6);
        let partners = Skewed::new(self.partners.len(), 0.8);
        let mut live: HashSet<(usize, FundingSource)> = HashSet::new();
        let mut plans = Vec::with_capacity(self.counts.opportunities);
        for _ in 0..self.counts.opportunities {
            let c = rng.below(self.customers.len());
            let customer = &self.customers[c];
            let age_days = rng.range(0, 720);
            let created_at = self.anchor
                - Duration::days(age_days)
                - hours(rng.range(1, 23))
                - Duration::minutes(rng.range(0, 59));
            let vc_path = !customer.attested_by.is_empty() && rng.chance(0.08);
            let (filer, source) = if vc_path {
                (
                    FilerPlan::Vc(*rng.pick(&customer.attested_by)),
                    FundingSource::ActivatePortfolio,
                )
            } else {
                let p = match customer.owner {
                    Some(owner) if rng.chance(0.9) => owner,
                    _ => partners.sample(&mut rng),
                };
                let source = if self.partners[p].tier == PartnerTier::Select {
                    *rng.weighted(&[
                        (FundingSource::BuildForStartups, 65),
                        (FundingSource::GenaiPoc, 35),
                    ])
                } else {
                    *rng.weighted(&[
                        (FundingSource::ActivatePortfolio, 25),
                        (FundingSource::BuildForStartups, 35),
                        (FundingSource::GenaiPoc, 20),
                        (FundingSource::Migration, 20),
                    ])
                };
                (FilerPlan::Partner(p), source)
            };
            use OpportunityStatus as S;
            let wanted = if customer.blocked {
                S::Draft
            } else if age_days < 21 {
                *rng.weighted(&[
                    (S::Draft, 25),
                    (S::Submitted, 35),
                    (S::InReview, 20),
                    (S::ActionRequired, 10),
                    (S::Approved, 5),
                    (S::Rejected, 3),
                    (S::Withdrawn, 2),
                ])
            } else if age_days < 90 {
                *rng.weighted(&[
                    (S::Draft, 5),
                    (S::Submitted, 8),
                    (S::InReview, 10),
                    (S::ActionRequired, 5),
                    (S::Approved, 12),
                    (S::Rejected, 20),
                    (S::Withdrawn, 5),
                    (S::CreditsIssued, 35),
                ])
            } else {
                *rng.weighted(&[
                    (S::Draft, 3),
                    (S::Submitted, 1),
                    (S::InReview, 1),
                    (S::ActionRequired, 1),
                    (S::Approved, 3),
                    (S::Rejected, 25),
                    (S::Withdrawn, 8),
                    (S::CreditsIssued, 58),
                ])
            };
            let is_live = matches!(
                wanted,
                S::Submitted | S::InReview | S::ActionRequired | S::Approved
            );
            // One live record per customer and funding source (the partial unique index): a second one was
            // decided or withdrawn instead.
            let status = if is_live && !live.insert((c, source)) {
                *rng.pick(&[S::Rejected, S::Withdrawn, S::CreditsIssued])
            } else {
                wanted
            };
            plans.push(RecordPlan {
                customer: c,
                filer,
                source,
                status,
                created_at,
            });
        }
        plans.sort_by_key(|p| p.created_at);
        plans
    }

    async fn seed_records(&self) -> Result<Summary, sea_orm::DbErr> {
        let plans = self.plan_records();
        let mut summary = Summary {
            records: plans.len(),
            ..Summary::default()
        };
        let mut per_partner = vec![0usize; self.partners.len()];
        for p in &plans {
            if let FilerPlan::Partner(i) = p.filer {
                per_partner[i] += 1;
            }
            *summary.by_status.entry(p.status.as_str()).or_default() += 1;
        }
        summary.records_of_busiest = per_partner.iter().take(5).copied().collect();
        // Records go in chunks, each followed by the rows hanging off it, all in one transaction; child ids are
        // assigned in record order. Every row of a record comes from a stream seeded by the record's id, so
        // nothing depends on chunk boundaries.
        let per_chunk = batch_rows(25);
        let mut progress = Progress::new("opportunities (+rows)", plans.len());
        let txn = self.db.begin().await?;
        let (mut lines, mut decisions, mut messages, mut grants) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (chunk_index, chunk) in plans.chunks(per_chunk).enumerate() {
            let mut records = Vec::with_capacity(chunk.len());
            for (k, plan) in chunk.iter().enumerate() {
                let id = (chunk_index * per_chunk + k) as i64 + 1;
                let rows = self.record_rows(id, plan);
                records.push(rows.record);
                for mut row in rows.lines {
                    summary.lines += 1;
                    row.id = Set(summary.lines as i64);
                    lines.push(row);
                }
                for mut row in rows.decisions {
                    summary.decisions += 1;
                    row.id = Set(summary.decisions as i64);
                    decisions.push(row);
                }
                for mut row in rows.messages {
                    summary.messages += 1;
                    row.id = Set(summary.messages as i64);
                    messages.push(row);
                }
                if let Some(mut row) = rows.grant {
                    summary.grants += 1;
                    row.id = Set(summary.grants as i64);
                    grants.push(row);
                }
            }
            insert_rows(&txn, records, 25).await?;
            insert_rows(&txn, std::mem::take(&mut lines), 5).await?;
            insert_rows(&txn, std::mem::take(&mut decisions), 8).await?;
            insert_rows(&txn, std::mem::take(&mut messages), 5).await?;
            insert_rows(&txn, std::mem::take(&mut grants), 7).await?;
            progress.add(chunk.len());
        }
        txn.commit().await?;
        progress.finish();
        Ok(summary)
    }

    /// A record and everything its history wrote: lines, decisions, the clarification thread, the grant.
    fn record_rows(&self, id: i64, plan: &RecordPlan) -> RecordRows {
        use OpportunityStatus as S;
        let mut rng = Rng::stream(self.seed, 1_000_000 + id as u64);
        let customer = &self.customers[plan.customer];
        let people = self.people();
        let (partner_id, vc_firm_id, filer_user, path) = match plan.filer {
            FilerPlan::Partner(p) => (
                Some(p as i64 + 1),
                None,
                people.partner_users[p],
                SubmissionPath::Partner,
            ),
            FilerPlan::Vc(v) => (
                None,
                Some(v as i64 + 1),
                people.vc_users[v],
                SubmissionPath::Vc,
            ),
        };
        let reviewer = *rng.pick(&people.reviewers);
        let source = plan.source;
        let funding = policy::funding(source);

        // Projected consumption: 1–4 distinct services, mostly within the customer's spend band.
        let n_lines = *rng.weighted(&[(1usize, 20), (2, 35), (3, 30), (4, 15)]);
        let mut services: Vec<AwsService> = Vec::with_capacity(n_lines);
        services.push(match source {
            FundingSource::GenaiPoc => *rng.pick(&[AwsService::Bedrock, AwsService::Sagemaker]),
            _ => *rng.pick(COMPUTE),
        });
        while services.len() < n_lines {
            let s = *rng.pick(ANY_SERVICE);
            if !services.contains(&s) {
                services.push(s);
            }
        }
        let target = (customer.monthly_spend as f64 * (0.4 + rng.unit() * 0.9)).max(200.0);
        let mut weights: Vec<f64> = (0..n_lines).map(|_| 0.5 + rng.unit()).collect();
        let sum: f64 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= sum);
        let monthly: Vec<i64> = weights
            .iter()
            .map(|w| ((target * w) / 10.0).round() as i64 * 10)
            .collect();
        let projected: i64 = monthly.iter().sum();

        let requested = match source {
            FundingSource::ActivatePortfolio => {
                if rng.chance(0.6) {
                    100_000
                } else {
                    rng.range(25, 100) * 1_000
                }
            }
            FundingSource::BuildForStartups | FundingSource::GenaiPoc => rng.range(5, 25) * 1_000,
            FundingSource::Migration => rng.range(10, 100) * 1_000,
        }
        .clamp(funding.min_amount_usd, funding.max_amount_usd);
        let engagement = if source == FundingSource::Migration || rng.chance(0.15) {
            EngagementType::Migrate
        } else {
            EngagementType::Build
        };
        let workload = *rng.pick(WORKLOADS);
        let workload_name = if rng.chance(0.5) {
            workload.to_owned()
        } else {
            format!("{workload} v{}", rng.range(2, 4))
        };
        let use_case = format!(
            "{} {} {}",
            rng.pick(USE_CASE_OPENINGS),
            rng.pick(USE_CASE_DETAILS),
            rng.pick(USE_CASE_CLOSINGS)
        );
        let partner_reference = rng.chance(0.7).then(|| match plan.filer {
            FilerPlan::Partner(p) => format!("P{:03}-{:06}", p + 1, id),
            FilerPlan::Vc(v) => format!("VC{:02}-{:06}", v + 1, id),
        });

        // The timeline: each step after the last, all before the anchor.
        let created = plan.created_at;
        let mut now = created;
        let mut step = |rng: &mut Rng, lo_h: i64, hi_h: i64| {
            // Each step takes at most four fifths of the time left before the anchor.
            let room = (self.anchor - now).num_minutes().max(0);
            let wanted = rng.range(lo_h * 60, hi_h * 60);
            now += Duration::minutes(wanted.min(room * 4 / 5));
            now
        };
        let mut version = 1;
        let mut submitted_at = None;
        let mut decided_at = None;
        let mut issued_at = None;
        let mut awarded = None;
        let mut decisions = Vec::new();
        let mut messages = Vec::new();
        let mut grant = None;
        let mut decision = |kind: DecisionKind,
                            amount: Option<i64>,
                            reasons: &[&str],
                            comment: &str,
                            at: DateTime<Utc>| {
            decisions.push(review_decision::ActiveModel {
                id: Set(0),
                opportunity_id: Set(id),
                reviewer_user_id: Set(reviewer),
                kind: Set(kind),
                amount_usd: Set(amount),
                reasons: Set(json!(reasons)),
                comment: Set(comment.to_owned()),
                decided_at: Set(at),
            });
        };
        let mut message = |author: i64, body: &str, at: DateTime<Utc>| {
            messages.push(clarification_message::ActiveModel {
                id: Set(0),
                opportunity_id: Set(id),
                author_user_id: Set(author),
                body: Set(body.to_owned()),
                created_at: Set(at),
            });
        };
        if plan.status == S::Draft && rng.chance(0.3) {
            step(&mut rng, 1, 72); // edited after creation
            version += 1;
        }
        if plan.status != S::Draft {
            submitted_at = Some(step(&mut rng, 2, 120));
            version += 1;
        }
        let reviewed = matches!(
            plan.status,
            S::InReview | S::ActionRequired | S::Approved | S::Rejected | S::CreditsIssued
        );
        if reviewed {
            step(&mut rng, 4, 96); // review started
            version += 1;
            let clarified_before = plan.status != S::ActionRequired && rng.chance(0.1);
            if plan.status == S::ActionRequired || clarified_before {
                let q = rng.below(QUESTIONS.len());
                let at = step(&mut rng, 2, 72);
                decision(
                    DecisionKind::RequestClarification,
                    None,
                    &[],
                    QUESTIONS[q],
                    at,
                );
                message(reviewer, QUESTIONS[q], at);
                version += 1;
                if clarified_before {
                    let at = step(&mut rng, 2, 96);
                    message(filer_user, ANSWERS[q], at);
                    version += 1;
                    step(&mut rng, 2, 48); // review started again
                    version += 1;
                }
            }
        }
        match plan.status {
            S::Approved | S::CreditsIssued => {
                let at = step(&mut rng, 4, 240);
                let reduced = rng.chance(0.25);
                let amount = if reduced {
                    (requested * rng.range(50, 90) / 100 / 1_000).max(1) * 1_000
                } else {
                    requested
                };
                let (kind, reasons): (_, &[&str]) = if reduced {
                    (DecisionKind::ApproveReduced, &["PLAUSIBLE_SPEND"])
                } else {
                    (DecisionKind::Approve, &[])
                };
                decision(
                    kind,
                    Some(amount),
                    reasons,
                    *rng.pick(APPROVAL_COMMENTS),
                    at,
                );
                decided_at = Some(at);
                awarded = Some(amount);
                version += 1;
                if plan.status == S::CreditsIssued {
                    let issued = step(&mut rng, 12, 240);
                    let months = if source == FundingSource::ActivatePortfolio {
                        24
                    } else {
                        12
                    };
                    issued_at = Some(issued);
                    version += 1;
                    grant = Some(credit_grant::ActiveModel {
                        id: Set(0),
                        opportunity_id: Set(id),
                        customer_id: Set(customer.id),
                        aws_account_id: Set(customer.aws_account_id.clone()),
                        face_value_usd: Set(amount),
                        issued_at: Set(issued),
                        expires_at: Set(issued
                            .checked_add_months(Months::new(months))
                            .expect("expiry in range")),
                    });
                }
            }
            S::Rejected => {
                let at = step(&mut rng, 4, 240);
                let (reasons, comment) = *rng.pick(REJECTIONS);
                decision(DecisionKind::Reject, None, reasons, comment, at);
                decided_at = Some(at);
                version += 1;
            }
            S::Withdrawn => {
                step(&mut rng, 2, 240);
                version += 1;
            }
            _ => {}
        }
        let updated = now;
        let lines = services
            .iter()
            .zip(&monthly)
            .enumerate()
            .map(|(position, (service, usd))| consumption_line::ActiveModel {
                id: Set(0),
                opportunity_id: Set(id),
                position: Set(position as i32),
                service: Set(*service),
                monthly_usd: Set(*usd),
            })
            .collect();
        let record = opportunity::ActiveModel {
            id: Set(id),
            reference: Set(format!("O{}", 1_000_000 + id)),
            partner_reference: Set(partner_reference),
            customer_id: Set(customer.id),
            partner_id: Set(partner_id),
            vc_firm_id: Set(vc_firm_id),
            filed_by_user_id: Set(filer_user),
            submission_path: Set(path),
            funding_source: Set(source),
            engagement_type: Set(engagement),
            workload_key: Set(normalize_name(&workload_name)),
            workload_name: Set(workload_name),
            use_case: Set(use_case),
            scope_of_work: Set((*rng.pick(SCOPES)).to_owned()),
            estimated_annual_deal_usd: Set(projected * 12 * rng.range(1, 3)),
            requested_amount_usd: Set(requested),
            awarded_amount_usd: Set(awarded),
            status: Set(plan.status),
            version: Set(version),
            created_at: Set(created),
            updated_at: Set(updated),
            submitted_at: Set(submitted_at),
            decided_at: Set(decided_at),
            issued_at: Set(issued_at),
        };
        RecordRows {
            record,
            lines,
            decisions,
            messages,
            grant,
        }
    }

    // -- after the rows -------------------------------------------------------------------------------------------

    /// Rows were inserted with explicit ids: move each id sequence past them so that rows created through the API
    /// get fresh ids (SQLite's AUTOINCREMENT follows by itself), and refresh the planner's statistics.
    async fn finish(&self) -> Result<(), sea_orm::DbErr> {
        const TABLES: &[&str] = &[
            "partners",
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
        ];
        let backend = self.db.get_database_backend();
        if backend == DbBackend::Postgres {
            for table in TABLES {
                self.db
                    .execute_unprepared(&format!(
                        r#"SELECT setval(pg_get_serial_sequence('"{table}"', 'id'), GREATEST((SELECT MAX("id") FROM "{table}"), 1))"#
                    ))
                    .await?;
            }
        }
        // VACUUM too on PostgreSQL: it sets the visibility map, so that index-only scans are possible at once, as they
        // are on a database that autovacuum has been looking after.
        let started = Instant::now();
        let maintenance = match backend {
            DbBackend::Postgres => "VACUUM ANALYZE",
            _ => "ANALYZE",
        };
        eprint!("{} ...", maintenance.to_lowercase());
        self.db.execute_unprepared(maintenance).await?;
        eprintln!(" {:.1}s", started.elapsed().as_secs_f64());
        Ok(())
    }
}

struct RecordRows {
    record: opportunity::ActiveModel,
    lines: Vec<consumption_line::ActiveModel>,
    decisions: Vec<review_decision::ActiveModel>,
    messages: Vec<clarification_message::ActiveModel>,
    grant: Option<credit_grant::ActiveModel>,
}

#[derive(Default)]
struct Summary {
    records: usize,
    lines: usize,
    decisions: usize,
    messages: usize,
    grants: usize,
    records_of_busiest: Vec<usize>,
    by_status: std::collections::BTreeMap<&'static str, usize>,
}

/// argon2id with acegate's parameters, computed once. The salt comes from the seed so that two runs store the
/// same hash (it is a benchmark fixture; production hashes always get a random salt).
fn hash_password(password: &str, seed: u64) -> Result<String, String> {
    let params = Params::new(
        policy::ARGON2_MEMORY_KIB,
        policy::ARGON2_ITERATIONS,
        policy::ARGON2_PARALLELISM,
        None,
    )
    .map_err(|e| e.to_string())?;
    let mut rng = Rng::stream(seed, 7);
    let salt_bytes: Vec<u8> = (0..2).flat_map(|_| rng.next().to_le_bytes()).collect();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| e.to_string())?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

async fn run(args: Args) -> Result<(), String> {
    let started = Instant::now();
    let counts = Counts::at(args.scale);
    let db = acegate::db::connect(&args.database_url, 4, Default::default())
        .await
        .map_err(|e| format!("cannot open {}: {e}", args.database_url))?;
    eprint!("migrations ...");
    Migrator::up(&db, None)
        .await
        .map_err(|e| format!("migrations failed: {e}"))?;
    eprintln!(" done");
    let existing = user::Entity::find()
        .count(&db)
        .await
        .map_err(|e| e.to_string())?;
    let records = opportunity::Entity::find()
        .count(&db)
        .await
        .map_err(|e| e.to_string())?;
    if existing > 0 || records > 0 {
        return Err(format!(
            "the database already holds {existing} users and {records} records: seed a fresh database"
        ));
    }
    eprint!("argon2id hash of the bench password (once) ...");
    let password_hash = {
        let (password, seed) = (args.password.clone(), args.seed);
        tokio::task::spawn_blocking(move || hash_password(&password, seed))
            .await
            .map_err(|e| e.to_string())??
    };
    eprintln!(" done");
    let mut seeder = Seeder {
        db,
        seed: args.seed,
        anchor: args.anchor,
        counts,
        password_hash,
        partners: Vec::new(),
        vc_firms: Vec::new(),
        customers: Vec::new(),
        people: None,
    };
    let err = |e: sea_orm::DbErr| e.to_string();
    seeder.plan_organisations();
    seeder.seed_organisations().await.map_err(err)?;
    seeder.seed_customers().await.map_err(err)?;
    seeder.seed_users().await.map_err(err)?;
    seeder.seed_track_records().await.map_err(err)?;
    seeder.seed_attestations().await.map_err(err)?;
    let summary = seeder.seed_records().await.map_err(err)?;
    seeder.finish().await.map_err(err)?;

    let people = seeder.people();
    println!(
        "seeded {} in {:.1}s (seed {}, anchor {})",
        args.database_url,
        started.elapsed().as_secs_f64(),
        args.seed,
        args.anchor.date_naive()
    );
    println!(
        "  {} partners, {} VC firms, {} customers, {} attestations, {} users",
        seeder.partners.len(),
        seeder.vc_firms.len(),
        seeder.customers.len(),
        seeder.counts.attestations,
        people.total
    );
    println!(
        "  {} records, {} consumption lines, {} decisions, {} clarification messages, {} credit grants",
        summary.records, summary.lines, summary.decisions, summary.messages, summary.grants
    );
    let statuses: Vec<String> = summary
        .by_status
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    println!("  by status: {}", statuses.join(", "));
    println!(
        "  records of the five busiest partner firms: {:?}",
        summary.records_of_busiest
    );
    println!(
        "  logins (password {:?}): {}, {}, {}, {} (busiest firm, {}), vc-01@{EMAIL_DOMAIN}",
        args.password,
        email("admin"),
        email("reviewer"),
        email("analyst"),
        email("partner-001"),
        seeder.partners[0].tier.as_str(),
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nacegate-seed: {message}");
            ExitCode::FAILURE
        }
    }
}
