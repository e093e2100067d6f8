//! Media types of GraphQL over HTTP: which response type a client accepts, and whether a request body is JSON.

use axum::http::{HeaderMap, HeaderValue, header};

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub const JSON: &str = "application/json";

/// The media type of a GraphQL response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseType {
    /// `application/graphql-response+json`: the status code tells a request error (4xx) from a result (200).
    GraphQLResponseJson,
    /// `application/json`: every well-formed request gets 200, whatever its errors.
    Json,
}

impl ResponseType {
    pub fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            ResponseType::GraphQLResponseJson => "application/graphql-response+json; charset=utf-8",
            ResponseType::Json => "application/json; charset=utf-8",
        })
    }
}

/// Picks the response type from `Accept`: `application/graphql-response+json` when it is accepted at least as
/// much as `application/json`; `application/json` for `*/*`, `application/*` or no `Accept` at all (the spec's
/// advice for legacy clients); `None` when the client accepts neither (406).
pub fn response_type(headers: &HeaderMap) -> Option<ResponseType> {
    let values: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return Some(ResponseType::Json);
    }
    // Highest q given to each candidate, by the most specific range that matches it.
    let (mut graphql, mut json, mut wildcard) = (None::<f32>, None::<f32>, None::<f32>);
    for range in values.iter().flat_map(|v| v.split(',')) {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .or_else(|| p.trim().strip_prefix("Q="))
            })
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0)
            .clamp(0.0, 1.0);
        let slot = match media.as_str() {
            GRAPHQL_RESPONSE_JSON => &mut graphql,
            JSON => &mut json,
            "*/*" | "application/*" => &mut wildcard,
            _ => continue,
        };
        *slot = Some(slot.map_or(q, |old: f32| old.max(q)));
    }
    let graphql = graphql.unwrap_or(0.0);
    let json = json.or(wildcard).unwrap_or(0.0);
    if graphql <= 0.0 && json <= 0.0 {
        None
    } else if graphql > 0.0 && graphql >= json {
        Some(ResponseType::GraphQLResponseJson)
    } else {
        Some(ResponseType::Json)
    }
}

/// Whether a request body is declared as JSON: `application/json`, optionally with `charset=utf-8`. Anything
/// else, including `text/plain` and form encodings that a browser may send cross-site without a preflight, is
/// refused (415).
pub fn is_json_body(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case(JSON) {
        return false;
    }
    parts.all(|param| match param.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => param.trim().is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> Option<ResponseType> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        response_type(&headers)
    }

    #[test]
    fn accept_picks_the_response_type() {
        use ResponseType::*;
        assert_eq!(response_type(&HeaderMap::new()), Some(Json));
        assert_eq!(
            accept("application/graphql-response+json"),
            Some(GraphQLResponseJson)
        );
        assert_eq!(accept("application/json"), Some(Json));
        assert_eq!(accept("*/*"), Some(Json));
        assert_eq!(
            accept("application/graphql-response+json, application/json;q=0.9"),
            Some(GraphQLResponseJson)
        );
        assert_eq!(
            accept("application/graphql-response+json;q=0.5, application/json"),
            Some(Json)
        );
        assert_eq!(
            accept("application/graphql-response+json, application/json, multipart/mixed"),
            Some(GraphQLResponseJson)
        );
        assert_eq!(accept("text/html"), None);
        assert_eq!(accept("application/json;q=0"), None);
        assert_eq!(accept("text/html, */*;q=0.1"), Some(Json));
    }

    #[test]
    fn only_json_bodies_are_accepted() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
            is_json_body(&headers)
        };
        assert!(with("application/json"));
        assert!(with("application/json; charset=utf-8"));
        assert!(with("Application/JSON;charset=\"UTF-8\""));
        assert!(!with("application/json; charset=latin1"));
        assert!(!with("text/plain"));
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!with("multipart/form-data; boundary=x"));
        assert!(!with("application/graphql"));
        assert!(!is_json_body(&HeaderMap::new()));
    }
}
