//! Typed ids: an `AccountId` can never be passed where a `PracticeId` is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

typed_id!(
    /// One person's login.
    AccountId,
    /// One practice (a location).
    PracticeId,
    /// Several practices (locations) of one business.
    GroupId,
    /// A person's place on a practice's team.
    MembershipId,
    /// An invitation to a team, a community or the client portal.
    InvitationId,
    /// An email in the outbox.
    MessageId,
    /// A browser people log in from (its cookie's hash is what is stored).
    DeviceId,
    /// A login from an untrusted browser, waiting for a practice's approval.
    LoginRequestId,
    /// One client of one practice.
    ClientId,
    /// One of a practice's intake forms.
    FormId,
    /// One form a client was asked to fill, with their answers.
    ClientFormId,
    /// One address in a practice's community, invited or not.
    CommunityMemberId,
    /// One message the team sent a client, kept in their communication history.
    ClientMessageId,
    /// The messages of one batch send, whose delivery is followed together.
    BatchId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_text_form() {
        let id = PracticeId::from_uuid(Uuid::from_u128(0x1234));
        let parsed: PracticeId = id.to_string().parse().unwrap();
        assert_eq!(parsed, id);
        assert!("not-a-uuid".parse::<PracticeId>().is_err());
    }
}
