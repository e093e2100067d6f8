//! Who is calling: password hashing, access tokens, why a credential is refused, and the request's `Principal` with its role capabilities.

pub mod failure;
pub mod password;
pub mod principal;
pub mod token;

pub use failure::AuthFailure;
pub use principal::{Actor, Credential, Principal};
