-- The Add user / Edit user form (product.md §4): what a team member is to
-- this practice. Empty text means "not given"; screen_pop holds '*' or
-- extension numbers separated by commas, as shared::staff::ScreenPop writes it.
ALTER TABLE memberships ADD COLUMN public_name TEXT;
ALTER TABLE memberships ADD COLUMN contact_email TEXT;
ALTER TABLE memberships ADD COLUMN mobile TEXT;
ALTER TABLE memberships ADD COLUMN pms_id TEXT;
ALTER TABLE memberships ADD COLUMN screen_pop TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN position TEXT;

-- At most one default doctor per practice, also when two admins tick it at once.
CREATE UNIQUE INDEX memberships_one_default_doctor ON memberships(practice_id) WHERE default_doctor;

-- Profile photos as the server re-encoded them (JPEG): uploaded bytes are never served.
CREATE TABLE member_photos (
    membership_id TEXT PRIMARY KEY REFERENCES memberships(id) ON DELETE CASCADE,
    jpeg BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);
