//! Server functions: the only door from the browser to the server. Each body
//! is thin: who is calling → a `server` service → a typed answer.

pub mod accounts;
pub mod approval;
pub mod audit;
pub mod clients;
pub mod community;
pub mod devices;
pub mod forms;
pub mod groups;
pub mod mailbox;
pub mod messages;
pub mod portal;
pub mod practices;
#[cfg(feature = "ssr")]
pub mod request;
pub mod staff;
pub mod team;
