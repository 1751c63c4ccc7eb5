-- Unions that let the help desk print a reissue postcard right after the call
-- (desk_prints_postcards = 1) keep that postcard out of their print runs: it is printed
-- at the desk, which fetches its data (with the code) until it reports it printed; then
-- the clear code is wiped like a fetched run's.
ALTER TABLE insurers ADD COLUMN desk_prints_postcards INTEGER NOT NULL DEFAULT 0;
ALTER TABLE postcards ADD COLUMN desk_print INTEGER NOT NULL DEFAULT 0;
ALTER TABLE postcards ADD COLUMN printed_at INTEGER;
