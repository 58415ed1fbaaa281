-- A practice's community (product.md §5, §8): people added by address, who
-- may be invited (with or without an email), register, and choose whether
-- their readings count in Community Health. status is
-- shared::invitation::InvitationStatus's code (accepted shows as Registered);
-- an invited row whose expires_at has passed reads as Expired.
CREATE TABLE community_members (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    status TEXT NOT NULL,
    -- The current invitation link, as a hash; NULL until invited.
    token_hash TEXT UNIQUE,
    expires_at BIGINT,
    -- Whether the last invitation was emailed (Notify) or handed over in the room.
    notified BOOLEAN NOT NULL DEFAULT FALSE,
    account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    sharing BOOLEAN NOT NULL DEFAULT FALSE,
    added_by TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    added_at BIGINT NOT NULL,
    invited_at BIGINT,
    responded_at BIGINT,
    UNIQUE (practice_id, email)
);
CREATE INDEX community_members_practice ON community_members(practice_id, status, email);
-- Community Health reads only the members who share.
CREATE INDEX community_members_sharing ON community_members(practice_id, account_id) WHERE sharing;

-- Readings a person logs (product.md §7): value in hundredths of the kind's
-- unit (shared::goals::Amount; glucose in mg/dL, weight in kg), taken_at
-- when the person says it was taken. One person's readings serve every
-- practice they belong to.
CREATE TABLE readings (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value BIGINT NOT NULL,
    taken_at BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL
);
-- Covers Community Health's weekly means and a person's own list.
CREATE INDEX readings_account_time ON readings(account_id, taken_at, kind, value);

-- Whether a member is also a client of the practice, asked per member.
CREATE INDEX portal_logins_account ON portal_logins(account_id, practice_id);
