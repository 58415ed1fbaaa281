//! Every server function × every kind of caller, checked against the role
//! table (product.md §3) through the real HTTP router: Owner, Admin,
//! Practitioner, the three Staff levels, a suspended member, a removed one,
//! someone on no team of this practice, and nobody signed in.
//!
//! The server functions are read from the running registry: one missing
//! from [`doors`] fails this test. A capability missing from
//! [`exercised_by`] fails the build (the match has no catch-all).

use app::api::{
    accounts, approval, audit, clients, community, devices, forms, groups, mailbox, messages,
    portal, practices, staff, team,
};
use app::error::AppError;
use axum::body::{to_bytes, Body};
use http::Request;
use leptos::server_fn::ServerFn;
use serde::Serialize;
use server::backend::{Backend, Caller};
use shared::audit_log::AuditQuery;
use shared::clients::{ClientForm, ClientQuery};
use shared::community::health::HealthQuery;
use shared::community::members::{MemberQuery, Notify, Selection};
use shared::forms::{Answers, Completion, FormDefinition, FormSave};
use shared::goals::{GoalsForm, ReadingKind};
use shared::groups::GroupForm;
use shared::ids::{
    AccountId, BatchId, ClientFormId, ClientId, DeviceId, FormId, GroupId, InvitationId,
    LoginRequestId, PracticeId,
};
use shared::invitation::{InviteRequest, InviteSource, Validity};
use shared::login_request::Decision;
use shared::membership::{MemberChange, PermissionFlags};
use shared::messages::{BatchRequest, Draft, Recipients};
use shared::portal::InviteRequest as PortalInvite;
use shared::readings::{ReadingEntry, Unit};
use shared::roles::{can, AccessLevel, Actor, Capability, MembershipStatus, Role};
use shared::staff::StaffForm;
use shared::team::{JoinLinkChange, RequestDecision, TeamQuery};
use shared::validation::PracticeForm;
use std::collections::BTreeSet;
use tower::ServiceExt;

/// Who a server function lets through its door.
enum Door {
    /// Pages anyone may use (sign-up, login, invitation links); attacked in their own tests.
    Anyone,
    /// Any signed-in person, whatever their teams.
    SignedIn(Body),
    /// A practice's function: the role table's cell for this capability decides.
    Practice(Capability, fn(&Practice) -> Body),
    /// A practice's function for co-signers: the *can sign forms* flag decides (§3).
    Cosigners(fn(&Practice) -> Body),
}

/// What the practice functions are called about.
struct Practice {
    id: PracticeId,
    /// A Practitioner the team functions act on.
    target: AccountId,
    /// A client of the practice the client functions act on.
    client: ClientId,
    /// One of the practice's forms, and the client's request to fill it.
    form: FormId,
    request: ClientFormId,
}

fn json(value: impl Serialize) -> Body {
    Body::from(serde_json::to_string(&value).unwrap())
}

