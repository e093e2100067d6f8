//! Typed configuration: defaults, overridden by `ACEGATE_*` environment variables, validated once at start-up.

use std::{fmt, net::SocketAddr, time::Duration};

/// Where the process runs: development loads demo data and opens the playground; production does neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// A value that must never reach a log line or an error message.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(**redacted**)")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub environment: Environment,
    pub database_url: String,
    pub listen: SocketAddr,
    pub jwt: JwtConfig,
    /// Whether the schema may be introspected and the playground served; defaults to on only in development.
    pub introspection: bool,
    /// Load the demo data set when the database is empty (development only).
    pub demo_data: bool,
    pub database_max_connections: u32,
    /// Sign-in attempts per client IP per minute.
    pub login_attempts_per_ip_per_minute: u32,
    /// `submitInquiry` calls per client IP per minute (`ACEGATE_INQUIRIES_PER_IP_PER_MINUTE`).
    pub inquiries_per_ip_per_minute: u32,
    /// Limits and protections of the HTTP endpoint.
    pub limits: Limits,
    /// Browser origins allowed to call the API cross-origin (`ACEGATE_CORS_ORIGINS`, comma-separated); none by default.
    pub cors_origins: Vec<String>,
    /// After SIGTERM: how long readiness fails before the listener closes, then how long in-flight requests get.
    pub shutdown_drain: Duration,
    pub shutdown_grace: Duration,
    /// When set, `/metrics` asks for `Authorization: Bearer <token>`.
    pub metrics_token: Option<Secret>,
    /// Whether hot reads (a page of records, a record by id) may skip the per-field resolvers
    /// (`ACEGATE_READ_PROJECTION`, on by default); see `graphql::projection`.
    pub read_projection: bool,
}

/// What one GraphQL document may ask for; breaches are `QUERY_TOO_COMPLEX`, refused before execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryLimits {
    pub max_chars: usize,
    pub max_tokens: usize,
    pub max_depth: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
    pub max_complexity: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        use crate::policy::limits as p;
        Self {
            max_chars: p::MAX_QUERY_CHARS,
            max_tokens: p::MAX_QUERY_TOKENS,
            max_depth: p::MAX_DEPTH,
            max_aliases: p::MAX_ALIASES,
            max_directives: p::MAX_DIRECTIVES,
            max_complexity: p::MAX_COMPLEXITY,
        }
    }
}

/// Limits and protections of the HTTP endpoint (API.md "Limits and protections"); defaults in `policy::limits`.
#[derive(Clone, Debug)]
pub struct Limits {
    pub query: QueryLimits,
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
    /// PostgreSQL's `statement_timeout`; on SQLite, which has none, the busy timeout (how long a statement waits
    /// for a lock), the only wait SQLite can cut short.
    pub statement_timeout: Duration,
    pub requests_per_principal_per_minute: u32,
    pub anonymous_requests_per_ip_per_minute: u32,
    /// Live subscriptions one WebSocket connection may hold at once.
    pub max_subscriptions_per_connection: usize,
    /// How often an open WebSocket re-checks its credential when no event makes it do so.
    pub subscription_recheck: Duration,
    pub max_headers: usize,
    pub max_header_bytes: usize,
    /// Headers not in by then close the connection (slow-loris); also the idle limit of a kept-alive connection.
    pub header_read_timeout: Duration,
    /// A body not in by then is refused with 408, however steadily it trickles.
    pub body_read_timeout: Duration,
}

#[derive(Clone, Debug)]
pub struct JwtConfig {
    pub secret: Secret,
    pub key_id: String,
    /// Retired keys still accepted for verification during a rotation (key id, secret); never used to sign.
    pub previous_keys: Vec<(String, Secret)>,
    /// Absolute lifetime of a refresh-token family (a sign-in), however often it is rotated.
    pub refresh_token_ttl: Duration,
    pub issuer: String,
    pub audience: String,
    pub access_token_ttl: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("{0} is required in production")]
    Missing(&'static str),
}

