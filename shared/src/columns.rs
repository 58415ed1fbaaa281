//! How domain types are stored (feature `sqlx`, enabled by the server only;
//! the WASM build never sees sqlx). Each is a TEXT column on both backends:
//! ids as hyphenated UUIDs, roles and statuses by their stable codes. Rows
//! decode straight to these types, so an unknown code read from the database
//! is one decode error everywhere, never a silent default.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

use crate::ids::{
    AccountId, BatchId, ClientFormId, ClientId, ClientMessageId, CommunityMemberId, DeviceId,
    FormId, GroupId, InvitationId, LoginRequestId, MembershipId, MessageId, PracticeId,
};
use crate::invitation::InvitationStatus;
use crate::roles::{MembershipStatus, Role};

/// A value stored as text.
pub trait TextColumn: Sized {
    fn to_column(&self) -> String;
    fn from_column(text: &str) -> Option<Self>;
}

macro_rules! ids_as_text {
    ($($id:ty),*) => {$(
        impl TextColumn for $id {
            fn to_column(&self) -> String {
                self.to_string()
            }
            fn from_column(text: &str) -> Option<Self> {
                text.parse().ok()
            }
        }
    )*};
}
ids_as_text!(
    AccountId,
    PracticeId,
    MembershipId,
    InvitationId,
    MessageId,
    DeviceId,
    LoginRequestId,
    ClientId,
    FormId,
    ClientFormId,
    CommunityMemberId,
    ClientMessageId,
    BatchId,
    GroupId
);

impl TextColumn for Role {
    fn to_column(&self) -> String {
        self.code().to_owned()
    }
    fn from_column(text: &str) -> Option<Self> {
        Role::from_code(text)
    }
}

impl TextColumn for InvitationStatus {
    fn to_column(&self) -> String {
        self.code().to_owned()
    }
    fn from_column(text: &str) -> Option<Self> {
        InvitationStatus::from_code(text)
    }
}

impl TextColumn for MembershipStatus {
    fn to_column(&self) -> String {
        self.code().to_owned()
    }
    fn from_column(text: &str) -> Option<Self> {
        MembershipStatus::from_code(text)
    }
}

macro_rules! text_columns {
    ($($ty:ty),*) => {$(
        impl<DB: Database> Type<DB> for $ty
        where
            String: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: Database> Encode<'q, DB> for $ty
        where
            String: Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as Database>::ArgumentBuffer<'q>,
            ) -> Result<IsNull, BoxDynError> {
                self.to_column().encode(buf)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $ty
        where
            String: Decode<'r, DB>,
        {
            fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <String as Decode<'r, DB>>::decode(value)?;
                <$ty as TextColumn>::from_column(&text).ok_or_else(|| {
                    format!("unknown {} in the database: {text:?}", stringify!($ty)).into()
                })
            }
        }
    )*};
}
text_columns!(
    AccountId,
    PracticeId,
    MembershipId,
    InvitationId,
    MessageId,
    DeviceId,
    LoginRequestId,
    ClientId,
    FormId,
    ClientFormId,
    CommunityMemberId,
    ClientMessageId,
    BatchId,
    GroupId,
    Role,
    InvitationStatus,
    MembershipStatus
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_unknown_codes_are_refused() {
        for role in Role::ALL {
            assert_eq!(Role::from_column(&role.to_column()), Some(role));
        }
        for status in InvitationStatus::ALL {
            assert_eq!(
                InvitationStatus::from_column(&status.to_column()),
                Some(status)
            );
        }
        for status in [MembershipStatus::Active, MembershipStatus::Suspended] {
            assert_eq!(
                MembershipStatus::from_column(&status.to_column()),
                Some(status)
            );
        }
        assert_eq!(Role::from_column("superuser"), None);
        assert_eq!(PracticeId::from_column("not-a-uuid"), None);
    }
}
