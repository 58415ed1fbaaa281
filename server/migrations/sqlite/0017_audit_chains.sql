-- One hash chain per practice, and one for install-wide events ('install'),
-- so audited writes of different practices never wait for one another.
-- Events written before this migration are the start of the install chain:
-- their place in it (chain_seq) is their old sequence number, which their
-- hashes already cover. `seq` stays the order of all events, now assigned by
-- the database (INTEGER PRIMARY KEY: the row id).
CREATE TABLE audit_events_chained (
    seq INTEGER PRIMARY KEY,
    chain TEXT NOT NULL,
    chain_seq BIGINT NOT NULL,
    practice_id TEXT,
    actor_id TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    at BIGINT NOT NULL,
    ip TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (chain, chain_seq)
);
INSERT INTO audit_events_chained
    (seq, chain, chain_seq, practice_id, actor_id, action, target, before_json, after_json, at, ip, prev_hash, hash)
SELECT seq, 'install', seq, practice_id, actor_id, action, target, before_json, after_json, at, ip, prev_hash, hash
FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_chained RENAME TO audit_events;
CREATE INDEX audit_events_practice ON audit_events(practice_id, seq);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

-- Each chain's head: where it ends, rewritten by each append to it.
CREATE TABLE audit_chains (
    chain TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_chains (chain, seq, hash) SELECT 'install', seq, hash FROM audit_head;
DROP TABLE audit_head;