/// The secret development mode signs tokens with; production refuses it.
const DEVELOPMENT_JWT_SECRET: &str = "acegate-development-secret-do-not-use-in-production";
/// HS256 keys shorter than the hash output are brute-forceable; 32 bytes is RFC 7518's floor.
pub const MIN_JWT_SECRET_BYTES: usize = 32;
/// The least estimated entropy of a production signing secret (see [`check_secret_entropy`]): the strength of a
/// 128-bit key. A random secret of 32 base64 characters scores about 135, of 64 hex characters about 245.
pub const MIN_JWT_SECRET_ENTROPY_BITS: f64 = 128.0;

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars())
    }

    /// Builds the configuration from `ACEGATE_*` pairs; unknown keys are ignored.
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let vars: std::collections::HashMap<String, String> = vars
            .into_iter()
            .filter(|(k, _)| k.starts_with("ACEGATE_"))
            .collect();
        let get = |name: &str| {
            vars.get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let environment = match get("ACEGATE_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "ACEGATE_ENV",
                    reason: format!("expected development or production, got {other:?}"),
                });
            }
        };
        let development = environment == Environment::Development;

        let listen = match get("ACEGATE_LISTEN") {
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
            Some(raw) => raw.parse().map_err(|_| ConfigError::Invalid {
                name: "ACEGATE_LISTEN",
                reason: format!("expected host:port, got {raw:?}"),
            })?,
        };

        let secret = match (get("ACEGATE_JWT_SECRET"), development) {
            (Some(s), _) => s,
            (None, true) => DEVELOPMENT_JWT_SECRET.to_owned(),
            (None, false) => return Err(ConfigError::Missing("ACEGATE_JWT_SECRET")),
        };
        if secret.len() < MIN_JWT_SECRET_BYTES {
            return Err(ConfigError::Invalid {
                name: "ACEGATE_JWT_SECRET",
                reason: format!("must be at least {MIN_JWT_SECRET_BYTES} bytes"),
            });
        }
        if !development && secret == DEVELOPMENT_JWT_SECRET {
            return Err(ConfigError::Invalid {
                name: "ACEGATE_JWT_SECRET",
                reason: "the development secret cannot be used in production".into(),
            });
        }
        if !development {
            check_secret_entropy("ACEGATE_JWT_SECRET", &secret)?;
        }

        let parse_bool = |name: &'static str, default: bool| -> Result<bool, ConfigError> {
            match get(name).as_deref() {
                None => Ok(default),
                Some("true" | "1" | "yes" | "on") => Ok(true),
                Some("false" | "0" | "no" | "off") => Ok(false),
                Some(other) => Err(ConfigError::Invalid {
                    name,
                    reason: format!("expected true or false, got {other:?}"),
                }),
            }
        };
        let parse_u64 = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(raw) => raw.parse().map_err(|_| ConfigError::Invalid {
                    name,
                    reason: format!("expected a positive integer, got {raw:?}"),
                }),
            }
        };

        let demo_data = parse_bool("ACEGATE_DEMO_DATA", development)?;
        if demo_data && !development {
            return Err(ConfigError::Invalid {
                name: "ACEGATE_DEMO_DATA",
                reason: "demo data (with its published passwords) is never loaded in production"
                    .into(),
            });
        }
        let access_token_ttl =
            Duration::from_secs(parse_u64("ACEGATE_ACCESS_TOKEN_TTL_SECONDS", 15 * 60)?);
        if access_token_ttl.is_zero() {
            return Err(ConfigError::Invalid {
                name: "ACEGATE_ACCESS_TOKEN_TTL_SECONDS",
                reason: "must be positive".into(),
            });
        }
        let refresh_token_ttl = Duration::from_secs(parse_u64(
            "ACEGATE_REFRESH_TOKEN_TTL_SECONDS",
            7 * 24 * 3600,
        )?);
        let mut previous_keys = Vec::new();
        for entry in get("ACEGATE_JWT_PREVIOUS_KEYS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let (kid, key) = entry.split_once(':').ok_or(ConfigError::Invalid {
                name: "ACEGATE_JWT_PREVIOUS_KEYS",
                reason: "expected comma-separated key-id:secret pairs".into(),
            })?;
            if key.len() < MIN_JWT_SECRET_BYTES {
                return Err(ConfigError::Invalid {
                    name: "ACEGATE_JWT_PREVIOUS_KEYS",
                    reason: format!("every secret must be at least {MIN_JWT_SECRET_BYTES} bytes"),
                });
            }
            if !development {
                check_secret_entropy("ACEGATE_JWT_PREVIOUS_KEYS", key)?;
            }
            previous_keys.push((kid.to_owned(), Secret::new(key)));
        }
        let database_max_connections = parse_u64(
            "ACEGATE_DATABASE_MAX_CONNECTIONS",
            default_database_max_connections(),
        )?
        .clamp(1, 1024) as u32;

        // Every limit must be positive: a zero would refuse every request rather than switch the limit off.
        let positive = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match parse_u64(name, default)? {
                0 => Err(ConfigError::Invalid {
                    name,
                    reason: "must be positive".into(),
                }),
                n => Ok(n),
            }
        };
        let limits = {
            use crate::policy::limits as p;
            let size = |name, default: usize| positive(name, default as u64).map(|n| n as usize);
            let per_minute = |name, default: u32| {
                positive(name, u64::from(default)).map(|n| n.min(u64::from(u32::MAX)) as u32)
            };
            Limits {
                query: QueryLimits {
                    max_chars: size("ACEGATE_MAX_QUERY_CHARS", p::MAX_QUERY_CHARS)?,
                    max_tokens: size("ACEGATE_MAX_QUERY_TOKENS", p::MAX_QUERY_TOKENS)?,
                    max_depth: size("ACEGATE_MAX_DEPTH", p::MAX_DEPTH)?,
                    max_aliases: size("ACEGATE_MAX_ALIASES", p::MAX_ALIASES)?,
                    max_directives: size("ACEGATE_MAX_DIRECTIVES", p::MAX_DIRECTIVES)?,
                    max_complexity: size("ACEGATE_MAX_COMPLEXITY", p::MAX_COMPLEXITY)?,
                },
                max_body_bytes: size("ACEGATE_MAX_BODY_BYTES", p::MAX_BODY_BYTES)?,
                request_timeout: Duration::from_millis(positive(
                    "ACEGATE_REQUEST_TIMEOUT_MS",
                    p::REQUEST_TIMEOUT_MS,
                )?),
                statement_timeout: Duration::from_millis(positive(
                    "ACEGATE_DATABASE_STATEMENT_TIMEOUT_MS",
                    p::DATABASE_STATEMENT_TIMEOUT_MS,
                )?),
                requests_per_principal_per_minute: per_minute(
                    "ACEGATE_RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE",
                    p::REQUESTS_PER_PRINCIPAL_PER_MINUTE,
                )?,
                anonymous_requests_per_ip_per_minute: per_minute(
                    "ACEGATE_RATE_LIMIT_PER_IP_PER_MINUTE",
                    p::ANONYMOUS_REQUESTS_PER_IP_PER_MINUTE,
                )?,
                max_subscriptions_per_connection: size(
                    "ACEGATE_MAX_SUBSCRIPTIONS_PER_CONNECTION",
                    p::MAX_SUBSCRIPTIONS_PER_CONNECTION,
                )?,
                subscription_recheck: Duration::from_secs(positive(
                    "ACEGATE_SUBSCRIPTION_RECHECK_SECONDS",
                    p::SUBSCRIPTION_RECHECK_SECONDS,
                )?),
                max_headers: size("ACEGATE_MAX_HEADERS", p::MAX_HEADERS)?,
                max_header_bytes: size("ACEGATE_MAX_HEADER_BYTES", p::MAX_HEADER_BYTES)?,
                header_read_timeout: Duration::from_secs(positive(
                    "ACEGATE_HEADER_READ_TIMEOUT_SECONDS",
                    p::HEADER_READ_TIMEOUT_SECONDS,
                )?),
                body_read_timeout: Duration::from_secs(positive(
                    "ACEGATE_BODY_READ_TIMEOUT_SECONDS",
                    p::BODY_READ_TIMEOUT_SECONDS,
                )?),
            }
        };
        let mut cors_origins = Vec::new();
        for origin in get("ACEGATE_CORS_ORIGINS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
        {
            // An exact scheme://host[:port]; a wildcard would defeat the allow-list.
            let valid = (origin.starts_with("https://") || origin.starts_with("http://"))
                && !origin.contains('*')
                && !origin.ends_with('/')
                && axum::http::HeaderValue::from_str(origin).is_ok();
            if !valid {
                return Err(ConfigError::Invalid {
                    name: "ACEGATE_CORS_ORIGINS",
                    reason: format!(
                        "expected comma-separated origins like https://portal.example.com, got {origin:?}"
                    ),
                });
            }
            cors_origins.push(origin.to_owned());
        }
        let drain_default = if development {
            0
        } else {
            crate::policy::limits::SHUTDOWN_DRAIN_SECONDS
        };
        let shutdown_drain =
            Duration::from_secs(parse_u64("ACEGATE_SHUTDOWN_DRAIN_SECONDS", drain_default)?);
        let shutdown_grace = Duration::from_secs(parse_u64(
            "ACEGATE_SHUTDOWN_GRACE_SECONDS",
            crate::policy::limits::SHUTDOWN_GRACE_SECONDS,
        )?);

        Ok(Self {
            environment,
            database_url: get("ACEGATE_DATABASE_URL")
                .unwrap_or_else(|| "sqlite://acegate.db".into()),
            listen,
            jwt: JwtConfig {
                secret: Secret::new(secret),
                key_id: get("ACEGATE_JWT_KEY_ID").unwrap_or_else(|| "k1".into()),
                previous_keys,
                refresh_token_ttl,
                issuer: get("ACEGATE_JWT_ISSUER").unwrap_or_else(|| "acegate".into()),
                audience: get("ACEGATE_JWT_AUDIENCE").unwrap_or_else(|| "acegate-api".into()),
                access_token_ttl,
            },
            introspection: parse_bool("ACEGATE_INTROSPECTION", development)?,
            demo_data,
            database_max_connections,
            login_attempts_per_ip_per_minute: parse_u64(
                "ACEGATE_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE",
                u64::from(crate::policy::LOGIN_ATTEMPTS_PER_IP_PER_MINUTE),
            )?
            .clamp(1, 1_000_000) as u32,
            inquiries_per_ip_per_minute: parse_u64(
                "ACEGATE_INQUIRIES_PER_IP_PER_MINUTE",
                u64::from(crate::policy::INQUIRIES_PER_IP_PER_MINUTE),
            )?
            .clamp(1, 1_000_000) as u32,
            limits,
            cors_origins,
            shutdown_drain,
            shutdown_grace,
            metrics_token: get("ACEGATE_METRICS_TOKEN").map(Secret::new),
            read_projection: parse_bool("ACEGATE_READ_PROJECTION", true)?,
        })
    }

    pub fn is_development(&self) -> bool {
        self.environment == Environment::Development
    }
}

