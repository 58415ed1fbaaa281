-- Messages to clients (product.md §7): each one kept with its exact text as
-- sent, who sent it and its outbox row (which says how delivery went). The
-- unsubscribe link's token is kept only as a hash; a batch groups the
-- messages of one send so its progress can be read back.
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    batch_id TEXT,
    outbox_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_by TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    unsubscribe_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX messages_client ON messages(client_id, created_at);
CREATE INDEX messages_batch ON messages(batch_id);

-- Opted out (§7): no more messages. Who asked: 'client' (the unsubscribe
-- link) or 'staff'; only a staff opt-out can be undone by staff.
ALTER TABLE clients ADD COLUMN opted_out_at BIGINT;
ALTER TABLE clients ADD COLUMN opted_out_by TEXT;

-- When the client first opened a portal link, for the communication history.
ALTER TABLE portal_invitations ADD COLUMN opened_at BIGINT;

-- RFC 8058's one-click unsubscribe address of a queued message; it carries a
-- token, so it is dropped once the message has left, like `secret`.
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;

-- Co-signed forms (§7): a submitted form whose definition asks for it waits
-- for someone with *can sign forms*; who signed, when, and the drawn
-- signature (a PNG data URL) are kept with it.
ALTER TABLE client_forms ADD COLUMN needs_cosign BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE client_forms ADD COLUMN cosigned_by TEXT REFERENCES accounts(id) ON DELETE SET NULL;
ALTER TABLE client_forms ADD COLUMN cosigned_by_name TEXT;
ALTER TABLE client_forms ADD COLUMN cosigned_at BIGINT;
ALTER TABLE client_forms ADD COLUMN cosignature TEXT;
CREATE INDEX client_forms_to_sign ON client_forms(practice_id, submitted_at) WHERE needs_cosign AND cosigned_at IS NULL;
