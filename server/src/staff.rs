//! Adding and editing team members with every field of product.md §4. The
//! form's rules are `shared::staff`'s and the role rules `shared::membership`'s;
//! this module applies them inside the practice's lock (two admins ticking
//! *default doctor* at once cannot both win) and writes the change, its audit
//! event and its email in one transaction.

use shared::email::EmailAddress;
use shared::ids::{AccountId, MembershipId, PracticeId};
use shared::membership::{may_change, ChangeRefused, MemberChange, Target};
use shared::roles::{
    assignable_by, may_assign, Capability, MembershipStatus, PermissionFlags, Role,
};
use shared::staff::{
    Added, EditedMember, Login, LoginKind, StaffDetails, StaffForm, StaffPage, StaffRules,
};
use shared::validation::FieldErrors;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::practice_time;
use crate::mail::{outbox, templates};
use crate::tokens::Secret;
use crate::{memberships, on_tx, practices, sessions};

const HOUR_MS: i64 = 60 * 60 * 1000;

/// A member as stored, in the form's terms.
#[derive(sqlx::FromRow)]
struct MemberRow {
    membership_id: MembershipId,
    full_name: String,
    email: Option<String>,
    username: Option<String>,
    public_name: Option<String>,
    contact_email: Option<String>,
    mobile: Option<String>,
    pms_id: Option<String>,
    screen_pop: String,
    position: Option<String>,
    role: Role,
    status: MembershipStatus,
    #[sqlx(flatten)]
    flags: PermissionFlags,
    has_photo: bool,
}

impl MemberRow {
    fn form(&self) -> StaffForm {
        let (role, access_level) = shared::staff::role_fields(self.role);
        let (login_kind, login) = match &self.username {
            Some(name) => (LoginKind::Username, name.clone()),
            None => (LoginKind::Email, self.email.clone().unwrap_or_default()),
        };
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        StaffForm {
            full_name: self.full_name.clone(),
            public_name: text(&self.public_name),
            login_kind,
            login,
            contact_email: text(&self.contact_email),
            mobile: text(&self.mobile),
            pms_id: text(&self.pms_id),
            screen_pop: self.screen_pop.clone(),
            position: text(&self.position),
            role: role.to_owned(),
            access_level: access_level.to_owned(),
            flags: self.flags,
            active: self.status == MembershipStatus::Active,
        }
    }
}

const MEMBER_SQL: &str = "SELECT m.id AS membership_id, a.full_name, a.email, a.username,
        m.public_name, m.contact_email, m.mobile, m.pms_id, m.screen_pop, m.position, m.role, m.status,
        m.show_in_app, m.chat_user, m.default_doctor, m.can_sign_forms, m.can_invite_clients,
        EXISTS (SELECT 1 FROM member_photos p WHERE p.membership_id = m.id) AS has_photo
     FROM memberships m JOIN accounts a ON a.id = m.account_id
     WHERE m.practice_id = $1 AND m.account_id = $2";

async fn member(tx: &mut Tx, practice: PracticeId, member: AccountId) -> ServiceResult<MemberRow> {
    let row: Option<MemberRow> = on_tx!(tx, c => {
        sqlx::query_as(MEMBER_SQL).bind(practice).bind(member).fetch_optional(c).await
    })?;
    row.ok_or(ServiceError::NotFound)
}

/// What the form checks against: the info address and the default doctor
/// other than `member`.
struct PracticeFacts {
    name: String,
    email: EmailAddress,
    time_zone: String,
    validity_hours: i64,
    default_doctor: Option<String>,
}

impl PracticeFacts {
    async fn of(
        tx: &mut Tx,
        practice: PracticeId,
        member: Option<AccountId>,
    ) -> ServiceResult<Self> {
        let (name, email, time_zone, validity_hours): (String, String, String, i64) = on_tx!(tx, c => {
            sqlx::query_as("SELECT name, contact_email, time_zone, staff_invite_validity_hours FROM practices WHERE id = $1")
                .bind(practice)
                .fetch_one(c)
                .await
        })?;
        let doctor: Option<(String, AccountId)> = on_tx!(tx, c => {
            sqlx::query_as(
                "SELECT a.full_name, a.id FROM memberships m JOIN accounts a ON a.id = m.account_id
                 WHERE m.practice_id = $1 AND m.default_doctor",
            )
            .bind(practice)
            .fetch_optional(c)
            .await
        })?;
        let email = EmailAddress::parse(&email)
            .map_err(|e| ServiceError::Internal(format!("stored practice address: {e}")))?;
        Ok(PracticeFacts {
            name,
            email,
            time_zone,
            validity_hours,
            default_doctor: doctor
                .filter(|(_, id)| Some(*id) != member)
                .map(|(name, _)| name),
        })
    }