/// Refuses a signing secret whose characters carry too little entropy for an HMAC key, in production: 32 × `a` is
/// 32 bytes long and guessable at once. The estimate is the secret's length times the Shannon entropy of its byte
/// frequencies, which a repeated or patterned string scores low on (32 × `a`: 0 bits; `ab` × 16: 32 bits) and a
/// random one high (48 random bytes in base64: about 350 bits). It cannot tell a random string from a long
/// sentence, so it is a floor against mistakes, not a proof of randomness: generate secrets, never type them.
fn check_secret_entropy(name: &'static str, secret: &str) -> Result<(), ConfigError> {
    let estimate = estimated_entropy_bits(secret.as_bytes());
    if estimate < MIN_JWT_SECRET_ENTROPY_BITS {
        return Err(ConfigError::Invalid {
            name,
            reason: format!(
                "looks guessable (an estimated {estimate:.0} bits of entropy; at least {MIN_JWT_SECRET_ENTROPY_BITS:.0} needed): generate one, e.g. `openssl rand -base64 48`"
            ),
        });
    }
    Ok(())
}

/// Length × the Shannon entropy of the byte frequencies, in bits.
fn estimated_entropy_bits(bytes: &[u8]) -> f64 {
    let mut counts = [0usize; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let n = bytes.len() as f64;
    let per_byte: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum();
    per_byte * n
}

/// Twice this machine's cores: a pool larger than the database can run at once only adds backends that take turns
/// on the same cores. On two cores, 4 connections served 40 % more by-id requests a second than 16
/// (bench/RESULTS.md). When the database has a machine of its own, about twice its cores is the usual size.
fn default_database_max_connections() -> u64 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    (2 * cores as u64).max(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn no_configuration_means_development_on_local_sqlite() {
        let config = Config::from_vars(vars(&[])).unwrap();
        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.database_url, "sqlite://acegate.db");
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert!(config.demo_data && config.introspection);
    }

    #[test]
    fn production_refuses_a_missing_secret() {
        let err = Config::from_vars(vars(&[("ACEGATE_ENV", "production")])).unwrap_err();
        assert!(matches!(err, ConfigError::Missing("ACEGATE_JWT_SECRET")));
    }

    #[test]
    fn production_refuses_a_short_or_development_secret() {
        for secret in ["short", DEVELOPMENT_JWT_SECRET] {
            let err = Config::from_vars(vars(&[
                ("ACEGATE_ENV", "production"),
                ("ACEGATE_JWT_SECRET", secret),
            ]));
            assert!(
                matches!(
                    err,
                    Err(ConfigError::Invalid {
                        name: "ACEGATE_JWT_SECRET",
                        ..
                    })
                ),
                "{secret}"
            );
        }
    }

    #[test]
    fn production_refuses_low_entropy_secrets_current_or_previous() {
        let strong = "0123456789abcdef0123456789abcdef!";
        for weak in [
            "a".repeat(32),
            "ab".repeat(16),
            "abcd".repeat(8),
            "correct horse battery staple pls".to_owned(),
        ] {
            let err = Config::from_vars(vars(&[
                ("ACEGATE_ENV", "production"),
                ("ACEGATE_JWT_SECRET", &weak),
            ]));
            assert!(
                matches!(err, Err(ConfigError::Invalid { name: "ACEGATE_JWT_SECRET", ref reason }) if reason.contains("guessable")),
                "{weak}: {err:?}"
            );
            let previous = format!("k0:{weak}");
            let err = Config::from_vars(vars(&[
                ("ACEGATE_ENV", "production"),
                ("ACEGATE_JWT_SECRET", strong),
                ("ACEGATE_JWT_PREVIOUS_KEYS", &previous),
            ]));
            assert!(
                matches!(
                    err,
                    Err(ConfigError::Invalid {
                        name: "ACEGATE_JWT_PREVIOUS_KEYS",
                        ..
                    })
                ),
                "{weak}: {err:?}"
            );
        }
        // Development keeps accepting what a developer types; the message never repeats the secret.
        assert!(Config::from_vars(vars(&[("ACEGATE_JWT_SECRET", &"a".repeat(32))])).is_ok());
        let err = Config::from_vars(vars(&[
            ("ACEGATE_ENV", "production"),
            ("ACEGATE_JWT_SECRET", &"q".repeat(40)),
        ]))
        .unwrap_err();
        assert!(!err.to_string().contains("qqqq"), "{err}");
    }

    #[test]
    fn random_secrets_pass_the_entropy_floor() {
        use base64::Engine;
        use rand::RngCore;
        for _ in 0..200 {
            let mut bytes = [0u8; 48];
            rand::rng().fill_bytes(&mut bytes);
            let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
            let hex: String = bytes[..32].iter().map(|b| format!("{b:02x}")).collect();
            for secret in [b64, hex] {
                assert!(
                    estimated_entropy_bits(secret.as_bytes()) >= MIN_JWT_SECRET_ENTROPY_BITS,
                    "{secret}"
                );
            }
        }
    }

    #[test]
    fn production_never_loads_demo_data_and_hides_the_schema() {
        let ok = [
            ("ACEGATE_ENV", "production"),
            ("ACEGATE_JWT_SECRET", "0123456789abcdef0123456789abcdef!"),
        ];
        let config = Config::from_vars(vars(&ok)).unwrap();
        assert!(!config.demo_data && !config.introspection);
        let mut forced = ok.to_vec();
        forced.push(("ACEGATE_DEMO_DATA", "true"));
        assert!(Config::from_vars(vars(&forced)).is_err());
    }

    #[test]
    fn the_pool_defaults_to_twice_the_cores_at_least_four_and_can_be_overridden() {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let config = Config::from_vars(vars(&[])).unwrap();
        assert_eq!(config.database_max_connections as usize, (2 * cores).max(4));
        let config = Config::from_vars(vars(&[("ACEGATE_DATABASE_MAX_CONNECTIONS", "9")])).unwrap();
        assert_eq!(config.database_max_connections, 9);
    }

    #[test]
    fn limits_default_to_the_documented_table_and_can_be_overridden() {
        let config = Config::from_vars(vars(&[])).unwrap();
        assert_eq!(config.limits.query, QueryLimits::default());
        assert_eq!(config.limits.max_body_bytes, 1024 * 1024);
        assert_eq!(config.limits.request_timeout, Duration::from_secs(10));
        assert_eq!(config.limits.statement_timeout, Duration::from_secs(5));
        assert_eq!(config.limits.header_read_timeout, Duration::from_secs(10));
        assert_eq!(config.limits.body_read_timeout, Duration::from_secs(30));
        assert!(config.cors_origins.is_empty());
        let config = Config::from_vars(vars(&[
            ("ACEGATE_MAX_DEPTH", "4"),
            (
                "ACEGATE_CORS_ORIGINS",
                "https://a.example.com, http://localhost:3000",
            ),
        ]))
        .unwrap();
        assert_eq!(config.limits.query.max_depth, 4);
        assert_eq!(
            config.cors_origins,
            ["https://a.example.com", "http://localhost:3000"]
        );
        for bad in [("ACEGATE_MAX_DEPTH", "0"), ("ACEGATE_CORS_ORIGINS", "*")] {
            assert!(Config::from_vars(vars(&[bad])).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let config = Config::from_vars(vars(&[])).unwrap();
        assert!(!format!("{config:?}").contains(DEVELOPMENT_JWT_SECRET));
    }
}