/// Every server function and its door. The bodies are the functions' own
/// argument types, so a changed signature fails to compile here.
fn doors() -> Vec<(&'static str, Door)> {
    use Capability::*;
    use Door::*;
    vec![
        (accounts::CurrentUser::PATH, Anyone),
        (accounts::SignUp::PATH, Anyone),
        (accounts::CheckSignUpLink::PATH, Anyone),
        (accounts::ConfirmSignUp::PATH, Anyone),
        (accounts::LogIn::PATH, Anyone),
        (accounts::LogOut::PATH, Anyone),
        (accounts::RequestPasswordReset::PATH, Anyone),
        (accounts::CheckResetLink::PATH, Anyone),
        (accounts::ResetPassword::PATH, Anyone),
        (
            accounts::ChangePassword::PATH,
            SignedIn(Body::from("form[current]=a&form[password]=b")),
        ),
        (mailbox::Mailbox::PATH, Anyone),
        (portal::PortalInvitation::PATH, Anyone),
        (portal::PortalSignUp::PATH, Anyone),
        (portal::PortalAskAgain::PATH, Anyone),
        (
            portal::PortalAccept::PATH,
            SignedIn(Body::from("token=not-a-token")),
        ),
        (portal::MyPortal::PATH, SignedIn(Body::empty())),
        (portal::MyReadings::PATH, SignedIn(Body::empty())),
        (
            portal::LogReading::PATH,
            SignedIn(json(portal::LogReading {
                entry: ReadingEntry {
                    kind: ReadingKind::Steps,
                    value: "4000".into(),
                    unit: Unit::Stored,
                    taken_at: "2026-01-05T08:30".into(),
                    utc_offset_minutes: 0,
                },
            })),
        ),
        (community::MyCommunities::PATH, SignedIn(Body::empty())),
        (
            community::SetSharing::PATH,
            SignedIn(json(community::SetSharing {
                practice: PracticeId::from_uuid(uuid::Uuid::new_v4()),
                sharing: true,
            })),
        ),
        (community::CommunityInvitation::PATH, Anyone),
        (community::CommunitySignUp::PATH, Anyone),
        (community::CommunityReject::PATH, Anyone),
        (community::JoinCommunity::PATH, Anyone),
        (
            community::CommunityAccept::PATH,
            SignedIn(Body::from("token=not-a-token")),
        ),
        (
            community::CommunityMembers::PATH,
            Practice(ChangeSettings, |p| {
                json(community::CommunityMembers {
                    practice: p.id,
                    query: MemberQuery::default(),
                })
            }),
        ),
        (
            community::AddCommunityMembers::PATH,
            Practice(ChangeSettings, |p| {
                json(community::AddCommunityMembers {
                    practice: p.id,
                    source: InviteSource::Typed("member@example.org".into()),
                })
            }),
        ),
        (
            community::InviteCommunityMembers::PATH,
            Practice(ChangeSettings, |p| {
                json(community::InviteCommunityMembers {
                    practice: p.id,
                    selection: Selection::Matching(MemberQuery::default()),
                    notify: Notify::DontNotify,
                })
            }),
        ),
        (
            community::RemoveCommunityMembers::PATH,
            Practice(ChangeSettings, |p| {
                json(community::RemoveCommunityMembers {
                    practice: p.id,
                    selection: Selection::These(vec![]),
                })
            }),
        ),
        (
            community::SetCommunityValidity::PATH,
            Practice(ChangeSettings, |p| {
                json(community::SetCommunityValidity {
                    practice: p.id,
                    days: 7,
                })
            }),
        ),
        (
            community::CommunityJoinScreen::PATH,
            Practice(ChangeSettings, |p| {
                json(community::CommunityJoinScreen { practice: p.id })
            }),
        ),
        (
            community::CommunityHealth::PATH,
            Practice(ViewReports, |p| {
                json(community::CommunityHealth {
                    practice: p.id,
                    query: HealthQuery { weeks: 12 },
                })
            }),
        ),
        (
            forms::PortalForm::PATH,
            SignedIn(json(forms::PortalForm {
                id: ClientFormId::from_uuid(uuid::Uuid::new_v4()),
            })),
        ),
        (
            forms::SavePortalForm::PATH,
            SignedIn(json(forms::SavePortalForm {
                id: ClientFormId::from_uuid(uuid::Uuid::new_v4()),
                save: FormSave {
                    answers: Answers::default(),
                    completion: Completion::Draft,
                },
            })),
        ),
        (
            forms::IntakeForms::PATH,
            Practice(ViewClients, |p| json(forms::IntakeForms { practice: p.id })),
        ),
        (
            forms::IntakeForm::PATH,
            Practice(ViewClients, |p| {
                json(forms::IntakeForm {
                    practice: p.id,
                    form: p.form,
                })
            }),
        ),
        (
            forms::FormSubmission::PATH,
            Practice(ViewClients, |p| {
                json(forms::FormSubmission {
                    practice: p.id,
                    id: p.request,
                })
            }),
        ),
        (
            forms::SaveIntakeForm::PATH,
            Practice(ChangeSettings, |p| {
                json(forms::SaveIntakeForm {
                    practice: p.id,
                    form: Some(p.form),
                    definition: FormDefinition::default(),
                })
            }),
        ),
        (
            forms::SendForms::PATH,
            Practice(EditClients, |p| {
                json(forms::SendForms {
                    practice: p.id,
                    client: p.client,
                    forms: vec![p.form],
                })
            }),
        ),
        (approval::LoginWait::PATH, Anyone),
        (approval::ConfirmLoginCode::PATH, Anyone),
        (
            approval::GetLoginRequest::PATH,
            Practice(ApproveDevices, |p| {
                json(approval::GetLoginRequest {
                    practice: p.id,
                    request: LoginRequestId::from_uuid(uuid::Uuid::new_v4()),
                })
            }),
        ),
        (
            approval::DecideLogin::PATH,
            Practice(ApproveDevices, |p| {
                json(approval::DecideLogin {
                    practice: p.id,
                    request: LoginRequestId::from_uuid(uuid::Uuid::new_v4()),
                    decision: Decision::Approve,
                })
            }),
        ),
        (practices::TimeZones::PATH, Anyone),
        (
            practices::CreatePractice::PATH,
            SignedIn(Body::from(
                "form[name]=A&form[contact_email]=a%40b.example&form[time_zone]=UTC",
            )),
        ),
        (team::GetInvitation::PATH, Anyone),
        (
            team::AcceptInvitation::PATH,
            SignedIn(Body::from("token=x")),
        ),
        (team::RejectInvitation::PATH, Anyone),
        (team::SignUpInvitee::PATH, Anyone),
        (team::GetJoinPage::PATH, Anyone),
        (team::JoinPractice::PATH, SignedIn(Body::from("code=x"))),
        (
            audit::GetAuditLog::PATH,
            Practice(ViewAudit, |p| {
                json(audit::GetAuditLog {
                    practice: p.id,
                    query: AuditQuery::default(),
                })
            }),
        ),
        (
            audit::VerifyAuditChain::PATH,
            Practice(ViewAudit, |p| {
                json(audit::VerifyAuditChain { practice: p.id })
            }),
        ),
        (
            devices::GetDevices::PATH,
            Practice(ViewClients, |p| {
                json(devices::GetDevices { practice: p.id })
            }),
        ),
        (
            devices::RevokeDevice::PATH,
            Practice(ApproveDevices, |p| {
                json(devices::RevokeDevice {
                    practice: p.id,
                    member: p.target,
                    device: DeviceId::from_uuid(uuid::Uuid::new_v4()),
                })
            }),
        ),
        (
            devices::DeviceApproval::PATH,
            Practice(ViewClients, |p| {
                json(devices::DeviceApproval { practice: p.id })
            }),
        ),
        (
            devices::SetDeviceApproval::PATH,
            Practice(ChangeSettings, |p| {
                json(devices::SetDeviceApproval {
                    practice: p.id,
                    required: true,
                })
            }),
        ),
        (
            practices::GetPracticePlace::PATH,
            Practice(ViewClients, |p| {
                json(practices::GetPracticePlace { practice: p.id })
            }),
        ),
        (
            practices::UpdatePracticeDetails::PATH,
            Practice(ChangeSettings, |p| {
                json(practices::UpdatePracticeDetails {
                    practice: p.id,
                    form: PracticeForm {
                        name: "Harbour Clinic".into(),
                        contact_email: "desk@harbour.example".into(),
                        time_zone: "Europe/Oslo".into(),
                    },
                })
            }),
        ),
        (
            practices::InvitationValidity::PATH,
            Practice(ViewClients, |p| {
                json(practices::InvitationValidity { practice: p.id })
            }),
        ),
        (
            practices::SetInvitationValidity::PATH,
            Practice(ChangeSettings, |p| {
                json(practices::SetInvitationValidity {
                    practice: p.id,
                    validity: Validity::Hours(24),
                })
            }),
        ),
        (
            practices::GetGoals::PATH,
            Practice(ViewClients, |p| {
                json(practices::GetGoals { practice: p.id })
            }),
        ),
        (
            practices::SetGoals::PATH,
            Practice(ChangeGoals, |p| {
                json(practices::SetGoals {
                    practice: p.id,
                    form: GoalsForm::showing(&[]),
                })
            }),
        ),
        (
            staff::GetStaffPage::PATH,
            Practice(ManageTeam, |p| {
                json(staff::GetStaffPage {
                    practice: p.id,
                    member: Some(p.target),
                })
            }),
        ),
        (
            staff::AddMember::PATH,
            Practice(ManageTeam, |p| {
                json(staff::AddMember {
                    practice: p.id,
                    form: StaffForm::default(),
                })
            }),
        ),
        (
            staff::EditMember::PATH,
            Practice(ManageTeam, |p| {
                json(staff::EditMember {
                    practice: p.id,
                    member: p.target,
                    form: StaffForm::default(),
                })
            }),
        ),
        (
            team::GetTeam::PATH,
            Practice(ManageTeam, |p| {
                json(team::GetTeam {
                    practice: p.id,
                    query: TeamQuery::default(),
                })
            }),
        ),
        (
            team::ChangeMember::PATH,
            Practice(ManageTeam, |p| {
                json(team::ChangeMember {
                    practice: p.id,
                    member: p.target,
                    change: MemberChange::Suspend,
                })
            }),
        ),
        (
            team::InviteTeam::PATH,
            Practice(ManageTeam, |p| {
                json(team::InviteTeam {
                    practice: p.id,
                    request: InviteRequest {
                        source: InviteSource::Typed("new.person@example.org".into()),
                        role: Role::Practitioner,
                        validity_hours: None,
                    },
                })
            }),
        ),
        (
            team::ResendInvitations::PATH,
            Practice(ManageTeam, |p| {
                json(team::ResendInvitations {
                    practice: p.id,
                    ids: vec![],
                })
            }),
        ),
        (
            team::RevokeInvitations::PATH,
            Practice(ManageTeam, |p| {
                json(team::RevokeInvitations {
                    practice: p.id,
                    ids: vec![],
                })
            }),
        ),
        (
            team::DecideRequest::PATH,
            Practice(ManageTeam, |p| {
                json(team::DecideRequest {
                    practice: p.id,
                    request: InvitationId::from_uuid(uuid::Uuid::new_v4()),
                    decision: RequestDecision::Reject,
                })
            }),
        ),
        (
            clients::GetClients::PATH,
            Practice(ViewClients, |p| {
                json(clients::GetClients {
                    practice: p.id,
                    query: ClientQuery::default(),
                })
            }),
        ),
        (
            clients::GetClient::PATH,
            Practice(ViewClients, |p| {
                json(clients::GetClient {
                    practice: p.id,
                    client: p.client,
                })
            }),
        ),
        (
            clients::AddClient::PATH,
            Practice(EditClients, |p| {
                json(clients::AddClient {
                    practice: p.id,
                    form: ClientForm::default(),
                })
            }),
        ),
        (
            clients::EditClient::PATH,
            Practice(EditClients, |p| {
                json(clients::EditClient {
                    practice: p.id,
                    client: p.client,
                    form: ClientForm::default(),
                })
            }),
        ),
        (
            clients::ArchiveClient::PATH,
            Practice(EditClients, |p| {
                json(clients::ArchiveClient {
                    practice: p.id,
                    client: p.client,
                    archived: false,
                })
            }),
        ),
        (
            clients::AssignClient::PATH,
            Practice(EditClients, |p| {
                json(clients::AssignClient {
                    practice: p.id,
                    client: p.client,
                    staff: vec![],
                })
            }),
        ),
        (
            portal::PortalInviteSetup::PATH,
            Practice(EditClients, |p| {
                json(portal::PortalInviteSetup { practice: p.id })
            }),
        ),
        (
            portal::InvitableClients::PATH,
            Practice(EditClients, |p| {
                json(portal::InvitableClients {
                    practice: p.id,
                    query: ClientQuery::default(),
                })
            }),
        ),
        (
            portal::InviteToPortal::PATH,
            Practice(EditClients, |p| {
                json(portal::InviteToPortal {
                    practice: p.id,
                    request: PortalInvite {
                        clients: vec![p.client],
                        message: "{invite_link}".into(),
                        forms: vec![],
                        save_as_default: false,
                    },
                })
            }),
        ),
        (
            forms::FormsToSign::PATH,
            Cosigners(|p| json(forms::FormsToSign { practice: p.id })),
        ),
        (
            forms::CosignForm::PATH,
            Cosigners(|p| {
                json(forms::CosignForm {
                    practice: p.id,
                    form: p.request,
                    signature: String::new(),
                })
            }),
        ),
        (messages::UnsubscribeLink::PATH, Anyone),
        (messages::Unsubscribe::PATH, Anyone),
        (
            messages::ClientHistory::PATH,
            Practice(ViewClients, |p| {
                json(messages::ClientHistory {
                    practice: p.id,
                    client: p.client,
                    page: 0,
                })
            }),
        ),
        (
            messages::BatchProgress::PATH,
            Practice(ViewClients, |p| {
                json(messages::BatchProgress {
                    practice: p.id,
                    batch: BatchId::from_uuid(uuid::Uuid::nil()),
                })
            }),
        ),
        (
            messages::MessageSetup::PATH,
            Practice(MessageClient, |p| {
                json(messages::MessageSetup { practice: p.id })
            }),
        ),
        (
            messages::SendMessage::PATH,
            Practice(MessageClient, |p| {
                json(messages::SendMessage {
                    practice: p.id,
                    client: p.client,
                    draft: Draft {
                        subject: "Hello".into(),
                        body: "Dear {client_first_name}".into(),
                    },
                })
            }),
        ),
        (
            messages::SetOptedOut::PATH,
            Practice(MessageClient, |p| {
                json(messages::SetOptedOut {
                    practice: p.id,
                    client: p.client,
                    out: false,
                })
            }),
        ),
        (
            messages::SendBatch::PATH,
            Practice(BatchMessage, |p| {
                json(messages::SendBatch {
                    practice: p.id,
                    request: BatchRequest {
                        recipients: Recipients::These(vec![p.client]),
                        draft: Draft {
                            subject: "Hello".into(),
                            body: "Dear {client_first_name}".into(),
                        },
                    },
                })
            }),
        ),
        (
            team::JoinLink::PATH,
            Practice(ChangeSettings, |p| json(team::JoinLink { practice: p.id })),
        ),
        (
            groups::GetGroupPage::PATH,
            Practice(ChangeSettings, |p| {
                json(groups::GetGroupPage { practice: p.id })
            }),
        ),
        (
            groups::CreateGroup::PATH,
            Practice(JoinGroups, |p| {
                json(groups::CreateGroup {
                    practice: p.id,
                    form: GroupForm {
                        name: "North Coast".into(),
                    },
                })
            }),
        ),
        (
            groups::InvitePractice::PATH,
            Practice(ChangeSettings, |p| {
                json(groups::InvitePractice {
                    practice: p.id,
                    target: uuid::Uuid::nil().to_string(),
                })
            }),
        ),
        (
            groups::AnswerGroupInvitation::PATH,
            Practice(JoinGroups, |p| {
                json(groups::AnswerGroupInvitation {
                    practice: p.id,
                    group: GroupId::from_uuid(uuid::Uuid::nil()),
                    accept: true,
                })
            }),
        ),
        (
            groups::RemoveFromGroup::PATH,
            Practice(ChangeSettings, |p| {
                json(groups::RemoveFromGroup {
                    practice: p.id,
                    target: p.id,
                })
            }),
        ),
        (
            groups::NameGroupAdmin::PATH,
            Practice(ChangeSettings, |p| {
                json(groups::NameGroupAdmin {
                    practice: p.id,
                    login: "someone@example.org".into(),
                })
            }),
        ),
        (
            groups::RemoveGroupAdmin::PATH,
            Practice(ChangeSettings, |p| {
                json(groups::RemoveGroupAdmin {
                    practice: p.id,
                    admin: p.target,
                })
            }),
        ),
        (
            groups::GetMemberPlaces::PATH,
            Practice(ManageTeam, |p| {
                json(groups::GetMemberPlaces {
                    practice: p.id,
                    member: p.target,
                })
            }),
        ),
        (
            groups::SetMemberPlaces::PATH,
            Practice(ManageTeam, |p| {
                json(groups::SetMemberPlaces {
                    practice: p.id,
                    member: p.target,
                    grants: vec![],
                })
            }),
        ),
        (
            team::ChangeJoinLink::PATH,
            Practice(ChangeSettings, |p| {
                json(team::ChangeJoinLink {
                    practice: p.id,
                    change: JoinLinkChange::Enable {
                        requires_approval: true,
                    },
                })
            }),
        ),
    ]
}