    fn rules(&self, new_login: bool) -> StaffRules<'_> {
        StaffRules {
            practice_email: &self.email,
            default_doctor: self.default_doctor.as_deref(),
            new_login,
        }
    }
}

/// The Add user page (`member` None) or the Edit page of `member`.
pub async fn page(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    member_id: Option<AccountId>,
) -> ServiceResult<StaffPage> {
    let actor = memberships::require(backend, account, practice, Capability::ManageTeam).await?;
    // A read transaction: the facts and the member are seen at one moment.
    let mut tx = backend.db.begin().await?;
    let facts = PracticeFacts::of(&mut tx, practice, member_id).await?;
    let editing = match member_id {
        Some(id) => {
            let row = member(&mut tx, practice, id).await?;
            Some(EditedMember {
                member: id,
                form: row.form(),
                role_locked: row.role == Role::Owner || id == account,
                has_photo: row.has_photo,
            })
        }
        None => None,
    };
    drop(tx); // nothing was written: dropping it rolls back
    Ok(StaffPage {
        practice_email: facts.email,
        default_doctor: facts.default_doctor,
        roles: assignable_by(&actor),
        editing,
    })
}

/// Characters of one-time passwords: no 0/o, 1/l/i to misread when handed over.
const OTP_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// 16 characters in groups of four, about 79 random bits.
fn one_time_password() -> String {
    let mut out = String::new();
    while out.len() < 19 {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte).expect("the operating system's random source works");
        // Rejection keeps every character equally likely.
        let limit = (256 / OTP_ALPHABET.len() * OTP_ALPHABET.len()) as u8;
        if byte[0] < limit {
            if matches!(out.len(), 4 | 9 | 14) {
                out.push('-');
            }
            out.push(OTP_ALPHABET[byte[0] as usize % OTP_ALPHABET.len()] as char);
        }
    }
    out
}

fn field(name: &str, message: impl Into<String>) -> ServiceError {
    ServiceError::Validation(FieldErrors::single(name, message))
}

/// Adds a person with a new login. A username login gets a one-time password
/// (returned once, stored as an argon2 hash, to be changed at the first
/// login); an email login gets a link to choose a password, valid as long as
/// the practice's staff invitations.
pub async fn add(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    form: &StaffForm,
) -> ServiceResult<Added> {
    // Hashed before the practice's lock is taken: argon2 takes a while.
    let first_password = match form.login_kind {
        LoginKind::Username => one_time_password(),
        LoginKind::Email => Secret::generate().expose().to_owned(),
    };
    let password_hash = backend.passwords.hash(&first_password).await?;
    let (mut tx, actor) =
        practices::change_as(backend, account, practice, Capability::ManageTeam).await?;
    let facts = PracticeFacts::of(&mut tx, practice, None).await?;
    let details = form.validate(&facts.rules(true))?;
    if !may_assign(&actor, details.role) {
        return Err(field("role", ChangeRefused::AboveYou.to_string()));
    }
    let (email, username) = match &details.login {
        Login::Email(address) => (Some(address.as_str()), None),
        Login::Username(name) => (None, Some(name.as_str())),
    };
    let taken: Option<(AccountId,)> = on_tx!(&mut tx, c => {
        sqlx::query_as("SELECT id FROM accounts WHERE email = $1 OR username = $2")
            .bind(email)
            .bind(username)
            .fetch_optional(c)
            .await
    })?;
    if taken.is_some() {
        return Err(field(
            "login",
            match details.login {
                Login::Email(_) => "That address already has a Carekeys account: invite them from the Team page, so they accept it themselves.",
                Login::Username(_) => "That username is taken; choose another.",
            },
        ));
    }
    let now = backend.now_ms();
    let member = AccountId::from_uuid(Uuid::new_v4());
    on_tx!(&mut tx, c => {
        sqlx::query(
            "INSERT INTO accounts (id, email, username, full_name, password_hash, must_change_password, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(member)
        .bind(email)
        .bind(username)
        .bind(&details.full_name)
        .bind(&password_hash)
        .bind(username.is_some())
        .bind(now)
        .execute(c)
        .await.map(|r| r.rows_affected())
    })?;
    write_membership(&mut tx, practice, member, &details, now).await?;
    if let Login::Email(address) = &details.login {
        let expires_at = now + facts.validity_hours * HOUR_MS;
        let (token, link) =
            crate::accounts::password_link(backend, &mut tx, member, expires_at, now).await?;
        let by = admin_name(&mut tx, account).await?;
        let expires = practice_time(expires_at, &facts.time_zone);
        let email = templates::added_to_team(address, &facts.name, &by, &link, &expires);
        outbox::enqueue(&mut tx, Some(practice), &email.carrying(&token), now).await?;
    }
    let event = Event::new("member.added", member.to_string())
        .in_practice(practice)
        .after(StaffForm::from(&details));
    let origin = caller.as_actor(account);
    audit::commit(tx, &backend.audit_key, &origin, now, event).await?;
    backend.mail_wake.notify_one();
    Ok(Added {
        member,
        one_time_password: username.map(|_| first_password),
    })
}

async fn admin_name(tx: &mut Tx, account: AccountId) -> ServiceResult<String> {
    let (name,): (String,) = on_tx!(tx, c => {
        sqlx::query_as("SELECT full_name FROM accounts WHERE id = $1").bind(account).fetch_one(c).await
    })?;
    Ok(name)
}

/// Inserts the membership of a new member with every field of the form.
async fn write_membership(
    tx: &mut Tx,
    practice: PracticeId,
    member: AccountId,
    details: &StaffDetails,
    now: i64,
) -> ServiceResult<()> {
    let id = MembershipId::from_uuid(Uuid::new_v4());
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO memberships (id, practice_id, account_id, role, status, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(practice)
        .bind(member)
        .bind(details.role)
        .bind(status(details))
        .bind(now)
        .execute(c)
        .await.map(|r| r.rows_affected())
    })?;
    // The adding is the approval of the person's first browser.
    memberships::trust_first_device(tx, practice, member).await?;
    update_membership(tx, id, details).await
}

