-- The roster diff of an upload, computed once and kept until the upload's chunks go.
--
-- roster_generations: a counter per insurer that every write to that insurer's roster rows
-- bumps, by trigger, in the writing transaction itself — so no write path (apply, seed, a
-- future member edit, a hand-run UPDATE) can forget it. A cached diff records the
-- generation it was computed against; a different current generation means the roster
-- moved and the diff is recomputed. A missing row means generation 0 (nothing written
-- since this migration). The bulk load suspends the insert trigger like the FTS one and
-- bumps once at its end.
CREATE TABLE roster_generations (
    insurer_id  INTEGER PRIMARY KEY,
    generation  INTEGER NOT NULL
);
CREATE TRIGGER roster_gen_ai AFTER INSERT ON roster_members BEGIN
    INSERT INTO roster_generations (insurer_id, generation) VALUES (NEW.insurer_id, 1)
        ON CONFLICT (insurer_id) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER roster_gen_au AFTER UPDATE ON roster_members BEGIN
    INSERT INTO roster_generations (insurer_id, generation) VALUES (OLD.insurer_id, 1)
        ON CONFLICT (insurer_id) DO UPDATE SET generation = generation + 1;
    INSERT INTO roster_generations (insurer_id, generation) SELECT NEW.insurer_id, 1
        WHERE NEW.insurer_id <> OLD.insurer_id
        ON CONFLICT (insurer_id) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER roster_gen_ad AFTER DELETE ON roster_members BEGIN
    INSERT INTO roster_generations (insurer_id, generation) VALUES (OLD.insurer_id, 1)
        ON CONFLICT (insurer_id) DO UPDATE SET generation = generation + 1;
END;

-- One computed diff per upload: the generation it saw, when, and the counts.
CREATE TABLE roster_diff_caches (
    upload_id    INTEGER PRIMARY KEY REFERENCES roster_uploads(id),
    generation   INTEGER NOT NULL,
    computed_at  INTEGER NOT NULL,
    added        INTEGER NOT NULL,
    changed      INTEGER NOT NULL,
    lost         INTEGER NOT NULL,
    unchanged    INTEGER NOT NULL,
    duplicates   INTEGER NOT NULL
);

-- The entries, as runs that say where each entry's data lives instead of copying it: no
-- personal data is duplicated here. A run is `len` consecutive entries of one kind: file
-- rows `chunk_row…` of chunk `chunk_seq` (added / unchanged rows read back from the chunk),
-- or a single entry that also names the central member (changed and lost rows recompute
-- their field changes from both; members absent from the file have no chunk). `seq` numbers
-- entries across kinds, `kind_seq` within the kind, so a page is a range seek on either.
CREATE TABLE roster_diff_runs (
    upload_id  INTEGER NOT NULL REFERENCES roster_diff_caches(upload_id),
    seq        INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('added', 'changed', 'lost', 'unchanged')),
    kind_seq   INTEGER NOT NULL,
    len        INTEGER NOT NULL CHECK (len >= 1),
    chunk_seq  INTEGER,
    chunk_row  INTEGER,
    member_id  INTEGER,
    PRIMARY KEY (upload_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX roster_diff_runs_kind ON roster_diff_runs(upload_id, kind, kind_seq);
