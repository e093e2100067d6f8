//! Limits on what one GraphQL document may ask for, and the anonymous gate, enforced before validation and
//! execution for every transport (HTTP and WebSocket alike) by the [`Protections`] schema extension.
//!
//! The text is measured first (characters, tokens, bracket nesting) so that the parser never sees an oversized
//! or pathologically nested document; the parsed document is then measured (depth, aliases, directives, fields
//! after fragment expansion, each fragment measured once so that a "fragment bomb" costs linear time); the
//! complexity, which needs the schema's per-field costs, is checked right after validation computed it. Every
//! breach is one `QUERY_TOO_COMPLEX` error; nothing has run.

use std::{
    any::TypeId,
    collections::{HashMap, HashSet},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use async_graphql::{
    Name, Positioned, Request, ServerError, ServerResult, ValidationResult,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest,
        NextValidation,
    },
    parser::types::{
        DocumentOperations, ExecutableDocument, FragmentDefinition, OperationDefinition,
        OperationType, Selection, SelectionSet,
    },
};

use super::cost;
use crate::{config::QueryLimits, error::AppError, policy, service::Caller};

/// Root fields an anonymous caller may use in production (API.md): signing in, refreshing, and the public
/// inquiry form. `__typename` reveals nothing.
pub const ANONYMOUS_ROOT_FIELDS: &[&str] =
    &["login", "refreshToken", "submitInquiry", "__typename"];

/// The code of the one error an anonymous caller in production gets for a document that fails validation.
const ANONYMOUS_INVALID_MESSAGE: &str =
    "the request is not valid for this operation; sign in for details";

/// The error code of every breach.
pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";

/// The cost of a connection or list field with a page size (API.md: "a list costs `first` × its children"): the
/// page size (`first`, else `last`, else the default 50) times the cost of its selection. Used in
/// `#[graphql(complexity = ...)]` attributes. A size outside 1–100 costs one page of one: the resolver refuses it
/// with the `BAD_USER_INPUT` page-size error before it reads anything, and that is the error the client should see.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = match first.or(last) {
        None => policy::DEFAULT_PAGE_SIZE as usize,
        Some(n) if (1..=policy::MAX_PAGE_SIZE as i64).contains(&i64::from(n)) => n as usize,
        Some(_) => 1,
    };
    size.saturating_mul(child_complexity.max(1))
}

/// A `QUERY_TOO_COMPLEX` error without a location (the breach belongs to the whole document).
pub fn too_complex(message: impl Into<String>) -> ServerError {
    with_code(ServerError::new(message, None), QUERY_TOO_COMPLEX)
}

fn with_code(mut error: ServerError, code: &str) -> ServerError {
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    error
}

/// Measures the query text before it is parsed: its length, its lexical tokens, and how deeply its brackets
/// nest. Comments, whitespace and commas are not tokens; a string is one token.
pub fn check_text(query: &str, limits: &QueryLimits) -> Result<(), ServerError> {
    if query.len() > limits.max_chars && query.chars().count() > limits.max_chars {
        return Err(too_complex(format!(
            "the query text is longer than {} characters",
            limits.max_chars
        )));
    }
    let bytes = query.as_bytes();
    let (mut i, mut tokens, mut nesting) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => i += 3,
            b'{' | b'(' | b'[' => {
                nesting += 1;
                if nesting > policy::limits::MAX_QUERY_NESTING {
                    return Err(too_complex(format!(
                        "the query nests brackets more than {} deep",
                        policy::limits::MAX_QUERY_NESTING
                    )));
                }
                i += 1;
            }
            b'}' | b')' | b']' => {
                nesting = nesting.saturating_sub(1);
                i += 1;
            }
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
            }
            b'-' | b'0'..=b'9' => {
                i += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b'+' | b'-'))
                {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        tokens += 1;
        if tokens > limits.max_tokens {
            return Err(too_complex(format!(
                "the query has more than {} tokens",
                limits.max_tokens
            )));
        }
    }
    Ok(())
}

/// What a selection set asks for, fragments expanded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measure {
    /// Deepest field nesting (`{ a { b } }` is 2).
    pub depth: usize,
    pub aliases: usize,
    pub directives: usize,
    /// Field selections after fragment expansion.
    pub fields: usize,
}