/// The server functions behind each capability. A new capability does not
/// compile until it is placed here; an empty list names the issue that
/// brings its first server function.
fn exercised_by(capability: Capability) -> Vec<&'static str> {
    use Capability::*;
    match capability {
        ViewClients => vec![
            devices::GetDevices::PATH,
            devices::DeviceApproval::PATH,
            practices::GetPracticePlace::PATH,
            practices::InvitationValidity::PATH,
            practices::GetGoals::PATH,
            clients::GetClients::PATH,
            clients::GetClient::PATH,
            forms::IntakeForms::PATH,
            forms::IntakeForm::PATH,
            forms::FormSubmission::PATH,
            messages::ClientHistory::PATH,
            messages::BatchProgress::PATH,
        ],
        EditClients => vec![
            clients::AddClient::PATH,
            clients::EditClient::PATH,
            clients::ArchiveClient::PATH,
            clients::AssignClient::PATH,
            portal::PortalInviteSetup::PATH,
            portal::InvitableClients::PATH,
            portal::InviteToPortal::PATH,
            forms::SendForms::PATH,
        ],
        ViewReports => vec![community::CommunityHealth::PATH],
        MessageClient => vec![
            messages::MessageSetup::PATH,
            messages::SendMessage::PATH,
            messages::SetOptedOut::PATH,
        ],
        BatchMessage => vec![messages::SendBatch::PATH],
        ChangeGoals => vec![practices::SetGoals::PATH],
        ChangeSettings => vec![
            devices::SetDeviceApproval::PATH,
            practices::UpdatePracticeDetails::PATH,
            practices::SetInvitationValidity::PATH,
            team::JoinLink::PATH,
            team::ChangeJoinLink::PATH,
            forms::SaveIntakeForm::PATH,
            community::CommunityMembers::PATH,
            community::AddCommunityMembers::PATH,
            community::InviteCommunityMembers::PATH,
            community::RemoveCommunityMembers::PATH,
            community::SetCommunityValidity::PATH,
            community::CommunityJoinScreen::PATH,
            groups::GetGroupPage::PATH,
            groups::InvitePractice::PATH,
            groups::RemoveFromGroup::PATH,
            groups::NameGroupAdmin::PATH,
            groups::RemoveGroupAdmin::PATH,
        ],
        JoinGroups => vec![
            groups::CreateGroup::PATH,
            groups::AnswerGroupInvitation::PATH,
        ],
        ManageTeam => vec![
            staff::GetStaffPage::PATH,
            staff::AddMember::PATH,
            staff::EditMember::PATH,
            team::GetTeam::PATH,
            team::ChangeMember::PATH,
            team::InviteTeam::PATH,
            team::ResendInvitations::PATH,
            team::RevokeInvitations::PATH,
            team::DecideRequest::PATH,
            groups::GetMemberPlaces::PATH,
            groups::SetMemberPlaces::PATH,
        ],
        // Promote/demote and ownership go through change_member, whose rules
        // (`may_change`) are tested cell by cell in shared and server.
        ChangeAdminRights | TransferOwnership => vec![],
        ApproveDevices => vec![
            approval::GetLoginRequest::PATH,
            approval::DecideLogin::PATH,
            devices::RevokeDevice::PATH,
        ],
        ViewAudit => vec![audit::GetAuditLog::PATH, audit::VerifyAuditChain::PATH],
    }
}

