//! Helpers for mutation inputs: collecting every field error of one input, so that a client sees them all at once,
//! and recording the before/after of a partial update for the audit trail.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{
    domain::values::Invalid,
    error::{AppError, AppResult, UserError},
};

/// The field errors of one input, addressed as `["input", <field>]`.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<UserError>);

impl FieldErrors {
    /// Keeps a parsed value, or records why it did not parse.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, Invalid>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(invalid) => {
                self.0.push(UserError::new(
                    &["input", field],
                    invalid.code,
                    invalid.message,
                ));
                None
            }
        }
    }

    /// Like [`check`](Self::check) for an optional field of a partial update: absent stays absent.
    pub fn check_opt<T, R>(
        &mut self,
        field: &str,
        raw: Option<R>,
        parse: impl FnOnce(R) -> Result<T, Invalid>,
    ) -> Option<T> {
        raw.and_then(|raw| self.check(field, parse(raw)))
    }

    pub fn add(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.0
            .push(UserError::new(&["input", field], code, message));
    }

    /// Adds errors found by a check that reports several at once.
    pub fn extend(&mut self, errors: Vec<UserError>) {
        self.0.extend(errors);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing was recorded, else one `Validation` error carrying every entry.
    pub fn finish(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

/// A non-negative count (engineers, months, records), at most [`policy::MAX_COUNT`]: sums of counts (a track
/// record over months and funding sources) stay honest 32-bit `Int`s.
pub fn count(raw: i32) -> Result<i32, Invalid> {
    if raw < 0 {
        Err(Invalid {
            code: "NEGATIVE_COUNT",
            message: "counts cannot be negative".into(),
        })
    } else if raw > crate::policy::MAX_COUNT {
        Err(Invalid {
            code: "COUNT_OUT_OF_RANGE",
            message: format!("counts are at most {}", crate::policy::MAX_COUNT),
        })
    } else {
        Ok(raw)
    }
}

/// The fields a partial update changed, old and new values keyed by their GraphQL names.
#[derive(Debug, Default)]
pub struct Changes {
    before: Map<String, Value>,
    after: Map<String, Value>,
}

impl Changes {
    /// Returns `new` when it differs from `old` (and records both); `None` when absent or unchanged.
    pub fn field<T: PartialEq + Serialize>(
        &mut self,
        name: &str,
        old: &T,
        new: Option<T>,
    ) -> Option<T> {
        let new = new.filter(|new| new != old)?;
        self.before.insert(name.to_owned(), json(old));
        self.after.insert(name.to_owned(), json(&new));
        Some(new)
    }

    pub fn is_empty(&self) -> bool {
        self.after.is_empty()
    }

    /// The GraphQL names of the fields that changed.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.after.keys().map(String::as_str)
    }

    /// The `before` and `after` of the audit event.
    pub fn into_audit(self) -> (Option<Value>, Option<Value>) {
        (
            Some(Value::Object(self.before)),
            Some(Value::Object(self.after)),
        )
    }
}

/// A value as audit JSON; the values audited here (strings, numbers, enums) always serialize.
pub fn json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
