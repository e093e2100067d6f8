//! Keyset (cursor) pagination over any SeaORM select: a page is "rows after this (sort key, id)", so cursors stay
//! valid and pages stay stable while rows are inserted, and every page is an index range scan.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, Select, Value,
};
use serde::{Deserialize, Serialize};

use crate::{error::AppError, policy};

/// The arguments of a Relay connection field.
#[derive(Clone, Debug, Default)]
pub struct PageRequest {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageRequest {
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        Self {
            first,
            after,
            last,
            before,
        }
    }

    pub fn forward(first: Option<i32>, after: Option<String>) -> Self {
        Self {
            first,
            after,
            last: None,
            before: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortDirection {
    Asc,
    Desc,
}

/// The value of the sort column of one row, as carried inside a cursor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SortKey {
    Int(i64),
    Time(DateTime<Utc>),
    Text(String),
}

impl From<SortKey> for Value {
    fn from(key: SortKey) -> Self {
        match key {
            SortKey::Int(i) => i.into(),
            SortKey::Time(t) => t.into(),
            SortKey::Text(s) => s.into(),
        }
    }
}

/// How one connection is ordered: the column, its direction, and a tag that binds cursors to this ordering.
pub struct Ordering<E: EntityTrait> {
    pub tag: &'static str,
    pub column: E::Column,
    pub id_column: E::Column,
    pub direction: SortDirection,
    pub key_of: fn(&E::Model) -> SortKey,
    pub id_of: fn(&E::Model) -> i64,
}

#[derive(Serialize, Deserialize)]
struct CursorBody {
    o: String,
    k: serde_json::Value,
    i: i64,
}

pub struct Page<M> {
    pub rows: Vec<(String, M)>,
    pub has_previous_page: bool,
    pub has_next_page: bool,
}

fn bad_cursor() -> AppError {
    AppError::BadUserInput("the cursor is malformed or belongs to another ordering".into())
}

/// A cursor names its ordering (field and direction), so that it cannot be replayed against another one.
fn ordering_name<E: EntityTrait>(ordering: &Ordering<E>) -> String {
    match ordering.direction {
        SortDirection::Asc => ordering.tag.to_owned(),
        SortDirection::Desc => format!("-{}", ordering.tag),
    }
}

fn encode_cursor(name: &str, key: SortKey, id: i64) -> String {
    let body = CursorBody {
        o: name.to_owned(),
        k: serde_json::to_value(key).unwrap_or_default(),
        i: id,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap_or_default())
}

fn decode_cursor<E: EntityTrait>(
    ordering: &Ordering<E>,
    cursor: &str,
    sample: &SortKeyKind,
) -> Result<(SortKey, i64), AppError> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad_cursor())?;
    let body: CursorBody = serde_json::from_slice(&bytes).map_err(|_| bad_cursor())?;
    if body.o != ordering_name(ordering) {
        return Err(bad_cursor());
    }
    let key = match (sample, body.k) {
        (SortKeyKind::Int, serde_json::Value::Number(n)) => {
            SortKey::Int(n.as_i64().ok_or_else(bad_cursor)?)
        }
        (SortKeyKind::Time, serde_json::Value::String(s)) => {
            SortKey::Time(s.parse::<DateTime<Utc>>().map_err(|_| bad_cursor())?)
        }
        // A cursor is the client's text too: it holds no byte a stored text may not (PostgreSQL refuses a NUL).
        (SortKeyKind::Text, serde_json::Value::String(s))
            if crate::domain::values::refused_character(&s).is_none() =>
        {
            SortKey::Text(s)
        }
        _ => return Err(bad_cursor()),
    };
    Ok((key, body.i))
}

/// The type of a sort column, declared by the caller so that a cursor cannot smuggle in a value of another type.
#[derive(Clone, Copy, Debug)]
pub enum SortKeyKind {
    Int,
    Time,
    Text,
}

/// Checks `first`/`last` against the contract: 1 to `MAX_PAGE_SIZE`, not both.
fn page_size(request: &PageRequest) -> Result<(u64, bool), AppError> {
    let check = |name: &str, n: i32| -> Result<u64, AppError> {
        if n < 1 || n as u64 > policy::MAX_PAGE_SIZE {
            Err(AppError::BadUserInput(format!(
                "`{name}` must be between 1 and {}",
                policy::MAX_PAGE_SIZE
            )))
        } else {
            Ok(n as u64)
        }
    };
    match (request.first, request.last) {
        (Some(_), Some(_)) => Err(AppError::BadUserInput(
            "pass either `first` or `last`, not both".into(),
        )),
        (Some(first), None) => Ok((check("first", first)?, false)),
        (None, Some(last)) => Ok((check("last", last)?, true)),
        // Without a size, paging backwards from `before` is the only reading that makes `before` useful.
        (None, None) => Ok((
            policy::DEFAULT_PAGE_SIZE,
            request.before.is_some() && request.after.is_none(),
        )),
    }
}

