//! Puts every object of a response in the order the query asked for its fields (the spec's CollectFields order).
//!
//! async-graphql 7 resolves the fields of an object concurrently and inserts each into the result as it completes,
//! so a field that waited on the database comes after one that did not, and the order changes from run to run.
//! Clients and the playground then show shuffled objects. This extension keeps the document the request ran and,
//! once execution is over (for every transport and every subscription event), walks the result beside the
//! selection sets and reorders each object. It never adds, drops or changes a value.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use async_graphql::{
    Name, Positioned, Response, ServerResult, Value, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery},
    parser::types::{
        Directive, DocumentOperations, ExecutableDocument, Field, FragmentDefinition,
        OperationDefinition, OperationType, Selection, SelectionSet, TypeCondition,
    },
    registry::{MetaType, MetaTypeName, Registry},
};

use super::documents::SharedDocument;

/// The schema extension; one instance per request (or per subscription).
pub struct ResponseOrder;

impl ExtensionFactory for ResponseOrder {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Ordering::default())
    }
}

#[derive(Default)]
struct Ordering {
    request: Mutex<Option<(Arc<ExecutableDocument>, Variables)>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Ordering {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        // Over HTTP the request carries the cached document it was parsed into; elsewhere it is copied once.
        let shared = match ctx.data_opt::<SharedDocument>() {
            Some(SharedDocument(shared)) => shared.clone(),
            None => Arc::new(document.clone()),
        };
        *self.lock() = Some((shared, variables.clone()));
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        if let Some((document, variables)) = self.lock().as_ref() {
            reorder(
                &mut response.data,
                document,
                operation_name,
                variables,
                &ctx.schema_env.registry,
            );
        }
        response
    }
}

impl Ordering {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Arc<ExecutableDocument>, Variables)>> {
        self.request
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Reorders `data`, the result of `operation_name` in `document`, in place.
pub fn reorder(
    data: &mut Value,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    registry: &Registry,
) {
    let Some(operation) = operation(document, operation_name) else {
        return;
    };
    let root = match operation.ty {
        OperationType::Query => Some(registry.query_type.as_str()),
        OperationType::Mutation => registry.mutation_type.as_deref(),
        OperationType::Subscription => registry.subscription_type.as_deref(),
    };
    let Some(root) = root else {
        return;
    };
    let walker = Walker {
        registry,
        fragments: &document.fragments,
        variables,
        collected: Default::default(),
    };
    walker.value(data, &[&operation.selection_set.node], root);
}

fn operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|o| &o.node)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|o| &o.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// One response key of an object: the field name behind it and the merged selection sets below it.
struct Collected<'a> {
    key: &'a Name,
    name: &'a str,
    sets: Vec<&'a SelectionSet>,
}

type CollectedKey = (Vec<usize>, String);

struct Walker<'a> {
    registry: &'a Registry,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    variables: &'a Variables,
    /// CollectFields of a list of selection sets on a concrete type, computed once per response: a page of fifty
    /// objects shares one.
    collected: Mutex<HashMap<CollectedKey, Arc<Vec<Collected<'a>>>>>,
}

impl<'a> Walker<'a> {
    /// Reorders `value` (an object, a list of them, or anything else, which stays as it is) of type `type_name`.
    fn value(&self, value: &mut Value, sets: &[&'a SelectionSet], type_name: &str) {
        match value {
            Value::List(items) => {
                for item in items {
                    self.value(item, sets, type_name);
                }
            }
            Value::Object(object) => {
                let Some(ty) = self.registry.types.get(type_name) else {
                    return;
                };
                let Some(concrete) = self.concrete(ty, object, sets) else {
                    return;
                };
                let collected = self.collect(sets, concrete);
                if in_order(object, &collected) {
                    // The fast path already answers in order: only the children may need it.
                    for field in collected.iter().filter(|f| !f.sets.is_empty()) {
                        if let Some(child) = object.get_mut(field.key)
                            && let Some(child_type) = self.field_type(concrete, field.name)
                        {
                            self.value(child, &field.sets, child_type);
                        }
                    }
                    return;
                }
                let mut rest = std::mem::take(object);
                object.reserve(rest.len());
                for field in collected.iter() {
                    let Some(mut child) = rest.shift_remove(field.key) else {
                        continue;
                    };
                    if !field.sets.is_empty()
                        && let Some(child_type) = self.field_type(concrete, field.name)
                    {
                        self.value(&mut child, &field.sets, child_type);
                    }
                    object.insert(field.key.clone(), child);
                }
                // Nothing should be left; if something is, it keeps its place after the known keys.
                object.extend(rest);
            }
            _ => {}
        }
    }

    /// The object type an object of `ty` is: `ty` itself, or for an interface or union, read from the object: its
    /// `__typename` if the query asked for it, else the type its global `id` names, else the one possible type whose
    /// fields cover the object's keys. `None` when the object could be of several types that order it differently:
    /// it then keeps the order it came in rather than take a guess.
    fn concrete<'t>(
        &self,
        ty: &'t MetaType,
        object: &async_graphql::indexmap::IndexMap<Name, Value>,
        sets: &[&'a SelectionSet],
    ) -> Option<&'t str> {
        if !ty.is_abstract() {
            return Some(ty.name());
        }
        let possible = ty.possible_types()?;
        let fitting: Vec<(&'t str, Arc<Vec<Collected<'a>>>)> = possible
            .iter()
            .map(|candidate| (candidate.as_str(), self.collect(sets, candidate)))
            .filter(|(_, collected)| {
                object
                    .keys()
                    .all(|key| collected.iter().any(|c| c.key == key))
            })
            .collect();
        let named = |field: &str, read: fn(&str) -> Option<String>| {
            fitting.iter().find_map(|(_, collected)| {
                let key = collected.iter().find(|c| c.name == field)?.key;
                match object.get(key) {
                    Some(Value::String(value)) => read(value),
                    _ => None,
                }
            })
        };
        let told = named("__typename", |name| Some(name.to_owned())).or_else(|| {
            named("id", |id| {
                super::ids::decode(id).map(|(kind, _)| kind.name().to_owned())
            })
        });
        if let Some(name) = told {
            return fitting
                .iter()
                .find(|(candidate, _)| *candidate == name)
                .map(|(candidate, _)| *candidate);
        }
        let (first, order) = fitting.first()?;
        let same_order = fitting
            .iter()
            .all(|(_, other)| keys_in(order, object) == keys_in(other, object));
        same_order.then_some(*first)
    }

