//! User administration (ADMIN) and a user's own password. Every change that takes access away (disable, password
//! reset, role change) revokes the user's sessions and, for disabling, its API keys, in the same transaction.

use entity::{customer, enums::Role, partner, user, vc_firm};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

use super::{
    Caller, accounts::normalize_email, audit, begin_write, credentials, input::FieldErrors,
    is_unique_violation,
};
use crate::{
    auth::{Actor, password},
    domain::values,
    domain::values::{EmailAddress, Invalid},
    error::{AppError, AppResult},
    policy,
};

/// User administration: an admin, signed in with a password (an API key may not create or change accounts).
fn require_admin(caller: &Caller) -> AppResult<()> {
    caller.principal.require_session()?;
    match caller.principal.actor {
        Actor::Admin => Ok(()),
        _ => Err(AppError::Forbidden("only an admin manages users".into())),
    }
}

fn check_password(raw: &str) -> Result<(), Invalid> {
    let length = raw.chars().count();
    if (policy::MIN_PASSWORD_CHARS..=policy::MAX_PASSWORD_CHARS).contains(&length) {
        Ok(())
    } else {
        Err(Invalid {
            code: "WEAK_PASSWORD",
            message: format!(
                "a password has {} to {} characters",
                policy::MIN_PASSWORD_CHARS,
                policy::MAX_PASSWORD_CHARS
            ),
        })
    }
}

fn password_error(invalid: Invalid, field: &str) -> AppError {
    AppError::invalid(&["input", field], invalid.code, invalid.message)
}

/// The organisation a role needs, as the columns of the users table.
#[derive(Clone, Copy, Debug, Default)]
pub struct Binding {
    pub partner_id: Option<i64>,
    pub vc_firm_id: Option<i64>,
    pub customer_id: Option<i64>,
}

/// Checks that exactly the organisation the role needs is given and exists.
async fn check_binding(caller: &Caller, role: Role, binding: Binding) -> AppResult<()> {
    let needed = match role {
        Role::Partner => "partnerId",
        Role::Vc => "vcFirmId",
        Role::Founder => "customerId",
        _ => "",
    };
    let given: Vec<&str> = [
        ("partnerId", binding.partner_id),
        ("vcFirmId", binding.vc_firm_id),
        ("customerId", binding.customer_id),
    ]
    .into_iter()
    .filter_map(|(name, id)| id.map(|_| name))
    .collect();
    let expected: Vec<&str> = if needed.is_empty() {
        vec![]
    } else {
        vec![needed]
    };
    if given != expected {
        let message = if needed.is_empty() {
            format!(
                "{} user belongs to no organisation",
                values::with_article(role.as_str())
            )
        } else {
            format!(
                "{} user needs `{needed}` and nothing else",
                values::with_article(role.as_str())
            )
        };
        return Err(AppError::invalid(
            &["input", if needed.is_empty() { given[0] } else { needed }],
            "ROLE_BINDING",
            message,
        ));
    }
    let exists = match role {
        Role::Partner => partner::Entity::find_by_id(binding.partner_id.unwrap_or_default())
            .one(&caller.db)
            .await?
            .is_some(),
        Role::Vc => vc_firm::Entity::find_by_id(binding.vc_firm_id.unwrap_or_default())
            .one(&caller.db)
            .await?
            .is_some(),
        Role::Founder => customer::Entity::find_by_id(binding.customer_id.unwrap_or_default())
            .one(&caller.db)
            .await?
            .is_some(),
        _ => true,
    };
    if !exists {
        return Err(AppError::invalid(
            &["input", needed],
            "NOT_FOUND",
            "no such organisation",
        ));
    }
    Ok(())
}

pub struct NewUser {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub binding: Binding,
}