fn status(details: &StaffDetails) -> MembershipStatus {
    if details.active {
        MembershipStatus::Active
    } else {
        MembershipStatus::Suspended
    }
}

async fn update_membership(
    tx: &mut Tx,
    id: MembershipId,
    details: &StaffDetails,
) -> ServiceResult<()> {
    let flags = details.flags;
    on_tx!(tx, c => {
        sqlx::query(
            "UPDATE memberships SET role = $1, status = $2, public_name = $3, contact_email = $4, mobile = $5,
                 pms_id = $6, screen_pop = $7, position = $8, show_in_app = $9, chat_user = $10,
                 default_doctor = $11, can_sign_forms = $12, can_invite_clients = $13
             WHERE id = $14",
        )
        .bind(details.role)
        .bind(status(details))
        .bind(details.public_name.as_deref())
        .bind(details.contact_email.as_ref().map(EmailAddress::as_str))
        .bind(details.mobile.as_deref())
        .bind(details.pms_id.as_deref())
        .bind(details.screen_pop.to_string())
        .bind(details.position.code())
        .bind(flags.show_in_app)
        .bind(flags.chat_user)
        .bind(flags.default_doctor)
        .bind(flags.can_sign_forms)
        .bind(flags.can_invite_clients)
        .bind(id)
        .execute(c)
        .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Saves the Edit user form. The login stays as it is; a different role or
/// *active* is the same change as the Team page's buttons and obeys the same
/// rules (`may_change`), so nobody promotes themselves or the last admin away.
pub async fn edit(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    member_id: AccountId,
    form: &StaffForm,
) -> ServiceResult<()> {
    let (mut tx, actor) =
        practices::change_as(backend, account, practice, Capability::ManageTeam).await?;
    let row = member(&mut tx, practice, member_id).await?;
    let before = row.form();
    let facts = PracticeFacts::of(&mut tx, practice, Some(member_id)).await?;
    let form = StaffForm {
        login_kind: before.login_kind,
        login: before.login.clone(),
        ..form.clone()
    };
    let details = form.validate(&facts.rules(false))?;
    let target = Target {
        role: row.role,
        status: row.status,
        yourself: member_id == account,
    };
    for change in changes(&row, &details) {
        may_change(&actor, target, change).map_err(|refused| match change {
            MemberChange::Role(_) => field("role", refused.to_string()),
            _ => field("active", refused.to_string()),
        })?;
    }
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE accounts SET full_name = $1 WHERE id = $2")
            .bind(&details.full_name)
            .bind(member_id)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    update_membership(&mut tx, row.membership_id, &details).await?;
    if row.status == MembershipStatus::Active && !details.active {
        sessions::end_all(&mut tx, member_id).await?;
    }
    let now = backend.now_ms();
    let event = Event::new("member.edited", member_id.to_string())
        .in_practice(practice)
        .before(before)
        .after(StaffForm::from(&details));
    let origin = caller.as_actor(account);
    audit::commit(tx, &backend.audit_key, &origin, now, event).await?;
    Ok(())
}

/// The Team page changes an edit makes besides the details.
fn changes(row: &MemberRow, details: &StaffDetails) -> Vec<MemberChange> {
    let mut changes = Vec::new();
    if details.role != row.role {
        changes.push(MemberChange::Role(details.role));
    }
    match (row.status, details.active) {
        (MembershipStatus::Active, false) => changes.push(MemberChange::Suspend),
        (MembershipStatus::Suspended, true) => changes.push(MemberChange::Reactivate),
        _ => {}
    }
    changes
}
