-- A sign-up no longer carries a password: the person who opens the emailed
-- link chooses it, so signing up with someone else's address gains nothing;
-- links already sent keep working and ask for a password when opened.
ALTER TABLE pending_signups DROP COLUMN password_hash;

-- The bearer secret an email's link carries, kept only until the message is
-- delivered; then it is removed from the stored body too.
ALTER TABLE outbox ADD COLUMN secret TEXT;

-- A practice's invitation mail of the last 24 hours, counted against its daily quota.
CREATE INDEX outbox_practice_created ON outbox(practice_id, created_at);
