-- Logins from browsers a practice has not trusted (product.md §6): one row
-- per practice that must let the browser in. The waiting browser proves it is
-- the one that asked with a cookie (attempt_hash is its SHA-256) and its
-- device cookie; codes of sole admins are kept only as hashes.
CREATE TABLE login_requests (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    attempt_hash TEXT NOT NULL,
    approver TEXT NOT NULL,
    status TEXT NOT NULL,
    ip TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    decided_by TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    decided_at BIGINT,
    code_hash TEXT,
    code_tries BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX login_requests_attempt ON login_requests(attempt_hash);
CREATE INDEX login_requests_waiting ON login_requests(account_id, device_id, practice_id, status);

-- People an admin added (Add user) log in the first time without approval:
-- the adding was the approval, as an invitation is.
ALTER TABLE memberships ADD COLUMN trust_first_device BOOLEAN NOT NULL DEFAULT FALSE;
