//! The server's integration tests, in one binary (one link on two cores
//! instead of one per file). Each scenario runs on a fresh SQLite file and a
//! fresh PostgreSQL schema (`on_both_backends!`), with a real SMTP server on
//! loopback where mail is read back, and a clock that moves only when told.

#[macro_use]
mod support;

mod accounts;
mod audit_log_page;
mod clients;
mod community_health;
mod community_members;
mod cosigned_forms;
mod devices;
mod goals;
mod groups;
mod hardening;
mod intake_forms;
mod login_requests;
mod mail_delivery;
mod messages;
mod portal_answers;
mod portal_invitations;
mod practices_and_audit;
mod staff;
mod team_invitations;
mod team_members;
mod team_page;
