//! The read fast path for the hottest selections: a resolver looks at the fields the client selected below it, and
//! when every one is a plain column or a relation this module knows, it fetches the rows in a couple of joined
//! statements and builds the response value directly, instead of resolving each of the thousand-odd fields of a page
//! through its own resolver and DataLoader. Anything else (a field with arguments, a computed field, an unknown
//! directive) is left to the ordinary resolvers, which remain the reference: the projection must answer byte for
//! byte what they answer, and the API tests compare the two.
//!
//! `@skip` and `@include` are applied by async-graphql before execution, so a selection here is already the one
//! that runs.

pub mod opportunity;

use std::{borrow::Cow, sync::Mutex};

use async_graphql::{
    ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value,
    context::ContextBase,
    parser::types::{Field, Selection, SelectionSet, TypeCondition},
    registry::Registry,
};

/// Whether resolvers may take the fast path (`ACEGATE_READ_PROJECTION`, on by default); off, every field goes through
/// its resolver. Kept as an operational switch and so that tests can compare both paths on the same data.
#[derive(Clone, Copy, Debug)]
pub struct ReadProjection(pub bool);

/// A resolver's result: either an object for the ordinary resolvers to walk, or the finished value of the whole
/// selection. The GraphQL type is `T`'s either way, so the schema does not change.
pub enum Projected<T> {
    Resolve(T),
    /// Handed over (not cloned) when async-graphql resolves the field, which it does once.
    Ready(Mutex<Value>),
}

impl<T> Projected<T> {
    pub fn ready(value: Value) -> Self {
        Projected::Ready(Mutex::new(value))
    }
}

impl<T: OutputType> OutputType for Projected<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        match self {
            Projected::Resolve(inner) => inner.introspection_type_name(),
            Projected::Ready(_) => T::type_name(),
        }
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        match self {
            Projected::Resolve(inner) => inner.resolve(ctx, field).await,
            Projected::Ready(value) => Ok(std::mem::take(
                &mut *value
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            )),
        }
    }
}

/// Whether the fast path is allowed for this request.
pub fn enabled<T>(ctx: &ContextBase<'_, T>) -> bool {
    ctx.data_opt::<ReadProjection>().is_none_or(|p| p.0)
}

/// The fields selected under one response key, with every selection of it merged (GraphQL's CollectFields: `id`
/// asked for directly and again inside a fragment is one field).
pub struct Collected<'a> {
    pub key: Name,
    pub name: &'a str,
    pub fields: Vec<&'a Positioned<Field>>,
}

impl<'a> Collected<'a> {
    /// The merged selection sets below this field.
    pub fn selection_sets(&self) -> Vec<&'a SelectionSet> {
        self.fields
            .iter()
            .map(|f| &f.node.selection_set.node)
            .collect()
    }

    fn plain(&self) -> bool {
        self.fields
            .iter()
            .all(|f| f.node.arguments.is_empty() && f.node.directives.is_empty())
    }
}

/// The fields that `sets` select on an object of type `concrete`, in response order; `None` when a selection is one
/// the fast path does not take (arguments below the root, a directive, a fragment on an unknown type).
pub fn collect<'a, T>(
    ctx: &ContextBase<'a, T>,
    sets: &[&'a SelectionSet],
    concrete: &str,
) -> Option<Vec<Collected<'a>>> {
    let mut out: Vec<Collected<'a>> = Vec::new();
    for set in sets {
        collect_into(ctx, set, concrete, &mut out, 0)?;
    }
    out.iter().all(Collected::plain).then_some(out)
}

fn collect_into<'a, T>(
    ctx: &ContextBase<'a, T>,
    set: &'a SelectionSet,
    concrete: &str,
    out: &mut Vec<Collected<'a>>,
    depth: usize,
) -> Option<()> {
    // Validation refuses fragment cycles; the bound only keeps this function total.
    if depth > 32 {
        return None;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = field.node.response_key();
                match out.iter_mut().find(|c| c.key == key.node) {
                    Some(existing) => existing.fields.push(field),
                    None => out.push(Collected {
                        key: key.node.clone(),
                        name: field.node.name.node.as_str(),
                        fields: vec![field],
                    }),
                }
            }
            Selection::FragmentSpread(spread) => {
                if !spread.node.directives.is_empty() {
                    return None;
                }
                let fragment = ctx
                    .query_env
                    .fragments
                    .get(&spread.node.fragment_name.node)?;
                if !fragment.node.directives.is_empty() {
                    return None;
                }
                if applies(ctx, Some(&fragment.node.type_condition), concrete)? {
                    collect_into(
                        ctx,
                        &fragment.node.selection_set.node,
                        concrete,
                        out,
                        depth + 1,
                    )?;
                }
            }
            Selection::InlineFragment(inline) => {
                if !inline.node.directives.is_empty() {
                    return None;
                }
                if applies(ctx, inline.node.type_condition.as_ref(), concrete)? {
                    collect_into(
                        ctx,
                        &inline.node.selection_set.node,
                        concrete,
                        out,
                        depth + 1,
                    )?;
                }
            }
        }
    }
    Some(())
}