/// The kinds of caller every practice function is tried with.
#[derive(Clone, Copy, Debug)]
enum Who {
    Member(Role),
    Suspended,
    Removed,
    NotAMember,
    SignedOut,
}

const CALLERS: [Who; 10] = [
    Who::Member(Role::Owner),
    Who::Member(Role::Admin),
    Who::Member(Role::Practitioner),
    Who::Member(Role::Staff(AccessLevel::Full)),
    Who::Member(Role::Staff(AccessLevel::ReadWrite)),
    Who::Member(Role::Staff(AccessLevel::ReadOnly)),
    Who::Suspended,
    Who::Removed,
    Who::NotAMember,
    Who::SignedOut,
];

/// The flags memberships get when people join (chat user, nothing else).
fn joined_flags() -> PermissionFlags {
    PermissionFlags {
        chat_user: true,
        ..PermissionFlags::default()
    }
}

/// What the table says `caller` gets from a function behind `capability`:
/// `None` when let through, else the refusal.
fn expected(caller: Who, capability: Capability) -> Option<AppError> {
    match caller {
        Who::SignedOut => Some(AppError::Unauthenticated),
        Who::NotAMember | Who::Removed => Some(AppError::NotFound),
        Who::Suspended => Some(AppError::Suspended),
        Who::Member(role) => {
            let actor = Actor {
                role,
                flags: joined_flags(),
                status: MembershipStatus::Active,
            };
            (!can(&actor, capability).permits(false)).then_some(AppError::Forbidden)
        }
    }
}

