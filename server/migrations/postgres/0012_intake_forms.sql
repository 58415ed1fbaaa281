-- A practice's intake forms (product.md §7). definition is
-- shared::forms::FormDefinition as JSON; is_default: sent with portal
-- invitations unless the sender unticks it (*Save as default*).
CREATE TABLE intake_forms (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    definition TEXT NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX intake_forms_practice ON intake_forms(practice_id, title);

-- One form a client was asked to fill. The definition is copied when asked,
-- so the answers always match the questions they answer, whatever the
-- practice changes later. answers is shared::forms::Answers as JSON (NULL:
-- not started); a signature is kept inside it as a PNG data URL.
CREATE TABLE client_forms (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    form_id TEXT REFERENCES intake_forms(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    definition TEXT NOT NULL,
    answers TEXT,
    requested_by TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    requested_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT
);
CREATE INDEX client_forms_client ON client_forms(client_id, requested_at);
-- Asking again for a form the client has not handed in yet asks nothing new.
CREATE UNIQUE INDEX client_forms_one_open ON client_forms(client_id, form_id) WHERE submitted_at IS NULL;

-- Whether the practice got shared::forms::seeded. Practices created before
-- intake forms get them when a server starts (server::forms::seed_existing).
ALTER TABLE practices ADD COLUMN forms_seeded BOOLEAN NOT NULL DEFAULT FALSE;
