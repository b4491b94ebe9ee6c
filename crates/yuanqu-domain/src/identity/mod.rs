//! Identity rules: login IDs, password profiles, roles and permissions.

pub mod login;
pub mod password;
pub mod role;

pub use login::LoginId;
pub use password::{PasswordError, PasswordProfile};
pub use role::{Permission, Role};