/// Whether a fragment's type condition covers `concrete`; `None` for a type the schema does not know.
fn applies<T>(
    ctx: &ContextBase<'_, T>,
    condition: Option<&Positioned<TypeCondition>>,
    concrete: &str,
) -> Option<bool> {
    let Some(condition) = condition else {
        return Some(true);
    };
    let name = condition.node.on.node.as_str();
    if name == concrete {
        return Some(true);
    }
    ctx.schema_env
        .registry
        .types
        .get(name)
        .map(|ty| ty.is_possible_type(concrete))
}

/// A leaf of an object: a constant (`__typename`) or a column of its row.
pub enum Leaf<M> {
    Constant(Value),
    Column(fn(&M) -> Value),
}

/// The fields selected on one object type, each either a leaf or a relation `R` that the caller renders.
pub struct Plan<M, R> {
    pub fields: Vec<(Name, PlanField<M, R>)>,
}

pub enum PlanField<M, R> {
    Leaf(Leaf<M>),
    Relation(R),
}

impl<M, R> Plan<M, R> {
    /// The plan of `collected` on type `type_name`: `column` maps a field name to its column, `relation` builds the
    /// plan of a relation from its name and merged selection sets. `None` if any field is neither.
    pub fn new<'a>(
        type_name: &str,
        collected: Vec<Collected<'a>>,
        column: impl Fn(&str) -> Option<fn(&M) -> Value>,
        mut relation: impl FnMut(&Collected<'a>) -> Option<R>,
    ) -> Option<Self> {
        let mut fields = Vec::with_capacity(collected.len());
        for c in collected {
            let field = if c.name == "__typename" {
                PlanField::Leaf(Leaf::Constant(Value::String(type_name.to_owned())))
            } else if let Some(read) = column(c.name) {
                // A leaf selected with a sub-selection does not validate; refuse it rather than guess.
                if c.fields
                    .iter()
                    .any(|f| !f.node.selection_set.node.items.is_empty())
                {
                    return None;
                }
                PlanField::Leaf(Leaf::Column(read))
            } else {
                PlanField::Relation(relation(&c)?)
            };
            fields.push((c.key, field));
        }
        Some(Self { fields })
    }

    /// The object for `row`; relations are rendered by `relation`.
    pub fn render<E>(
        &self,
        row: &M,
        mut relation: impl FnMut(&R) -> Result<Value, E>,
    ) -> Result<Value, E> {
        let mut object = async_graphql::indexmap::IndexMap::with_capacity(self.fields.len());
        for (key, field) in &self.fields {
            let value = match field {
                PlanField::Leaf(Leaf::Constant(value)) => value.clone(),
                PlanField::Leaf(Leaf::Column(read)) => read(row),
                PlanField::Relation(r) => relation(r)?,
            };
            object.insert(key.clone(), value);
        }
        Ok(Value::Object(object))
    }

    pub fn relations(&self) -> impl Iterator<Item = &R> {
        self.fields.iter().filter_map(|(_, f)| match f {
            PlanField::Relation(r) => Some(r),
            PlanField::Leaf(_) => None,
        })
    }
}

/// A relation-free object type (its relations, if any, are left to the resolvers).
pub enum NoRelation {}

/// Helpers that turn column values into response values exactly as the scalar and enum types do.
pub mod value {
    use async_graphql::{InputType, Value};

    pub fn of<T: InputType>(v: T) -> Value {
        v.to_value()
    }

    pub fn text(s: &str) -> Value {
        Value::String(s.to_owned())
    }

    pub fn opt_text(s: Option<&str>) -> Value {
        s.map_or(Value::Null, text)
    }

    pub fn opt<T: InputType>(v: Option<T>) -> Value {
        v.map_or(Value::Null, |v| v.to_value())
    }
}
