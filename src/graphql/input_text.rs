//! Refuses strings that carry bytes no field of acegate means to store: NUL (PostgreSQL cannot store it at all and
//! SQLite would keep it, so the two databases would disagree), the other C0 and C1 control characters, and the
//! Unicode bidirectional overrides and isolates that make a stored text read differently from what it holds
//! ("Trojan Source"). Newlines and tabs pass here, for the long texts; single-line fields refuse them where they
//! are parsed (`domain::values::text`).
//!
//! Every string of a request is checked (in the document's arguments and in the variables) before validation and
//! execution, for every transport, so the answer is one `BAD_USER_INPUT` error on both databases and nothing runs.

use std::sync::Arc;

use async_graphql::{
    Positioned, Request, ServerError, ServerResult, Value,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest},
    parser::types::{Directive, ExecutableDocument, Selection, SelectionSet},
};

use crate::domain::values::{describe_refused, refused_character};

/// A document value with its variables as null: variables are checked on their own, the literals around them here.
/// (A macro: the parser's non-constant value type is not exported by async-graphql.)
macro_rules! literal {
    ($value:expr) => {
        $value
            .clone()
            .into_const_with(|_| Ok::<_, std::convert::Infallible>(Value::Null))
            .unwrap_or(Value::Null)
    };
}

fn refused(path: &str, c: char) -> ServerError {
    let mut error = ServerError::new(format!("{path}: {}", describe_refused(c)), None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", "BAD_USER_INPUT");
    error
}

/// The first refused string in a value, with the path that leads to it.
fn check_value(value: &Value, path: &mut Vec<String>) -> Option<(String, char)> {
    match value {
        Value::String(s) => refused_character(s).map(|(_, c)| (path.join("."), c)),
        Value::List(items) => items.iter().enumerate().find_map(|(i, item)| {
            path.push(i.to_string());
            let found = check_value(item, path);
            path.pop();
            found
        }),
        Value::Object(fields) => fields.iter().find_map(|(name, item)| {
            refused_character(name.as_str())
                .map(|(_, c)| (path.join("."), c))
                .or_else(|| {
                    path.push(name.to_string());
                    let found = check_value(item, path);
                    path.pop();
                    found
                })
        }),
        _ => None,
    }
}

fn check_directives(directives: &[Positioned<Directive>]) -> Option<(String, char)> {
    directives.iter().find_map(|d| {
        d.node.arguments.iter().find_map(|(name, value)| {
            let mut path = vec![format!("@{}", d.node.name.node), name.node.to_string()];
            check_value(&literal!(value.node), &mut path)
        })
    })
}

fn check_selection_set(set: &SelectionSet) -> Option<(String, char)> {
    set.items.iter().find_map(|item| match &item.node {
        Selection::Field(field) => {
            let field = &field.node;
            field
                .arguments
                .iter()
                .find_map(|(name, value)| {
                    let mut path = vec![field.name.node.to_string(), name.node.to_string()];
                    check_value(&literal!(value.node), &mut path)
                })
                .or_else(|| check_directives(&field.directives))
                .or_else(|| check_selection_set(&field.selection_set.node))
        }
        Selection::FragmentSpread(spread) => check_directives(&spread.node.directives),
        Selection::InlineFragment(fragment) => check_directives(&fragment.node.directives)
            .or_else(|| check_selection_set(&fragment.node.selection_set.node)),
    })
}

/// The first refused string literal of a document: arguments (variables are checked on their own), directives and
/// variables' defaults.
fn check_document(doc: &ExecutableDocument) -> Option<(String, char)> {
    let operations = doc.operations.iter().find_map(|(_, op)| {
        let op = &op.node;
        op.variable_definitions
            .iter()
            .find_map(|var| {
                let default = var.node.default_value.as_ref()?;
                check_value(&default.node, &mut vec![format!("${}", var.node.name.node)])
            })
            .or_else(|| check_directives(&op.directives))
            .or_else(|| check_selection_set(&op.selection_set.node))
    });
    operations.or_else(|| {
        doc.fragments.values().find_map(|fragment| {
            check_directives(&fragment.node.directives)
                .or_else(|| check_selection_set(&fragment.node.selection_set.node))
        })
    })
}

/// The schema extension; registered after the limits, so that only a document of bounded size is walked.
#[derive(Clone, Copy, Debug, Default)]
pub struct InputText;

impl ExtensionFactory for InputText {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for InputText {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        for (name, value) in request.variables.iter() {
            if let Some((path, c)) = check_value(value, &mut vec![format!("${name}")]) {
                return Err(refused(&path, c));
            }
        }
        if let Some((path, c)) = check_document(request.parsed_query()?) {
            return Err(refused(&path, c));
        }
        next.run(ctx, request).await
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    #[test]
    fn newlines_and_tabs_pass_other_controls_and_bidi_overrides_do_not() {
        assert_eq!(refused_character("line one\nline two\tcolumn\r\n"), None);
        assert_eq!(refused_character("café ünïcode 数据"), None);
        assert_eq!(refused_character("a\0b"), Some((1, '\0')));
        assert_eq!(refused_character("a\rb"), Some((1, '\r')));
        assert_eq!(refused_character("\u{1b}[31m"), Some((0, '\u{1b}')));
        assert_eq!(refused_character("x\u{7f}"), Some((1, '\u{7f}')));
        assert_eq!(refused_character("x\u{85}"), Some((1, '\u{85}')));
        assert_eq!(refused_character("abc\u{202E}def"), Some((3, '\u{202E}')));
        assert_eq!(refused_character("\u{2066}"), Some((0, '\u{2066}')));
    }

    #[test]
    fn literals_are_found_in_arguments_fragments_directives_and_defaults() {
        let found = |q: &str| check_document(&parse_query(q).unwrap()).map(|(p, _)| p);
        assert_eq!(
            found(r#"{ a(input: { name: "ok", list: ["x", "b\u0000"] }) { b } }"#),
            Some("a.input.list.1".into())
        );
        assert_eq!(
            found(r#"query { ...F } fragment F on Query { c { d(x: "\u202e") } }"#),
            Some("d.x".into())
        );
        assert_eq!(
            found(r#"query($v: String = "\u0007") { a }"#),
            Some("$v".into())
        );
        assert_eq!(found(r#"{ a(x: "fine\n") @include(if: true) }"#), None);
    }
}
