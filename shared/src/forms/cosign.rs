//! Co-signed forms (product.md §7, §3): a form can ask for a co-signature;
//! once the client has submitted it, it waits in the *To sign* inbox of the
//! people with *can sign forms* until one of them signs.

use serde::{Deserialize, Serialize};

use crate::ids::{ClientFormId, ClientId};
use crate::roles::{Actor, MembershipStatus};
use crate::validation::FieldErrors;

/// Where a client's form stands with its co-signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cosign {
    NotNeeded,
    /// Needed, and not given yet (the client may not have submitted either).
    Waiting,
    Signed {
        by: String,
        at: String,
    },
}

impl Cosign {
    pub fn label(&self) -> String {
        match self {
            Cosign::NotNeeded => String::new(),
            Cosign::Waiting => "Waiting for co-signature".into(),
            Cosign::Signed { by, at } => format!("Co-signed by {by}, {at}"),
        }
    }
}

/// Whether `actor` may co-sign the practice's forms: the flag, on an active membership.
pub fn may_cosign(actor: &Actor) -> bool {
    actor.status == MembershipStatus::Active && actor.flags.can_sign_forms
}

/// One form in the *To sign* inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToSign {
    pub id: ClientFormId,
    pub client: ClientId,
    pub client_name: String,
    pub title: String,
    /// When the client submitted it, in the practice's time zone.
    pub submitted: String,
}

/// The drawn co-signature: a PNG as the signature field takes it.
pub fn check_signature(signature: &str) -> Result<(), FieldErrors> {
    if signature.is_empty() {
        return Err(FieldErrors::single(
            "signature",
            "Draw your signature in the box.",
        ));
    }
    super::answers::signature_problem(signature).map_or(Ok(()), |problem| {
        Err(FieldErrors::single("signature", problem))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::{PermissionFlags, Role};

    #[test]
    fn only_active_members_with_the_flag_co_sign() {
        let mut actor = Actor {
            role: Role::Owner,
            flags: PermissionFlags::default(),
            status: MembershipStatus::Active,
        };
        assert!(!may_cosign(&actor), "the role alone is not enough");
        actor.flags.can_sign_forms = true;
        assert!(may_cosign(&actor));
        actor.status = MembershipStatus::Suspended;
        assert!(!may_cosign(&actor));
    }

    #[test]
    fn a_co_signature_must_be_drawn() {
        assert!(check_signature("").is_err());
        assert!(check_signature("data:text/plain;base64,aGk=").is_err());
    }
}
