//! The GraphiQL playground at `GET /` (only where introspection is on, i.e. development): the page, its bootstrap
//! script and style, GraphiQL's and React's browser builds, and the saved example operations. Everything is
//! embedded in the binary and served from this origin, so the page works without any network but the API itself
//! and under a strict Content-Security-Policy (`script-src 'self'`, no inline script).
//!
//! Assets are served at `/playground/assets/<name>`; the page names each one with `?v=<content hash>`, so an asset
//! requested with its current hash is cached for a year as immutable, and anything else must be revalidated.

use std::{borrow::Cow, sync::OnceLock};

use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{app::AppState, demo};

/// The URL prefix of every asset.
pub const ASSET_PATH: &str = "/playground/assets/";

/// The page's Content-Security-Policy: scripts, styles and requests to this origin only (WebSocket subscriptions
/// included), inline styles for GraphiQL's editor, fonts inlined in GraphiQL's stylesheet, and no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'none'";

const INDEX_HTML: &str = include_str!("../assets/playground/index.html");

/// The saved operations, in the order of the playground's tabs. Each file starts with a comment header: the title,
/// `# Run as: <demo login>` (or `anonymous`), then a description.
const EXAMPLE_FILES: &[&str] = &[
    include_str!("../assets/playground/examples/1-sign-in.graphql"),
    include_str!("../assets/playground/examples/2-partner-pipeline.graphql"),
    include_str!("../assets/playground/examples/3-reviewer-queue.graphql"),
    include_str!("../assets/playground/examples/4-approval-rates-by-tier.graphql"),
    include_str!("../assets/playground/examples/5-london-reference-case.graphql"),
    include_str!("../assets/playground/examples/6-live-status-changes.graphql"),
];

/// The document of the panel's own operations (`PlaygroundSignIn`, `PlaygroundRefresh`, `PlaygroundSignOut`), sent
/// whole with the operation's name, so that the tests run exactly what the page sends.
const SESSION_DOCUMENT: &str = include_str!("../assets/playground/session.graphql");

/// The files served as they are: name, content type, bytes.
const STATIC_ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "playground.js",
        JAVASCRIPT,
        include_bytes!("../assets/playground/playground.js"),
    ),
    (
        "playground.css",
        CSS,
        include_bytes!("../assets/playground/playground.css"),
    ),
    (
        "graphiql-3.9.0.min.js",
        JAVASCRIPT,
        include_bytes!("../assets/playground/vendor/graphiql-3.9.0.min.js"),
    ),
    (
        "graphiql-3.9.0.min.css",
        CSS,
        include_bytes!("../assets/playground/vendor/graphiql-3.9.0.min.css"),
    ),
    (
        "react-18.3.1.production.min.js",
        JAVASCRIPT,
        include_bytes!("../assets/playground/vendor/react-18.3.1.production.min.js"),
    ),
    (
        "react-dom-18.3.1.production.min.js",
        JAVASCRIPT,
        include_bytes!("../assets/playground/vendor/react-dom-18.3.1.production.min.js"),
    ),
    (
        "LICENSE-graphiql.txt",
        TEXT,
        include_bytes!("../assets/playground/vendor/LICENSE-graphiql.txt"),
    ),
    (
        "LICENSE-react.txt",
        TEXT,
        include_bytes!("../assets/playground/vendor/LICENSE-react.txt"),
    ),
];

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";
const JSON: &str = "application/json";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// One saved operation, as the page receives it in `playground.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Example {
    /// The operation's name, which is also its tab's title.
    pub name: String,
    pub title: String,
    /// The demo login to run it as; `None` runs it without credentials.
    pub login: Option<String>,
    pub description: String,
    /// The whole document, header comment included.
    pub query: String,
}

/// What the page's script loads first: the panel's session operations, the demo logins and the saved operations.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlaygroundData {
    graphql_path: &'static str,
    subscription_path: &'static str,
    session_document: &'static str,
    demo_password: &'static str,
    demo_logins: &'static [&'static str],
    examples: &'static [Example],
}

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: Cow<'static, [u8]>,
    /// The first 16 hex digits of the SHA-256 of the bytes.
    version: String,
}

impl Asset {
    fn new(name: &'static str, content_type: &'static str, bytes: Cow<'static, [u8]>) -> Self {
        let digest = Sha256::digest(&bytes);
        let version = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Self {
            name,
            content_type,
            bytes,
            version,
        }
    }

