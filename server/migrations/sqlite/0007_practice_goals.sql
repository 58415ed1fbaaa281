-- Practice goals and ranges (product.md §2): one target range per kind of
-- reading, in hundredths of the kind's unit (shared::goals::Amount).
CREATE TABLE practice_goals (
    practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    low BIGINT NOT NULL,
    high BIGINT NOT NULL,
    PRIMARY KEY (practice_id, kind),
    CHECK (low < high)
);