impl Measure {
    fn add(&mut self, other: Measure) {
        self.depth = self.depth.max(other.depth);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.directives = self.directives.saturating_add(other.directives);
        self.fields = self.fields.saturating_add(other.fields);
    }
}

struct Measurer<'a> {
    doc: &'a ExecutableDocument,
    fragments: HashMap<&'a Name, Measure>,
    visiting: HashSet<&'a Name>,
}

impl<'a> Measurer<'a> {
    fn fragment(&mut self, name: &'a Name) -> Measure {
        if let Some(measure) = self.fragments.get(name) {
            return *measure;
        }
        // An unknown fragment or a cycle: validation reports it; it adds nothing here.
        let Some(fragment) = self.doc.fragments.get(name) else {
            return Measure::default();
        };
        if !self.visiting.insert(name) {
            return Measure::default();
        }
        let fragment: &'a Positioned<FragmentDefinition> = fragment;
        let mut measure = self.selection_set(&fragment.node.selection_set.node, false);
        measure.directives = measure
            .directives
            .saturating_add(fragment.node.directives.len());
        self.visiting.remove(name);
        self.fragments.insert(name, measure);
        measure
    }

    /// `exempt_introspection`: at the root of an operation, `__schema` and `__type` do not count towards depth.
    fn selection_set(&mut self, set: &'a SelectionSet, exempt_introspection: bool) -> Measure {
        let mut total = Measure::default();
        for selection in &set.items {
            let measure = match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let inner = self.selection_set(&field.selection_set.node, false);
                    let exempt = exempt_introspection
                        && matches!(field.name.node.as_str(), "__schema" | "__type");
                    Measure {
                        depth: if exempt { 1 } else { inner.depth + 1 },
                        aliases: inner.aliases + usize::from(field.alias.is_some()),
                        directives: inner.directives.saturating_add(field.directives.len()),
                        fields: inner.fields.saturating_add(1),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let mut measure = self.fragment(&spread.node.fragment_name.node);
                    measure.directives = measure
                        .directives
                        .saturating_add(spread.node.directives.len());
                    measure
                }
                Selection::InlineFragment(inline) => {
                    let mut measure =
                        self.selection_set(&inline.node.selection_set.node, exempt_introspection);
                    measure.directives = measure
                        .directives
                        .saturating_add(inline.node.directives.len());
                    measure
                }
            };
            total.add(measure);
        }
        total
    }
}

/// Measures each operation of a document; the result is the largest figure of any operation.
pub fn measure(doc: &ExecutableDocument, introspection_enabled: bool) -> Measure {
    let mut measurer = Measurer {
        doc,
        fragments: HashMap::new(),
        visiting: HashSet::new(),
    };
    let mut worst = Measure::default();
    for (_, operation) in doc.operations.iter() {
        let mut measure =
            measurer.selection_set(&operation.node.selection_set.node, introspection_enabled);
        measure.directives = measure
            .directives
            .saturating_add(operation.node.directives.len());
        worst.depth = worst.depth.max(measure.depth);
        worst.aliases = worst.aliases.max(measure.aliases);
        worst.directives = worst.directives.max(measure.directives);
        worst.fields = worst.fields.max(measure.fields);
    }
    worst
}

/// Checks a parsed document against the limits.
pub fn check_document(
    doc: &ExecutableDocument,
    limits: &QueryLimits,
    introspection_enabled: bool,
) -> Result<(), ServerError> {
    let measure = measure(doc, introspection_enabled);
    if measure.depth > limits.max_depth {
        return Err(too_complex(format!(
            "the query is {} fields deep; the limit is {}",
            measure.depth, limits.max_depth
        )));
    }
    if measure.aliases > limits.max_aliases {
        return Err(too_complex(format!(
            "the operation uses {} aliases; the limit is {}",
            measure.aliases, limits.max_aliases
        )));
    }
    if measure.directives > limits.max_directives {
        return Err(too_complex(format!(
            "the operation uses {} directives; the limit is {}",
            measure.directives, limits.max_directives
        )));
    }
    // Every field costs at least 1, so more fields than the complexity limit can never pass it; refusing here
    // spares validation from walking a fragment-expanded tree of any size.
    if measure.fields > limits.max_complexity {
        return Err(too_complex(format!(
            "the query selects {} fields after fragment expansion; the complexity limit is {}",
            measure.fields, limits.max_complexity
        )));
    }
    Ok(())
}