    fn url(&self) -> String {
        format!("{ASSET_PATH}{}?v={}", self.name, self.version)
    }
}

/// The saved operations, parsed once from the embedded files.
pub fn examples() -> &'static [Example] {
    static EXAMPLES: OnceLock<Vec<Example>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        EXAMPLE_FILES
            .iter()
            .map(|text| parse_example(text))
            .collect()
    })
}

/// Reads an example's header comment and operation name. The files are part of the binary, so a malformed one
/// is a bug caught by the tests, not a runtime condition.
fn parse_example(text: &str) -> Example {
    let header: Vec<&str> = text
        .lines()
        .take_while(|line| line.starts_with('#'))
        .map(|line| line.trim_start_matches('#').trim())
        .collect();
    let title = header.first().copied().unwrap_or_default().to_owned();
    let login = header
        .iter()
        .find_map(|line| line.strip_prefix("Run as:"))
        .map(str::trim)
        .filter(|login| *login != "anonymous")
        .map(str::to_owned);
    let description = header
        .iter()
        .skip(1)
        .filter(|line| !line.starts_with("Run as:"))
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_owned();
    let name = text
        .lines()
        .find_map(|line| {
            ["query ", "mutation ", "subscription "]
                .iter()
                .find_map(|keyword| line.strip_prefix(keyword))
        })
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .unwrap_or_default();
    Example {
        name,
        title,
        login,
        description,
        query: text.to_owned(),
    }
}

fn assets() -> &'static [Asset] {
    static ASSETS: OnceLock<Vec<Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let data = PlaygroundData {
            graphql_path: "/graphql",
            subscription_path: "/graphql/ws",
            session_document: SESSION_DOCUMENT,
            demo_password: demo::DEMO_PASSWORD,
            demo_logins: demo::DEMO_LOGINS,
            examples: examples(),
        };
        let data = serde_json::to_vec(&data).expect("the playground data serialises");
        STATIC_ASSETS
            .iter()
            .map(|(name, content_type, bytes)| Asset::new(name, content_type, Cow::Borrowed(bytes)))
            .chain([Asset::new("playground.json", JSON, Cow::Owned(data))])
            .collect()
    })
}

/// The page, with every `{{asset:NAME}}` replaced by that asset's versioned URL.
fn index_html() -> &'static str {
    static HTML: OnceLock<String> = OnceLock::new();
    HTML.get_or_init(|| {
        assets().iter().fold(INDEX_HTML.to_owned(), |html, asset| {
            html.replace(&format!("{{{{asset:{}}}}}", asset.name), &asset.url())
        })
    })
}

/// The playground's routes; each answers 404 when the playground is off.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(page))
        .route("/playground/assets/{name}", get(asset))
}

async fn page(State(state): State<AppState>) -> Response {
    if !state.playground {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE)),
        ],
        index_html(),
    )
        .into_response()
}

#[derive(Deserialize)]
struct Version {
    v: Option<String>,
}

async fn asset(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(version): Query<Version>,
) -> Response {
    let found = assets().iter().find(|asset| asset.name == name);
    let Some(asset) = found.filter(|_| state.playground) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let cache = if version.v.as_deref() == Some(asset.version.as_str()) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        asset.bytes.clone(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_names_its_operation_title_and_login() {
        let examples = examples();
        assert_eq!(examples.len(), EXAMPLE_FILES.len());
        for example in examples {
            assert!(!example.name.is_empty(), "{example:?}");
            assert!(
                !example.title.is_empty() && !example.description.is_empty(),
                "{example:?}"
            );
            if let Some(login) = &example.login {
                assert!(
                    demo::DEMO_LOGINS.contains(&login.as_str()),
                    "{login} is a demo login"
                );
            }
        }
        let names: std::collections::HashSet<_> = examples.iter().map(|e| &e.name).collect();
        assert_eq!(names.len(), examples.len(), "tab titles are unique");
    }

    #[test]
    fn the_page_names_every_asset_it_loads_by_its_versioned_url() {
        let html = index_html();
        assert!(!html.contains("{{"), "every placeholder is replaced");
        assert!(
            !html.contains("<script>") && !html.contains("http"),
            "no inline script, nothing remote"
        );
        for name in ["playground.js", "graphiql-3.9.0.min.js", "playground.json"] {
            let asset = assets().iter().find(|a| a.name == name).unwrap();
            assert!(html.contains(&asset.url()), "{name}");
        }
    }
}