struct World {
    router: axum::Router,
    backend: Backend,
    /// A session cookie per kind of caller (none for the signed-out one).
    cookies: Vec<(Who, Option<String>, AccountId)>,
}

async fn account(backend: &Backend, name: &str) -> AccountId {
    let id = AccountId::from_uuid(uuid::Uuid::new_v4());
    server::on_pool!(&backend.db, pool => {
        sqlx::query("INSERT INTO accounts (id, email, full_name, password_hash, created_at) VALUES ($1, $2, $3, 'unused', 0)")
            .bind(id)
            .bind(format!("{name}@example.org"))
            .bind(name)
            .execute(pool)
            .await
            .map(drop)
    })
    .unwrap();
    id
}

async fn world() -> World {
    let (router, backend) = crate::router::app_and_backend().await;
    let mut cookies = Vec::new();
    for (i, caller) in CALLERS.into_iter().enumerate() {
        let id = account(&backend, &format!("caller{i}")).await;
        let cookie = match caller {
            Who::SignedOut => None,
            _ => {
                let mut tx = backend.db.begin().await.unwrap();
                let who = Caller {
                    ip: Some("10.0.0.1".into()),
                    ..Caller::default()
                };
                let token = server::sessions::start(&mut tx, id, &who, backend.now_ms())
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                Some(format!("carekeys_session={}", token.expose()))
            }
        };
        cookies.push((caller, cookie, id));
    }
    World {
        router,
        backend,
        cookies,
    }
}

