-- Browsers people log in from (product.md §6): a long-lived random cookie,
-- kept only as its SHA-256, with a label read from the user agent.
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    first_ip TEXT,
    created_at BIGINT NOT NULL
);

-- Trust is per person and per practice.
CREATE TABLE trusted_devices (
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    trusted_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    last_ip TEXT,
    PRIMARY KEY (device_id, account_id, practice_id)
);
CREATE INDEX trusted_devices_practice ON trusted_devices(practice_id, account_id);

-- Which browser a session lives in, so revoking a device ends its sessions.
ALTER TABLE sessions ADD COLUMN device_id TEXT;