    /// The named type of field `name` on object type `concrete`.
    fn field_type(&self, concrete: &str, name: &str) -> Option<&'a str> {
        let ty = match name {
            "__schema" => return Some("__Schema"),
            "__type" => return Some("__Type"),
            _ => &self.registry.types.get(concrete)?.field_by_name(name)?.ty,
        };
        Some(named(ty))
    }

    fn collect(&self, sets: &[&'a SelectionSet], concrete: &str) -> Arc<Vec<Collected<'a>>> {
        let key = (
            sets.iter()
                .map(|set| std::ptr::from_ref(*set) as usize)
                .collect(),
            concrete.to_owned(),
        );
        let mut cache = self
            .collected
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry(key)
            .or_insert_with(|| {
                let mut out = Vec::new();
                for set in sets {
                    self.collect_into(set, concrete, &mut out, 0);
                }
                Arc::new(out)
            })
            .clone()
    }

    fn collect_into(
        &self,
        set: &'a SelectionSet,
        concrete: &str,
        out: &mut Vec<Collected<'a>>,
        depth: usize,
    ) {
        // Validation refuses fragment cycles; the bound only keeps this function total.
        if depth > 64 {
            return;
        }
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    if !self.included(&field.node.directives) {
                        continue;
                    }
                    let Field {
                        alias,
                        name,
                        selection_set,
                        ..
                    } = &field.node;
                    let key = &alias.as_ref().unwrap_or(name).node;
                    let set = &selection_set.node;
                    match out.iter_mut().find(|c| c.key == key) {
                        Some(existing) => existing.sets.push(set),
                        None => out.push(Collected {
                            key,
                            name: name.node.as_str(),
                            sets: if set.items.is_empty() {
                                Vec::new()
                            } else {
                                vec![set]
                            },
                        }),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if !self.included(&spread.node.directives) {
                        continue;
                    }
                    let Some(fragment) = self.fragments.get(&spread.node.fragment_name.node) else {
                        continue;
                    };
                    if self.applies(Some(&fragment.node.type_condition), concrete) {
                        let set = &fragment.node.selection_set.node;
                        self.collect_into(set, concrete, out, depth + 1);
                    }
                }
                Selection::InlineFragment(inline) => {
                    if !self.included(&inline.node.directives)
                        || !self.applies(inline.node.type_condition.as_ref(), concrete)
                    {
                        continue;
                    }
                    let set = &inline.node.selection_set.node;
                    self.collect_into(set, concrete, out, depth + 1);
                }
            }
        }
    }

    fn applies(&self, condition: Option<&Positioned<TypeCondition>>, concrete: &str) -> bool {
        let Some(condition) = condition else {
            return true;
        };
        let name = condition.node.on.node.as_str();
        name == concrete
            || self
                .registry
                .types
                .get(name)
                .is_some_and(|ty| ty.is_possible_type(concrete))
    }

    /// `@skip` and `@include`, evaluated as async-graphql evaluates them before execution: from the request's
    /// variables (which [`super::variable_defaults`] completed with the operation's defaults), a condition that is
    /// not a boolean counting as false.
    fn included(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().all(|directive| {
            let include = match directive.node.name.node.as_str() {
                "skip" => false,
                "include" => true,
                _ => return true,
            };
            let Some(condition) = directive.node.get_argument("if") else {
                return true;
            };
            let condition = condition
                .node
                .clone()
                .into_const_with(|name| self.variables.get(&name).cloned().ok_or(()))
                .ok();
            let condition = matches!(condition, Some(Value::Boolean(true)));
            include == condition
        })
    }
}

/// The object's keys in the collected order.
fn keys_in<'c>(
    collected: &'c [Collected<'_>],
    object: &async_graphql::indexmap::IndexMap<Name, Value>,
) -> Vec<&'c Name> {
    collected
        .iter()
        .map(|c| c.key)
        .filter(|key| object.contains_key(*key))
        .collect()
}

/// Whether the object's keys already follow the collected order.
fn in_order(
    object: &async_graphql::indexmap::IndexMap<Name, Value>,
    collected: &[Collected<'_>],
) -> bool {
    let mut next = 0;
    object.keys().all(
        |key| match collected[next..].iter().position(|c| c.key == key) {
            Some(offset) => {
                next += offset + 1;
                true
            }
            None => false,
        },
    )
}

/// `[Opportunity!]!` → `Opportunity`.
fn named(ty: &str) -> &str {
    let mut ty = ty;
    loop {
        match MetaTypeName::create(ty) {
            MetaTypeName::Named(name) => return name,
            MetaTypeName::NonNull(inner) | MetaTypeName::List(inner) => ty = inner,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_types_lose_their_wrappers() {
        assert_eq!(named("[Opportunity!]!"), "Opportunity");
        assert_eq!(named("String"), "String");
        assert_eq!(named("[[Int]]"), "Int");
    }
}