async fn membership(
    backend: &Backend,
    practice: PracticeId,
    account: AccountId,
    role: Role,
    status: &str,
) {
    server::on_pool!(&backend.db, pool => {
        sqlx::query("INSERT INTO memberships (id, practice_id, account_id, role, status, chat_user, can_sign_forms, created_at) VALUES ($1, $2, $3, $4, $5, TRUE, $6, 0)")
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(practice)
            .bind(account)
            .bind(role)
            .bind(status)
            // Practitioners co-sign here, so the flag's door is seen open as well as shut.
            .bind(role == Role::Practitioner)
            .execute(pool)
            .await
            .map(drop)
    })
    .unwrap();
}

/// A fresh practice with every caller in their place, so what one call
/// changes never decides another function's answer.
async fn practice(world: &World) -> Practice {
    let owner = world.cookies[0].2;
    let form = PracticeForm {
        name: "Harbour Clinic".into(),
        contact_email: "desk@harbour.example".into(),
        time_zone: "Europe/Oslo".into(),
    };
    let who = Caller::default();
    let id = server::practices::create(&world.backend, &who, owner, &form)
        .await
        .unwrap();
    for (caller, _, account) in &world.cookies {
        match caller {
            Who::Member(Role::Owner) | Who::NotAMember | Who::SignedOut => {}
            Who::Member(role) => membership(&world.backend, id, *account, *role, "active").await,
            Who::Suspended => {
                membership(
                    &world.backend,
                    id,
                    *account,
                    Role::Practitioner,
                    "suspended",
                )
                .await
            }
            Who::Removed => {
                membership(&world.backend, id, *account, Role::Practitioner, "active").await;
                server::on_pool!(&world.backend.db, pool => {
                    sqlx::query("DELETE FROM memberships WHERE practice_id = $1 AND account_id = $2")
                        .bind(id)
                        .bind(*account)
                        .execute(pool)
                        .await
                        .map(drop)
                })
                .unwrap();
            }
        }
    }
    let target = account(
        &world.backend,
        &format!("target-{}", uuid::Uuid::new_v4().simple()),
    )
    .await;
    membership(&world.backend, id, target, Role::Practitioner, "active").await;
    let client = ClientForm {
        first_name: "Ana".into(),
        last_name: "Silva".into(),
        ..ClientForm::default()
    };
    let client = server::clients::add(&world.backend, &who, owner, id, &client)
        .await
        .unwrap();
    let form = server::forms::list(&world.backend, owner, id)
        .await
        .unwrap()[0]
        .id;
    let request = ClientFormId::from_uuid(uuid::Uuid::new_v4());
    server::on_pool!(&world.backend.db, pool => {
        sqlx::query(
            "INSERT INTO client_forms (id, practice_id, client_id, form_id, title, definition, requested_at, updated_at)
             SELECT $1, practice_id, $2, id, title, definition, 0, 0 FROM intake_forms WHERE id = $3",
        )
        .bind(request)
        .bind(client)
        .bind(form)
        .execute(pool)
        .await
        .map(drop)
    })
    .unwrap();
    Practice {
        id,
        target,
        client,
        form,
        request,
    }
}

