//! Who is calling: password hashing, access tokens, and the request's `Principal` with its role capabilities.

pub mod password;
pub mod principal;
pub mod token;

pub use principal::{Actor, Credential, Principal};
