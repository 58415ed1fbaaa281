-- When each person last logged in, for the Team page (product.md §4): set by
-- every new session; people who have not logged in since show none.
ALTER TABLE accounts ADD COLUMN last_login_at BIGINT;
