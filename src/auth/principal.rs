//! The authenticated caller of a request and what its role may do.

use entity::enums::Role;

/// The caller's role together with the organisation it belongs to. Partner, VC and founder users always belong to
/// exactly one organisation, so that binding is part of the type rather than an optional field to forget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Admin,
    Analyst,
    Reviewer,
    Partner { partner_id: i64 },
    Vc { vc_firm_id: i64 },
    Founder { customer_id: i64 },
}

/// How the caller proved who it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A JWT access token from `login` or `refreshToken`: a person who knows the password.
    Session,
    /// An API key (`Authorization: ApiKey …`): a machine client acting as its owner.
    ApiKey,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub actor: Actor,
    pub credential: Credential,
}

impl Principal {
    /// Builds the principal of a session from a stored user row; `None` when the row violates the role binding.
    pub fn from_user(user: &entity::user::Model) -> Option<Self> {
        let actor = match user.role {
            Role::Admin => Actor::Admin,
            Role::Analyst => Actor::Analyst,
            Role::Reviewer => Actor::Reviewer,
            Role::Partner => Actor::Partner {
                partner_id: user.partner_id?,
            },
            Role::Vc => Actor::Vc {
                vc_firm_id: user.vc_firm_id?,
            },
            Role::Founder => Actor::Founder {
                customer_id: user.customer_id?,
            },
        };
        Some(Self {
            user_id: user.id,
            actor,
            credential: Credential::Session,
        })
    }

    /// The same user, authenticated with an API key.
    pub fn with_api_key(self) -> Self {
        Self {
            credential: Credential::ApiKey,
            ..self
        }
    }

    /// Refuses account and credential management to an API key: a key that could mint keys, set passwords or
    /// create users would turn one leaked key into credentials that outlive its revocation.
    pub fn require_session(&self) -> Result<(), crate::error::AppError> {
        match self.credential {
            Credential::Session => Ok(()),
            Credential::ApiKey => Err(crate::error::AppError::Forbidden(
                "an API key cannot manage accounts or credentials: sign in with a password to do this".into(),
            )),
        }
    }

    pub fn role(&self) -> Role {
        match self.actor {
            Actor::Admin => Role::Admin,
            Actor::Analyst => Role::Analyst,
            Actor::Reviewer => Role::Reviewer,
            Actor::Partner { .. } => Role::Partner,
            Actor::Vc { .. } => Role::Vc,
            Actor::Founder { .. } => Role::Founder,
        }
    }

    /// AWS-side staff who read across all organisations.
    pub fn is_staff(&self) -> bool {
        matches!(self.actor, Actor::Admin | Actor::Analyst | Actor::Reviewer)
    }

    /// Reads everything (except secrets), drafts included.
    pub fn reads_everything(&self) -> bool {
        matches!(self.actor, Actor::Admin | Actor::Analyst)
    }
}
