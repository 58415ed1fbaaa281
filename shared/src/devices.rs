//! Devices (product.md §6): the browsers people log in from. A device is
//! trusted per person and per practice; the browser on which someone created
//! the practice or accepted their invitation is trusted from then on. Admins
//! see and revoke every person's trusted devices, everyone their own.

use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, DeviceId};
use crate::roles::{can, Actor, Capability};

/// One trusted device of one person in one practice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedDevice {
    pub device: DeviceId,
    pub account: AccountId,
    pub person: String,
    /// Browser and system, e.g. "Chrome on Android".
    pub label: String,
    /// When this browser was first seen, in the practice's time zone.
    pub first_seen: String,
    pub trusted: String,
    pub last_seen: String,
    pub last_ip: Option<String>,
    /// The browser asking is this device.
    pub this_browser: bool,
}

/// Settings → Devices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicesView {
    pub devices: Vec<TrustedDevice>,
    /// The viewer sees everyone's devices (admins), not only their own.
    pub everyone: bool,
}

/// Whether `actor` may see and revoke the trusted devices of a person:
/// their own always, anyone's with *approve or decline new-device logins*.
pub fn may_manage_devices_of(actor: &Actor, yourself: bool) -> bool {
    yourself || can(actor, Capability::ApproveDevices).permits(false)
}

/// A readable name for a browser from its user agent's parsed parts.
pub fn label(browser: Option<&str>, system: Option<&str>) -> String {
    match (known(browser), known(system)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => format!("A browser on {system}"),
        (None, None) => "An unknown browser".to_owned(),
    }
}

/// A parser's part, unless it is empty or the parser's "UNKNOWN".
fn known(part: Option<&str>) -> Option<&str> {
    part.filter(|p| !p.is_empty() && *p != "UNKNOWN")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::membership::MembershipStatus;
    use crate::roles::{AccessLevel, Role};

    fn actor(role: Role) -> Actor {
        Actor::active(role)
    }

    #[test]
    fn admins_manage_everyones_devices_and_people_their_own() {
        for role in Role::ALL {
            assert!(may_manage_devices_of(&actor(role), true), "{role:?} own");
            assert_eq!(
                may_manage_devices_of(&actor(role), false),
                role.is_admin_capable(),
                "{role:?} others"
            );
        }
        let mut suspended = actor(Role::Staff(AccessLevel::Full));
        suspended.status = MembershipStatus::Suspended;
        assert!(!may_manage_devices_of(&suspended, false));
    }

    #[test]
    fn labels_name_what_is_known() {
        assert_eq!(label(Some("Chrome"), Some("Android")), "Chrome on Android");
        assert_eq!(label(Some("UNKNOWN"), Some("Linux")), "A browser on Linux");
        assert_eq!(label(None, None), "An unknown browser");
    }
}
