//! Accounts and credentials: signing in and out, refresh tokens, API keys, user administration.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::{
    auth::token::TokenService,
    error::{AppError, UserError, payload_parts},
    graphql::{
        context::caller,
        ids::{self, NodeType},
        types::{
            enums::Role,
            user::{ApiKey, User},
        },
    },
    ratelimit::Limiter,
    service::{
        self,
        account_cache::AccountCache,
        users::{Binding, NewUser, UserChanges},
    },
};

/// The client's address, put in the request data by the HTTP layer, for per-IP limits.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

/// The per-IP limiter of sign-in attempts, in the schema data.
pub struct LoginLimiter(pub Limiter);

#[derive(Default)]
pub struct AuthMutation;

/// The credentials of a sign-in.
#[derive(InputObject)]
pub struct LoginInput {
    /// The user's email address, in any case.
    pub email: String,
    /// The user's password.
    pub password: String,
}

/// A refresh token to exchange for a new session.
#[derive(InputObject)]
pub struct RefreshTokenInput {
    /// The refresh token of the current session, from `login` or the last `refreshToken`.
    pub refresh_token: String,
}

/// A session: a short-lived bearer access token and a refresh token that is exchanged (and replaced) for new ones.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// The bearer access token: send it as `Authorization: Bearer <accessToken>` until `expiresAt`.
    pub access_token: Option<String>,
    /// Opaque; single use: `refreshToken` returns a new one each time. Reusing an old one ends the session.
    pub refresh_token: Option<String>,
    /// When the access token expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// The signed-in user.
    pub user: Option<User>,
    /// Always empty: a failed sign-in or refresh is an `UNAUTHENTICATED` error instead.
    pub user_errors: Vec<UserError>,
}

/// A new user and the organisation its role belongs to.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// The user's email address, unique whatever its case.
    pub email: String,
    /// The user's first password, 12 to 256 characters.
    pub password: String,
    /// The name shown for the user.
    pub display_name: String,
    /// What the user is; PARTNER, VC and FOUNDER need the organisation they belong to.
    pub role: Role,
    /// The partner firm of a PARTNER user; given for that role only.
    pub partner_id: Option<ID>,
    /// The VC firm of a VC user; given for that role only.
    pub vc_firm_id: Option<ID>,
    /// The customer company of a FOUNDER user; given for that role only.
    pub customer_id: Option<ID>,
}

/// The result of `createUser`.
#[derive(SimpleObject)]
pub struct CreateUserPayload {
    /// The user created; null when the input was refused.
    pub user: Option<User>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

/// An admin's changes to a user; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateUserInput {
    /// The user to change.
    pub id: ID,
    /// A new name shown for the user.
    pub display_name: Option<String>,
    /// Disabling ends the user's sessions and revokes its API keys at once.
    pub disabled: Option<bool>,
    /// A new role, with the organisation it needs (partnerId, vcFirmId or customerId).
    pub role: Option<Role>,
    /// The partner firm, with the role PARTNER.
    pub partner_id: Option<ID>,
    /// The VC firm, with the role VC.
    pub vc_firm_id: Option<ID>,
    /// The customer company, with the role FOUNDER.
    pub customer_id: Option<ID>,
    /// Lifts a lock after too many failed sign-ins.
    pub unlock: Option<bool>,
}

/// The result of a change to a user.
#[derive(SimpleObject)]
pub struct UserPayload {
    /// The user as changed; null when the input was refused.
    pub user: Option<User>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

/// A new password an admin sets for a user.
#[derive(InputObject)]
pub struct ResetPasswordInput {
    /// The user whose password is reset.
    pub id: ID,
    /// The new password, 12 to 256 characters.
    pub new_password: String,
}

/// The caller's current password and the one to replace it.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// The caller's current password.
    pub current_password: String,
    /// The new password, 12 to 256 characters.
    pub new_password: String,
}

/// A new API key for the caller.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// A name to tell the key apart, e.g. the machine client that uses it.
    pub name: String,
    /// When the key stops working, in the future; the key never expires when omitted.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The result of `createApiKey`.
#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    /// The key created; null when the input was refused.
    pub api_key: Option<ApiKey>,
    /// The key itself, shown this once: send it as `Authorization: ApiKey <secret>`.
    pub secret: Option<String>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

/// The API key to revoke.
#[derive(InputObject)]
pub struct RevokeApiKeyInput {
    /// The key's global ID.
    pub id: ID,
}

