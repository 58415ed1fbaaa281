-- Team invitations (product.md §5): email invitations and join-link requests share one lifecycle.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    name TEXT,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    -- Email invitations only: the hash of the link's token and when it stops working.
    token_hash TEXT UNIQUE,
    expires_at BIGINT,
    invited_by TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    -- Join-link requests only: who asked.
    requested_by TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    message_id TEXT,
    sent_at BIGINT NOT NULL,
    responded_at BIGINT,
    created_at BIGINT NOT NULL
);
-- One pending invitation or request per address and practice.
CREATE UNIQUE INDEX invitations_one_pending ON invitations(practice_id, email) WHERE status IN ('invited', 'requested');
CREATE INDEX invitations_practice ON invitations(practice_id, status, sent_at);

-- The join link's code is shown to admins again and again, so it is kept as is;
-- disabling or regenerating it is what revokes it.
ALTER TABLE practices ADD COLUMN join_code TEXT;
ALTER TABLE practices ADD COLUMN join_requires_approval BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX practices_join_code ON practices(join_code);

-- Where a sign-up started from an invitation or join link continues after confirming.
ALTER TABLE pending_signups ADD COLUMN next_path TEXT;
