-- A practice's clients (product.md §7). email is the address as
-- shared::email::EmailAddress normalises it, or NULL when the practice has
-- none; date_of_birth is YYYY-MM-DD. Archived clients keep their history.
CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT,
    date_of_birth TEXT,
    created_at BIGINT NOT NULL,
    archived_at BIGINT
);
CREATE INDEX clients_practice_name ON clients(practice_id, last_name, first_name);

-- Who on the team looks after a client: Staff with *can invite clients* may
-- invite only the clients assigned to them.
CREATE TABLE client_staff (
    client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    membership_id TEXT NOT NULL REFERENCES memberships(id) ON DELETE CASCADE,
    PRIMARY KEY (client_id, membership_id)
);
CREATE INDEX client_staff_member ON client_staff(membership_id);

-- Invitations to the client portal (product.md §5): one row per link sent,
-- only the hash of its token kept. A resend revokes the previous row.
CREATE TABLE portal_invitations (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    status TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL,
    invited_by TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    sent_at BIGINT NOT NULL,
    responded_at BIGINT,
    -- When the client, holding a dead link, asked the practice for a new one (once per link).
    asked_again_at BIGINT
);
-- One pending invitation per client, and per address across a practice's clients.
CREATE UNIQUE INDEX portal_invitations_one_per_client ON portal_invitations(client_id) WHERE status = 'invited';
CREATE UNIQUE INDEX portal_invitations_one_per_address ON portal_invitations(practice_id, email) WHERE status = 'invited';

-- A client's portal login: one per address across a practice's clients.
CREATE TABLE portal_logins (
    client_id TEXT PRIMARY KEY REFERENCES clients(id) ON DELETE CASCADE,
    practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (practice_id, email)
);

-- The practice's own portal invitation message (*Save as default*); NULL: shared::portal::DEFAULT_MESSAGE.
ALTER TABLE practices ADD COLUMN portal_message TEXT;