/// The result of `revokeApiKey`.
#[derive(SimpleObject)]
pub struct RevokeApiKeyPayload {
    /// The key as revoked; null when the input was refused.
    pub api_key: Option<ApiKey>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

fn binding(
    partner: Option<ID>,
    vc_firm: Option<ID>,
    customer: Option<ID>,
) -> Result<Binding, AppError> {
    let decode =
        |id: Option<ID>, kind, field| id.map(|id| ids::expect(&id, kind, field)).transpose();
    Ok(Binding {
        partner_id: decode(partner, NodeType::Partner, "input.partnerId")?,
        vc_firm_id: decode(vc_firm, NodeType::VcFirm, "input.vcFirmId")?,
        customer_id: decode(customer, NodeType::Customer, "input.customerId")?,
    })
}

fn user_payload(result: Result<entity::user::Model, AppError>) -> Result<UserPayload> {
    let (user, user_errors) = payload_parts(result)?;
    Ok(UserPayload {
        user: user.map(User),
        user_errors,
    })
}

#[Object]
impl AuthMutation {
    /// Signs in with email and password. Any failure is one generic `UNAUTHENTICATED` error, whether the account
    /// is unknown, the password wrong, or the account slowed down, locked or disabled.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The email and password to sign in with.")] input: LoginInput,
    ) -> Result<AuthPayload> {
        if let (Some(limiter), Some(ip)) =
            (ctx.data_opt::<LoginLimiter>(), ctx.data_opt::<ClientIp>())
            && let Err(exceeded) = limiter.0.check(&ip.0)
        {
            return Err(AppError::RateLimited {
                retry_after_secs: exceeded.retry_after_secs,
            }
            .into());
        }
        let db = ctx.data::<DatabaseConnection>()?;
        let tokens = ctx.data::<TokenService>()?;
        let signed_in = service::accounts::login(db, tokens, &input.email, &input.password).await?;
        Ok(AuthPayload {
            access_token: Some(signed_in.access.token),
            refresh_token: Some(signed_in.refresh_token),
            expires_at: Some(signed_in.access.expires_at),
            user: Some(User(signed_in.user)),
            user_errors: Vec::new(),
        })
    }

    /// Exchanges a refresh token for a new access token and a new refresh token.
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token to exchange.")] input: RefreshTokenInput,
    ) -> Result<AuthPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let tokens = ctx.data::<TokenService>()?;
        let accounts = ctx.data::<Arc<AccountCache>>()?;
        let rotated =
            service::credentials::rotate(db, tokens, accounts, &input.refresh_token).await?;
        Ok(AuthPayload {
            access_token: Some(rotated.access.token),
            refresh_token: Some(rotated.refresh_token),
            expires_at: Some(rotated.access.expires_at),
            user: Some(User(rotated.user)),
            user_errors: Vec::new(),
        })
    }

    /// Signs the caller out everywhere: its refresh tokens and access tokens stop working at once.
    async fn logout(&self, ctx: &Context<'_>) -> Result<bool> {
        service::credentials::logout(caller(ctx)?).await?;
        Ok(true)
    }

    /// ADMIN: creates a user bound to the organisation its role needs.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user to create.")] input: CreateUserInput,
    ) -> Result<CreateUserPayload> {
        let caller = caller(ctx)?;
        let new = NewUser {
            email: input.email,
            password: input.password,
            display_name: input.display_name,
            role: input.role.into(),
            binding: binding(input.partner_id, input.vc_firm_id, input.customer_id)?,
        };
        let (user, user_errors) =
            payload_parts(service::users::create(Some(caller), &caller.db, new).await)?;
        Ok(CreateUserPayload {
            user: user.map(User),
            user_errors,
        })
    }

    /// ADMIN: disables or enables a user, changes its role, or unlocks it.
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user and the changes to make.")] input: UpdateUserInput,
    ) -> Result<UserPayload> {
        let caller = caller(ctx)?;
        let id = ids::expect(&input.id, NodeType::User, "input.id")?;
        let role = match input.role {
            Some(role) => Some((
                role.into(),
                binding(input.partner_id, input.vc_firm_id, input.customer_id)?,
            )),
            None => None,
        };
        let changes = UserChanges {
            disabled: input.disabled,
            role,
            display_name: input.display_name,
            unlock: input.unlock.unwrap_or(false),
        };
        user_payload(service::users::update(caller, id, changes).await)
    }

    /// ADMIN: sets a new password for a user, unlocking it and ending its sessions.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user and its new password.")] input: ResetPasswordInput,
    ) -> Result<UserPayload> {
        let caller = caller(ctx)?;
        let id = ids::expect(&input.id, NodeType::User, "input.id")?;
        user_payload(service::users::reset_password(caller, id, input.new_password).await)
    }

    /// Changes the caller's own password; every session ends, so sign in again.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The current and the new password.")] input: ChangePasswordInput,
    ) -> Result<UserPayload> {
        let caller = caller(ctx)?;
        user_payload(
            service::users::change_own_password(caller, input.current_password, input.new_password)
                .await,
        )
    }

    /// Creates an API key that acts as the caller, for machine clients. The secret is returned once.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key to create.")] input: CreateApiKeyInput,
    ) -> Result<CreateApiKeyPayload> {
        let caller = caller(ctx)?;
        let (created, user_errors) = payload_parts(
            service::credentials::create_api_key(caller, &input.name, input.expires_at).await,
        )?;
        let (api_key, secret) = match created {
            Some(created) => (Some(ApiKey(created.key)), Some(created.secret)),
            None => (None, None),
        };
        Ok(CreateApiKeyPayload {
            api_key,
            secret,
            user_errors,
        })
    }

    /// Revokes an API key (its owner or an admin).
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key to revoke.")] input: RevokeApiKeyInput,
    ) -> Result<RevokeApiKeyPayload> {
        let caller = caller(ctx)?;
        let id = ids::expect(&input.id, NodeType::ApiKey, "input.id")?;
        let (key, user_errors) =
            payload_parts(service::credentials::revoke_api_key(caller, id).await)?;
        Ok(RevokeApiKeyPayload {
            api_key: key.map(ApiKey),
            user_errors,
        })
    }
}
