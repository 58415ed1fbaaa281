-- Groups of practices (product.md §2 Group, §4 Multi-location). A practice
-- is in one group at most; it joins only when its Owner accepts the group's
-- invitation. Group admins are the group's owner and people they name.
CREATE TABLE practice_groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE group_admins (
    group_id TEXT NOT NULL REFERENCES practice_groups(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    owner BOOLEAN NOT NULL DEFAULT FALSE,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, account_id)
);

ALTER TABLE practices ADD COLUMN group_id TEXT REFERENCES practice_groups(id);
CREATE INDEX practices_group ON practices(group_id);

CREATE TABLE group_invitations (
    group_id TEXT NOT NULL REFERENCES practice_groups(id) ON DELETE CASCADE,
    practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    invited_by TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, practice_id)
);
CREATE INDEX group_invitations_practice ON group_invitations(practice_id);

-- A membership a group admin granted ("allow login to other practices"):
-- the group, and the practice the person was granted from. Leaving the group
-- removes what it granted, in either direction.
ALTER TABLE memberships ADD COLUMN via_group TEXT REFERENCES practice_groups(id);
ALTER TABLE memberships ADD COLUMN granted_from TEXT REFERENCES practices(id) ON DELETE CASCADE;
