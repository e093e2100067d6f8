//! Scalars the contract names that async-graphql does not provide under that name.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date, `YYYY-MM-DD` (ISO 8601).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom("expected a date as YYYY-MM-DD")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsdTotal(pub i64);

/// The largest integer a JSON number carries exactly in every client (JavaScript's `Number.MAX_SAFE_INTEGER`).
const MAX_EXACT_JSON_INTEGER: i64 = (1 << 53) - 1;

/// A sum of whole US dollars over many records (an analytics total), which may exceed GraphQL's 32-bit `Int`:
/// a JSON number, exact up to 2^53 − 1. Every single amount of the API (a request, an award, a grant, a spend) is
/// an `Int` of at most $1,000,000,000; only sums use this scalar.
#[Scalar(
    name = "UsdTotal",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc8259#section-6"
)]
impl ScalarType for UsdTotal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::Number(n) => n
                .as_i64()
                .filter(|v| (0..=MAX_EXACT_JSON_INTEGER).contains(v))
                .map(UsdTotal)
                .ok_or_else(|| {
                    InputValueError::custom("expected whole US dollars between 0 and 2^53 - 1")
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::Number(self.0.into())
    }
}