/// The operation a request runs: the one named, or the only one.
pub fn selected_operation<'a>(
    doc: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<(Option<&'a Name>, &'a OperationDefinition)> {
    match (&doc.operations, operation_name) {
        (DocumentOperations::Single(operation), None) => Some((None, &operation.node)),
        (DocumentOperations::Single(_), Some(_)) => None,
        (DocumentOperations::Multiple(map), Some(name)) => map
            .get_key_value(name)
            .map(|(name, operation)| (Some(name), &operation.node)),
        (DocumentOperations::Multiple(map), None) if map.len() == 1 => map
            .iter()
            .next()
            .map(|(name, operation)| (Some(name), &operation.node)),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// The root field names of an operation, through fragments at the root.
pub fn root_fields<'a>(
    doc: &'a ExecutableDocument,
    operation: &'a OperationDefinition,
) -> Vec<&'a str> {
    fn collect<'a>(
        doc: &'a ExecutableDocument,
        set: &'a SelectionSet,
        seen: &mut HashSet<&'a Name>,
        out: &mut Vec<&'a str>,
    ) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => out.push(field.node.name.node.as_str()),
                Selection::InlineFragment(inline) => {
                    collect(doc, &inline.node.selection_set.node, seen, out)
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if seen.insert(name)
                        && let Some(fragment) = doc.fragments.get(name)
                    {
                        collect(doc, &fragment.node.selection_set.node, seen, out);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    collect(
        doc,
        &operation.selection_set.node,
        &mut HashSet::new(),
        &mut out,
    );
    out
}

/// Whether an anonymous caller may run this operation where only [`ANONYMOUS_ROOT_FIELDS`] are open (and the
/// introspection fields, when introspection is enabled).
pub fn anonymous_may_run(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    introspection_enabled: bool,
) -> bool {
    let Some((_, operation)) = selected_operation(doc, operation_name) else {
        return false;
    };
    if operation.ty == OperationType::Subscription {
        return false;
    }
    root_fields(doc, operation).into_iter().all(|field| {
        ANONYMOUS_ROOT_FIELDS.contains(&field)
            || (introspection_enabled && matches!(field, "__schema" | "__type"))
    })
}

/// Set by the [`Protections`] extension when execution begins; an HTTP handler that puts one in the request data
/// can tell a request error (nothing ran: no `data` entry, a 4xx status) from an execution result.
#[derive(Clone, Default)]
pub struct ExecutionMarker(Arc<AtomicBool>);

impl ExecutionMarker {
    pub fn executed(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// The schema extension that enforces the limits and, where configured, the anonymous gate.
#[derive(Clone, Copy, Debug)]
pub struct Protections {
    pub limits: QueryLimits,
    pub introspection_enabled: bool,
    /// Production: anonymous callers may only use [`ANONYMOUS_ROOT_FIELDS`].
    pub gate_anonymous: bool,
}

impl ExtensionFactory for Protections {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Protections {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        check_text(&request.query, &self.limits)?;
        // Over HTTP the caller is request data; over WebSocket it is the connection's session data.
        let caller = TypeId::of::<Caller>();
        let anonymous =
            !request.data.contains_key(&caller) && !ctx.session_data.contains_key(&caller);
        let operation_name = request.operation_name.clone();
        let doc = request.parsed_query()?;
        if self.gate_anonymous
            && anonymous
            && !anonymous_may_run(doc, operation_name.as_deref(), self.introspection_enabled)
        {
            // One generic error, before validation: nothing about the schema reaches the caller.
            let required = crate::auth::AuthFailure::AuthenticationRequired;
            return Err(AppError::Unauthenticated(required).into_server_error());
        }
        check_document(doc, &self.limits, self.introspection_enabled)?;
        next.run(ctx, request).await
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = match next.run(ctx).await {
            Ok(result) => result,
            // Validation messages name types and fields ("Unknown field … on type …"); an anonymous caller in
            // production learns nothing about the schema beyond the few operations open to it.
            Err(_) if self.gate_anonymous && ctx.data_opt::<Caller>().is_none() => {
                return Err(vec![with_code(
                    ServerError::new(ANONYMOUS_INVALID_MESSAGE, None),
                    super::error_codes::VALIDATION_FAILED,
                )]);
            }
            Err(errors) => return Err(errors),
        };
        if result.complexity > self.limits.max_complexity {
            let mut error = too_complex(format!(
                "the query's complexity is {}; the limit is {} (a connection costs its page size times its fields)",
                result.complexity, self.limits.max_complexity
            ));
            let cost = cost::value(result.complexity, self.limits.max_complexity);
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set(cost::KEY, cost);
            return Err(vec![error]);
        }
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        if let Some(marker) = ctx.data_opt::<ExecutionMarker>() {
            marker.0.store(true, Ordering::Release);
        }
        next.run(ctx, operation_name).await
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn limits() -> QueryLimits {
        QueryLimits::default()
    }

    #[test]
    fn tokens_skip_whitespace_commas_and_comments_and_count_a_string_once() {
        let tiny = QueryLimits {
            max_tokens: 7,
            ..limits()
        };
        // { a ( x : "a b c" ) } = 8 tokens
        assert!(check_text("# comment\n{ a(x: \"a, b, c\") }", &tiny).is_err());
        assert!(check_text("# comment\n{ a(x: \"a, b, c\") ", &tiny).is_ok());
        assert!(check_text("{ a, b, c, d, e }", &tiny).is_ok());
        assert!(check_text(r#"{ a(x: """ block "" \""" """) }"#, &tiny).is_err());
    }

    #[test]
    fn deep_bracket_nesting_is_refused_before_parsing() {
        let query = format!("{}{}", "{a".repeat(100), "}".repeat(100));
        let error = check_text(&query, &limits()).unwrap_err();
        assert!(error.message.contains("nests"));
    }

    #[test]
    fn a_fragment_bomb_is_measured_in_linear_time() {
        let mut query = String::from("{ ...F0 }\n");
        for i in 0..40 {
            query.push_str(&format!(
                "fragment F{i} on Query {{ ...F{} ...F{} }}\n",
                i + 1,
                i + 1
            ));
        }
        query.push_str("fragment F40 on Query { __typename }\n");
        let doc = parse_query(&query).unwrap();
        let measure = measure(&doc, false);
        assert_eq!(measure.fields, 1 << 40);
        assert!(check_document(&doc, &limits(), false).is_err());
    }

    #[test]
    fn depth_aliases_and_directives_are_counted_through_fragments() {
        let doc = parse_query(
            "query Q @a { x: a { b { c } } ...F } fragment F on Query @b { y: d @c { e @d } }",
        )
        .unwrap();
        let measure = measure(&doc, false);
        assert_eq!(
            measure,
            Measure {
                depth: 3,
                aliases: 2,
                directives: 4,
                fields: 5
            }
        );
    }

    #[test]
    fn root_introspection_is_exempt_from_depth_only_when_enabled() {
        let doc =
            parse_query("{ __schema { types { fields { type { ofType { name } } } } } }").unwrap();
        assert_eq!(measure(&doc, true).depth, 1);
        assert_eq!(measure(&doc, false).depth, 6);
    }

    #[test]
    fn the_anonymous_gate_looks_at_the_selected_operation_root_fields() {
        let doc = parse_query(
            "mutation In { login(input: {}) { accessToken } } query Out { viewer { id } } \
             query Sneaky { ...F } fragment F on Query { viewer { id } }",
        )
        .unwrap();
        assert!(anonymous_may_run(&doc, Some("In"), false));
        assert!(!anonymous_may_run(&doc, Some("Out"), false));
        assert!(!anonymous_may_run(&doc, Some("Sneaky"), false));
        assert!(!anonymous_may_run(&doc, None, false));
        let doc = parse_query("{ __schema { queryType { name } } }").unwrap();
        assert!(!anonymous_may_run(&doc, None, false));
        assert!(anonymous_may_run(&doc, None, true));
    }

    #[test]
    fn a_page_costs_its_size_times_its_items() {
        assert_eq!(page_cost(Some(10), None, 5), 50);
        assert_eq!(page_cost(None, Some(20), 5), 100);
        assert_eq!(page_cost(None, None, 2), 100);
        assert_eq!(page_cost(Some(100), None, 2), 200);
        assert_eq!(page_cost(Some(1_000_000), None, 2), 2);
        assert_eq!(page_cost(Some(-5), None, 2), 2);
    }
}