/// Calls `path` as the caller with `cookie`; `None` when let through (any
/// answer but a refusal at the door), else the refusal.
async fn call(
    world: &World,
    path: &str,
    body: Body,
    json: bool,
    cookie: Option<&str>,
) -> Option<AppError> {
    let mut request = Request::post(path)
        .header(
            "content-type",
            if json {
                "application/json"
            } else {
                "application/x-www-form-urlencoded"
            },
        )
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = world
        .router
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    if response.status().is_success() {
        return None;
    }
    let status = response.status();
    let text = String::from_utf8(
        to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    let error: AppError = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{path} answered {status} without a typed error: {text}"));
    match error {
        AppError::Unauthenticated
        | AppError::Forbidden
        | AppError::Suspended
        | AppError::NotFound => Some(error),
        // Past the door: the function itself answered (bad input, a rule, a conflict).
        _ => None,
    }
}

#[tokio::test]
async fn every_server_function_admits_exactly_whom_the_role_table_names() {
    let doors = doors();
    // Every registered server function has a door here, and nothing else.
    let registered: BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    let listed: BTreeSet<&str> = doors.iter().map(|(path, _)| *path).collect();
    assert_eq!(
        registered, listed,
        "place each server function in doors() with who may call it"
    );
    // Every practice function is listed under its capability, and only there.
    for capability in Capability::ALL {
        let behind: BTreeSet<&str> = doors
            .iter()
            .filter(|(_, door)| matches!(door, Door::Practice(c, _) if *c == capability))
            .map(|(path, _)| *path)
            .collect();
        let named: BTreeSet<&str> = exercised_by(capability).into_iter().collect();
        assert_eq!(behind, named, "{capability:?}");
    }

    let world = world().await;
    let signed_out = world
        .cookies
        .iter()
        .find(|(c, ..)| matches!(c, Who::SignedOut))
        .unwrap();
    let mut checked = 0;
    for (path, door) in doors {
        match door {
            Door::Anyone => {}
            Door::SignedIn(body) => {
                let answer = call(&world, path, body, false, signed_out.1.as_deref()).await;
                assert_eq!(answer, Some(AppError::Unauthenticated), "{path} signed out");
                checked += 1;
            }
            Door::Practice(capability, body) => {
                let practice = practice(&world).await;
                // These name a request or device that does not exist: past the door it is NotFound.
                let may_miss = [
                    team::DecideRequest::PATH,
                    devices::RevokeDevice::PATH,
                    approval::GetLoginRequest::PATH,
                    approval::DecideLogin::PATH,
                    groups::AnswerGroupInvitation::PATH,
                    groups::RemoveFromGroup::PATH,
                ]
                .contains(&path);
                for (caller, cookie, _) in &world.cookies {
                    let answer = call(&world, path, body(&practice), true, cookie.as_deref()).await;
                    let want = expected(*caller, capability);
                    match (&want, &answer) {
                        (None, Some(AppError::NotFound)) if may_miss => {}
                        _ => assert_eq!(answer, want, "{path} as {caller:?}"),
                    }
                    checked += 1;
                }
            }
            Door::Cosigners(body) => {
                let practice = practice(&world).await;
                for (caller, cookie, account) in &world.cookies {
                    let answer = call(&world, path, body(&practice), true, cookie.as_deref()).await;
                    let want = match caller {
                        Who::Member(_) => {
                            let flag: bool = server::on_pool!(&world.backend.db, pool => {
                                sqlx::query_scalar("SELECT can_sign_forms FROM memberships WHERE practice_id = $1 AND account_id = $2")
                                    .bind(practice.id)
                                    .bind(*account)
                                    .fetch_one(pool)
                                    .await
                            })
                            .unwrap();
                            (!flag).then_some(AppError::Forbidden)
                        }
                        // Refused before any flag is read, as every practice function.
                        other => expected(*other, Capability::ViewClients),
                    };
                    assert_eq!(answer, want, "{path} as {caller:?}");
                    checked += 1;
                }
            }
        }
    }
    // 25 practice functions × 10 callers, and the signed-in-only ones signed out.
    assert!(checked >= 25 * 10 + 4, "{checked} calls checked");
}
