-- One hash chain per practice, and one for install-wide events ('install'),
-- so audited writes of different practices never wait for one another (one
-- head row for all serialised them). Events written before this migration
-- are the start of the install chain: their place in it (chain_seq) is their
-- old sequence number, which their hashes already cover. `seq` stays the
-- order of all events, now drawn from a sequence (which takes no lock).
ALTER TABLE audit_events ADD COLUMN chain TEXT NOT NULL DEFAULT 'install';
ALTER TABLE audit_events ADD COLUMN chain_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
UPDATE audit_events SET chain_seq = seq;
ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
ALTER TABLE audit_events ALTER COLUMN chain DROP DEFAULT;
ALTER TABLE audit_events ALTER COLUMN chain_seq DROP DEFAULT;
CREATE UNIQUE INDEX audit_events_chain ON audit_events(chain, chain_seq);

CREATE SEQUENCE audit_events_seq OWNED BY audit_events.seq;
SELECT setval('audit_events_seq', COALESCE((SELECT MAX(seq) FROM audit_events), 0) + 1, false);
ALTER TABLE audit_events ALTER COLUMN seq SET DEFAULT nextval('audit_events_seq');

-- Each chain's head: where it ends, rewritten by each append to it.
CREATE TABLE audit_chains (
    chain TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_chains (chain, seq, hash) SELECT 'install', seq, hash FROM audit_head;
DROP TABLE audit_head;
