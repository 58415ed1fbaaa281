-- An HTML alternative for messages that have one (portal invitations, whose
-- text a practice writes); the link's secret is removed from it as from the text.
ALTER TABLE outbox ADD COLUMN body_html TEXT;
