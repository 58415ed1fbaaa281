-- The community's settings (product.md §5): how long a member invitation
-- works, and the code of the community join page (shown on a screen in the
-- room; a public code, like the team's join link, not a secret).
ALTER TABLE practices ADD COLUMN community_validity_days BIGINT NOT NULL DEFAULT 7;
ALTER TABLE practices ADD COLUMN community_code TEXT;
CREATE UNIQUE INDEX practices_community_code ON practices(community_code);

-- The offset from UTC of the phone a reading was typed on, in minutes: its
-- time is shown back as the person wrote it.
ALTER TABLE readings ADD COLUMN utc_offset_minutes INTEGER NOT NULL DEFAULT 0;
