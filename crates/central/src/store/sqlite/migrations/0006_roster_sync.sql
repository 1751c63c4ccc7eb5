-- Roster sync (名簿連携): chunked uploads of a parsed roster, and the history of applied ones.
-- 続柄 is kept so a re-sent roster diffs as unchanged (the desk's diff compares it).
ALTER TABLE roster_members ADD COLUMN relation_name TEXT NOT NULL DEFAULT '';
-- The roster key (保険者番号 + 記号 + 番号 + 枝番) within an insurer: apply looks members up
-- by it. Not UNIQUE: rows seeded before this migration are not guaranteed distinct.
CREATE INDEX roster_key ON roster_members(insurer_id, insurer_number, card_symbol, card_number, branch);

CREATE TABLE roster_syncs (
    id             INTEGER PRIMARY KEY,
    insurer_id     INTEGER NOT NULL REFERENCES insurers(id),
    upload_id      INTEGER NOT NULL UNIQUE,      -- one sync per upload: apply happens once
    operator_id    INTEGER NOT NULL REFERENCES operators(id),
    applied_at     INTEGER NOT NULL,
    file_name      TEXT    NOT NULL,
    total_rows     INTEGER NOT NULL,
    rejected_rows  INTEGER NOT NULL,
    added          INTEGER NOT NULL,
    changed        INTEGER NOT NULL,
    lost           INTEGER NOT NULL,
    unchanged      INTEGER NOT NULL,
    duplicates     INTEGER NOT NULL,
    roster_size    INTEGER NOT NULL              -- qualified members right after it
);
CREATE INDEX roster_syncs_insurer ON roster_syncs(insurer_id, applied_at);

CREATE TABLE roster_uploads (
    id            INTEGER PRIMARY KEY,
    insurer_id    INTEGER NOT NULL REFERENCES insurers(id),
    operator_id   INTEGER NOT NULL REFERENCES operators(id),
    file_name     TEXT    NOT NULL,
    encoding      TEXT    NOT NULL,
    total_rows    INTEGER NOT NULL,
    content_hash  TEXT    NOT NULL,
    full_roster   INTEGER NOT NULL,
    rejected      TEXT    NOT NULL DEFAULT '[]',   -- JSON [{code, count}] from the desk's validator
    created_at    INTEGER NOT NULL,
    applied_at    INTEGER,
    sync_id       INTEGER REFERENCES roster_syncs(id)
);
-- Re-announcing the same file resumes its unfinished upload instead of starting another.
CREATE UNIQUE INDEX roster_uploads_open ON roster_uploads(insurer_id, content_hash) WHERE applied_at IS NULL;
CREATE INDEX roster_uploads_insurer ON roster_uploads(insurer_id, applied_at);

-- Chunks hold the rows as the canonical JSON the server re-serialised after validating them;
-- they are deleted when the upload is applied (the roster itself then holds the data).
-- A rowid table on purpose: WITHOUT ROWID stores whole rows in the key's B-tree, which
-- SQLite advises against for rows this large (a chunk body is ~0.7 MB).
CREATE TABLE roster_upload_chunks (
    id          INTEGER PRIMARY KEY,
    upload_id   INTEGER NOT NULL REFERENCES roster_uploads(id),
    seq         INTEGER NOT NULL,
    rows        INTEGER NOT NULL,
    body_hash   TEXT    NOT NULL,
    body        BLOB    NOT NULL,
    UNIQUE (upload_id, seq)
);
