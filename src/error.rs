//! The one error type of the service layer and its single mapping to what a GraphQL client sees.
//!
//! Validation failures become `userErrors` entries on the mutation payload; everything else becomes a GraphQL
//! error with `extensions.code`. Database and other internal errors are logged with their detail and reach the
//! client only as an opaque `INTERNAL`.

use async_graphql::{ErrorExtensions, SimpleObject};

use crate::auth::AuthFailure;

/// A domain validation failure, addressed to one input field.
#[derive(Clone, Debug, PartialEq, Eq, SimpleObject)]
pub struct UserError {
    /// Path to the offending input field, e.g. `["input", "awsAccountId"]`.
    pub field: Option<Vec<String>>,
    /// Stable machine-readable code, e.g. `INVALID_AWS_ACCOUNT_ID`.
    pub code: String,
    /// What is wrong, in a sentence for people.
    pub message: String,
}

impl UserError {
    pub fn new(field: &[&str], code: &str, message: impl Into<String>) -> Self {
        Self {
            field: (!field.is_empty()).then(|| field.iter().map(|s| (*s).to_owned()).collect()),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// Deliberately not `Display`: async-graphql converts any `Display` type into an error without an
/// `extensions.code`, and every conversion must go through [`AppError::into_graphql`] instead.
#[derive(Clone, Debug)]
pub enum AppError {
    /// `UNAUTHENTICATED`, with why as `extensions.reason`.
    Unauthenticated(AuthFailure),
    Forbidden(String),
    /// Also used for objects the caller may not see, so that existence never leaks.
    NotFound,
    Validation(Vec<UserError>),
    BadUserInput(String),
    Conflict(String),
    RateLimited {
        retry_after_secs: u64,
    },
    /// The database cancelled a statement that ran past its timeout; the transaction it was in rolled back.
    Timeout,
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound => "NOT_FOUND",
            AppError::Validation(_) | AppError::BadUserInput(_) => "BAD_USER_INPUT",
            AppError::Conflict(_) => "CONFLICT",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::Timeout => "TIMEOUT",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// The client-facing message; internal detail never appears in it.
    pub fn message(&self) -> String {
        match self {
            AppError::Unauthenticated(failure) => failure.message().into(),
            AppError::Forbidden(m) | AppError::BadUserInput(m) | AppError::Conflict(m) => m.clone(),
            AppError::NotFound => "not found".into(),
            AppError::RateLimited { retry_after_secs } => {
                format!("too many requests: retry in {retry_after_secs} s")
            }
            AppError::Validation(errors) => errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            AppError::Timeout => {
                "a database statement took longer than its limit and was cancelled; nothing it did was committed"
                    .into()
            }
            AppError::Internal(_) => "internal error".into(),
        }
    }

    /// Why an `UNAUTHENTICATED` error is one (`extensions.reason`); `None` for every other code.
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            AppError::Unauthenticated(failure) => Some(failure.reason()),
            _ => None,
        }
    }

    pub fn invalid(field: &[&str], code: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![UserError::new(field, code, message)])
    }

    /// A request error raised before execution (no location, no path), with the same extensions as
    /// [`into_graphql`](Self::into_graphql).
    pub fn into_server_error(self) -> async_graphql::ServerError {
        let error = self.into_graphql();
        let mut server_error = async_graphql::ServerError::new(error.message, None);
        server_error.extensions = error.extensions;
        server_error
    }

    /// Converts into a GraphQL error for fields that have no `userErrors` to carry validation failures.
    pub fn into_graphql(self) -> async_graphql::Error {
        let code = self.code();
        let message = match &self {
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                "internal error".to_owned()
            }
            other => other.message(),
        };
        let retry_after = match &self {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let reason = self.reason();
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(reason) = reason {
                ext.set("reason", reason);
            }
            if let Some(seconds) = retry_after {
                ext.set("retryAfter", seconds);
            }
        })
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        if cancelled_by_timeout(&err) {
            tracing::warn!(error = %err, "database statement timed out");
            return AppError::Timeout;
        }
        AppError::Internal(err.to_string())
    }
}

/// Whether the database gave up on a statement because of its timeout: PostgreSQL's `statement_timeout`
/// (SQLSTATE 57014, `query_canceled`), or SQLite's busy timeout (`SQLITE_BUSY`, 5: a lock it waited for did not come
/// free in time). Either way the statement failed and its transaction rolls back; the client may retry.
fn cancelled_by_timeout(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    let (DbErr::Query(RuntimeErr::SqlxError(sqlx)) | DbErr::Exec(RuntimeErr::SqlxError(sqlx))) =
        err
    else {
        return false;
    };
    let Some(database) = sqlx.as_database_error() else {
        return false;
    };
    match database.try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>() {
        Some(postgres) => postgres.code() == "57014",
        None => database
            .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
            .is_some_and(|_| database.code().as_deref() == Some("5")),
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.into_graphql()
    }
}

/// Splits a service result into what a mutation payload carries: the value, or the `userErrors`.
/// Errors other than validation stay GraphQL errors.
pub fn payload_parts<T>(
    result: AppResult<T>,
) -> async_graphql::Result<(Option<T>, Vec<UserError>)> {
    match result {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(AppError::Validation(errors)) => Ok((None, errors)),
        Err(other) => Err(other.into_graphql()),
    }
}