/// The condition "strictly after (key, id)" in the given direction.
fn beyond<E: EntityTrait>(
    ordering: &Ordering<E>,
    key: SortKey,
    id: i64,
    direction: SortDirection,
) -> Condition {
    let value: Value = key.into();
    match direction {
        SortDirection::Asc => Condition::any().add(ordering.column.gt(value.clone())).add(
            Condition::all()
                .add(ordering.column.eq(value))
                .add(ordering.id_column.gt(id)),
        ),
        SortDirection::Desc => Condition::any().add(ordering.column.lt(value.clone())).add(
            Condition::all()
                .add(ordering.column.eq(value))
                .add(ordering.id_column.lt(id)),
        ),
    }
}

fn flip(direction: SortDirection) -> SortDirection {
    match direction {
        SortDirection::Asc => SortDirection::Desc,
        SortDirection::Desc => SortDirection::Asc,
    }
}

/// Fetches one page of `select` (already filtered and scoped) in the given ordering.
pub async fn paginate<E, C>(
    db: &C,
    select: Select<E>,
    ordering: &Ordering<E>,
    key_kind: SortKeyKind,
    request: &PageRequest,
) -> Result<Page<E::Model>, AppError>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let (select, shape) = keyset(select, ordering, key_kind, request)?;
    let rows = select.all(db).await?;
    Ok(shape.into_page(rows, ordering, |row| row))
}

/// One page's query before it runs: the select narrowed to the keyset range, ordered and limited to one row more than
/// the page (to learn whether there is a next page), and the shape that turns its rows into the page. A caller that
/// needs related rows in the same statement joins them to the select and hands the rows to [`PageShape::into_page`].
pub fn keyset<E: EntityTrait>(
    select: Select<E>,
    ordering: &Ordering<E>,
    key_kind: SortKeyKind,
    request: &PageRequest,
) -> Result<(Select<E>, PageShape), AppError> {
    let (limit, backward) = page_size(request)?;
    let mut select = select;
    if let Some(after) = &request.after {
        let (key, id) = decode_cursor(ordering, after, &key_kind)?;
        select = select.filter(beyond(ordering, key, id, ordering.direction));
    }
    if let Some(before) = &request.before {
        let (key, id) = decode_cursor(ordering, before, &key_kind)?;
        select = select.filter(beyond(ordering, key, id, flip(ordering.direction)));
    }
    let scan = if backward {
        flip(ordering.direction)
    } else {
        ordering.direction
    };
    let order = match scan {
        SortDirection::Asc => Order::Asc,
        SortDirection::Desc => Order::Desc,
    };
    let select = select
        .order_by(ordering.column, order.clone())
        .order_by(ordering.id_column, order)
        .limit(limit + 1);
    Ok((
        select,
        PageShape {
            limit,
            backward,
            after: request.after.is_some(),
            before: request.before.is_some(),
        },
    ))
}

/// How the rows of a [`keyset`] select become a page.
pub struct PageShape {
    limit: u64,
    backward: bool,
    after: bool,
    before: bool,
}

impl PageShape {
    /// The page of the rows the select returned; `model` finds the paginated entity's row inside a joined row.
    pub fn into_page<E: EntityTrait, T>(
        self,
        mut rows: Vec<T>,
        ordering: &Ordering<E>,
        model: impl Fn(&T) -> &E::Model,
    ) -> Page<T> {
        let more = rows.len() as u64 > self.limit;
        rows.truncate(self.limit as usize);
        if self.backward {
            rows.reverse();
        }
        let name = ordering_name(ordering);
        let rows = rows
            .into_iter()
            .map(|row| {
                let m = model(&row);
                (
                    encode_cursor(&name, (ordering.key_of)(m), (ordering.id_of)(m)),
                    row,
                )
            })
            .collect();
        if self.backward {
            Page {
                rows,
                has_previous_page: more,
                has_next_page: self.before,
            }
        } else {
            Page {
                rows,
                has_previous_page: self.after,
                has_next_page: more,
            }
        }
    }
}