/// Creates a user (ADMIN), or the first admin from the command line (`caller` is `None` there).
pub async fn create(
    caller: Option<&Caller>,
    db: &sea_orm::DatabaseConnection,
    input: NewUser,
) -> AppResult<user::Model> {
    let mut errors = FieldErrors::default();
    let email = errors.check(
        "email",
        EmailAddress::parse(&input.email).map(EmailAddress::into_inner),
    );
    errors.check("password", check_password(&input.password));
    let display_name = errors.check(
        "displayName",
        values::text(&input.display_name, policy::MAX_SHORT_TEXT_CHARS),
    );
    if let Some(caller) = caller {
        require_admin(caller)?;
        if let Err(AppError::Validation(found)) =
            check_binding(caller, input.role, input.binding).await
        {
            errors.extend(found);
        }
    }
    errors.finish()?;
    let (Some(email), Some(display_name)) = (email, display_name) else {
        return Err(AppError::Internal("validated fields missing".into()));
    };
    let hash = password::hash(input.password).await?;
    let now = crate::time::now();
    let tx = begin_write(db).await?;
    let inserted = user::ActiveModel {
        email_normalized: Set(normalize_email(&email)),
        email: Set(email),
        display_name: Set(display_name),
        role: Set(input.role),
        partner_id: Set(input.binding.partner_id),
        vc_firm_id: Set(input.binding.vc_firm_id),
        customer_id: Set(input.binding.customer_id),
        password_hash: Set(hash),
        disabled_at: Set(None),
        failed_login_count: Set(0),
        last_failed_login_at: Set(None),
        locked_at: Set(None),
        tokens_valid_after: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await;
    let user = match inserted {
        Err(err) if is_unique_violation(&err) => {
            return Err(AppError::invalid(
                &["input", "email"],
                "DUPLICATE_EMAIL",
                "a user with this email exists",
            ));
        }
        other => other?,
    };
    if let Some(caller) = caller {
        audit::record(
            &tx.txn,
            caller,
            "user.create",
            audit::Subject {
                kind: "User",
                id: user.id,
            },
            None,
            Some(json!({ "email": user.email, "role": user.role.as_str() })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(user)
}

/// What an admin may change about a user; `None` leaves it.
#[derive(Default)]
pub struct UserChanges {
    pub disabled: Option<bool>,
    pub role: Option<(Role, Binding)>,
    pub display_name: Option<String>,
    /// Clears a lock and the failure count.
    pub unlock: bool,
}

/// Applies an admin's changes. Disabling revokes sessions and API keys at once; a role change revokes sessions.
pub async fn update(caller: &Caller, id: i64, changes: UserChanges) -> AppResult<user::Model> {
    require_admin(caller)?;
    let current = user::Entity::find_by_id(id)
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if id == caller.principal.user_id && (changes.disabled == Some(true) || changes.role.is_some())
    {
        return Err(AppError::invalid(
            &["input", "id"],
            "SELF_LOCKOUT",
            "an admin cannot disable or demote itself",
        ));
    }
    if let Some((role, binding)) = changes.role {
        check_binding(caller, role, binding).await?;
    }
    let now = crate::time::now();
    let mut active = user::ActiveModel {
        id: Set(id),
        updated_at: Set(now),
        ..Default::default()
    };
    if let Some(name) = &changes.display_name {
        active.display_name = Set(values::text(name, policy::MAX_SHORT_TEXT_CHARS).map_err(
            |invalid| AppError::invalid(&["input", "displayName"], invalid.code, invalid.message),
        )?);
    }
    if let Some(disabled) = changes.disabled {
        active.disabled_at = Set(if disabled {
            Some(current.disabled_at.unwrap_or(now))
        } else {
            None
        });
    }
    if let Some((role, binding)) = changes.role {
        active.role = Set(role);
        active.partner_id = Set(binding.partner_id);
        active.vc_firm_id = Set(binding.vc_firm_id);
        active.customer_id = Set(binding.customer_id);
    }
    if changes.unlock {
        active.locked_at = Set(None);
        active.failed_login_count = Set(0);
        active.last_failed_login_at = Set(None);
    }
    let tx = begin_write(&caller.db).await?;
    let updated = active.update(&tx.txn).await?;
    if changes.disabled == Some(true) || changes.role.is_some() {
        credentials::revoke_sessions(&tx.txn, id, now).await?;
    }
    // A key acts as its user: a user who changes organisation must not carry its machine clients along.
    if changes.disabled == Some(true) || changes.role.is_some() {
        credentials::revoke_api_keys(&tx.txn, id, now).await?;
    }
    let snapshot = |u: &user::Model| json!({ "role": u.role.as_str(), "disabled": u.disabled_at.is_some(), "locked": u.locked_at.is_some() });
    audit::record(
        &tx.txn,
        caller,
        "user.update",
        audit::Subject { kind: "User", id },
        Some(snapshot(&current)),
        Some(snapshot(&updated)),
    )
    .await?;
    let _forget = caller.accounts.forget_when_done(id);
    tx.commit().await?;
    Ok(updated)
}

/// Sets a new password for a user (ADMIN), unlocking it and ending its sessions.
pub async fn reset_password(
    caller: &Caller,
    id: i64,
    new_password: String,
) -> AppResult<user::Model> {
    require_admin(caller)?;
    check_password(&new_password).map_err(|i| password_error(i, "newPassword"))?;
    user::Entity::find_by_id(id)
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)?;
    set_password(caller, id, new_password, "user.reset_password").await
}

/// Changes the caller's own password after checking the current one; every session of the user ends.
pub async fn change_own_password(
    caller: &Caller,
    current_password: String,
    new_password: String,
) -> AppResult<user::Model> {
    caller.principal.require_session()?;
    check_password(&new_password).map_err(|i| password_error(i, "newPassword"))?;
    let me = user::Entity::find_by_id(caller.principal.user_id)
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !password::verify(current_password, Some(me.password_hash.clone())).await? {
        return Err(AppError::invalid(
            &["input", "currentPassword"],
            "WRONG_PASSWORD",
            "the current password is not right",
        ));
    }
    set_password(caller, me.id, new_password, "user.change_password").await
}

async fn set_password(
    caller: &Caller,
    id: i64,
    new_password: String,
    action: &str,
) -> AppResult<user::Model> {
    let hash = password::hash(new_password).await?;
    let now = crate::time::now();
    let tx = begin_write(&caller.db).await?;
    let updated = user::ActiveModel {
        id: Set(id),
        password_hash: Set(hash),
        locked_at: Set(None),
        failed_login_count: Set(0),
        last_failed_login_at: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&tx.txn)
    .await?;
    credentials::revoke_sessions(&tx.txn, id, now).await?;
    audit::record(
        &tx.txn,
        caller,
        action,
        audit::Subject { kind: "User", id },
        None,
        None,
    )
    .await?;
    let _forget = caller.accounts.forget_when_done(id);
    tx.commit().await?;
    Ok(updated)
}
