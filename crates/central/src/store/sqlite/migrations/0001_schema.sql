-- The whole portal + desk schema, first version. Times are INTEGER unix milliseconds (UTC):
-- sortable, compact and free of format drift; the API renders them as RFC 3339.
-- Columns are never dropped or repurposed in a routine release (an older binary may open
-- a newer file); later migrations only add.

-- ---- insurers (健康保険組合) -------------------------------------------------------
CREATE TABLE insurers (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    service_enabled  INTEGER NOT NULL DEFAULT 1,   -- the union has KenCoM at all
    sender_postal_code TEXT  NOT NULL,             -- printed as the postcard's sender
    sender_address   TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);
-- One union may hold several insurer numbers: its own (06…) and the 特例退職 one
-- (63…, 72–75…); a member may register with the card from before or after retirement.
CREATE TABLE insurer_numbers (
    number      TEXT PRIMARY KEY,
    insurer_id  INTEGER NOT NULL REFERENCES insurers(id),
    kind        TEXT    NOT NULL CHECK (kind IN ('primary', 'special_retiree'))
);
CREATE INDEX insurer_numbers_insurer ON insurer_numbers(insurer_id);
CREATE TABLE maintenance_windows (
    id          INTEGER PRIMARY KEY,
    insurer_id  INTEGER NOT NULL REFERENCES insurers(id),
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX maintenance_windows_insurer ON maintenance_windows(insurer_id, ends_at);
CREATE TABLE ip_whitelist (
    id          INTEGER PRIMARY KEY,
    insurer_id  INTEGER NOT NULL REFERENCES insurers(id),
    ip          TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

-- ---- roster (名簿) ---------------------------------------------------------------
CREATE TABLE roster_members (
    id                   INTEGER PRIMARY KEY,
    insurer_id           INTEGER NOT NULL REFERENCES insurers(id),
    insurer_number       TEXT    NOT NULL,
    card_symbol          TEXT    NOT NULL,   -- may be empty, may hold kanji
    card_number          TEXT    NOT NULL,   -- as printed, leading zeros kept
    card_number_key      TEXT    NOT NULL,   -- last 7 characters: what members type
    branch               TEXT    NOT NULL DEFAULT '',
    name_kanji           TEXT    NOT NULL,
    name_kana            TEXT    NOT NULL,   -- as the union registered it
    kana_key             TEXT    NOT NULL,   -- domain matching key (folds applied)
    birth_date           TEXT    NOT NULL,   -- YYYY-MM-DD (a plain date, no zone)
    sex                  TEXT    NOT NULL DEFAULT '',
    relation             TEXT    NOT NULL CHECK (relation IN ('insured', 'dependent')),
    voluntary_continuation INTEGER NOT NULL DEFAULT 0,  -- 任意継続
    special_retiree      INTEGER NOT NULL DEFAULT 0,    -- 特例退職
    qualified_on         TEXT    NOT NULL,
    disqualified_on      TEXT,
    synced_at            INTEGER,            -- NULL: uploaded but not yet on the portal
    postal_code          TEXT    NOT NULL,
    address              TEXT    NOT NULL,
    created_at           INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER))
);
CREATE INDEX roster_card ON roster_members(insurer_number, card_number_key);
CREATE INDEX roster_insurer ON roster_members(insurer_id);
CREATE INDEX roster_birth ON roster_members(birth_date);
-- Prefix search for kana input of 1–2 characters (trigram cannot match those).
CREATE INDEX roster_kana_prefix ON roster_members(kana_key, birth_date);
-- Substring search for ≥3 characters. External-content table: the key lives once.
CREATE VIRTUAL TABLE roster_kana_fts USING fts5(
    kana_key, content='roster_members', content_rowid='id', tokenize='trigram'
);
CREATE TRIGGER roster_fts_ai AFTER INSERT ON roster_members BEGIN
    INSERT INTO roster_kana_fts(rowid, kana_key) VALUES (new.id, new.kana_key);
END;
CREATE TRIGGER roster_fts_ad AFTER DELETE ON roster_members BEGIN
    INSERT INTO roster_kana_fts(roster_kana_fts, rowid, kana_key) VALUES ('delete', old.id, old.kana_key);
END;
CREATE TRIGGER roster_fts_au AFTER UPDATE OF kana_key ON roster_members BEGIN
    INSERT INTO roster_kana_fts(roster_kana_fts, rowid, kana_key) VALUES ('delete', old.id, old.kana_key);
    INSERT INTO roster_kana_fts(rowid, kana_key) VALUES (new.id, new.kana_key);
END;

-- ---- member accounts ------------------------------------------------------------
-- state: provisional (mail sent) → email_confirmed (link used) → eligibility_checked
-- (card matched, awaiting 登録を完了する) → active; locked is orthogonal (locked_until).
CREATE TABLE accounts (
    id                 INTEGER PRIMARY KEY,
    email              TEXT    NOT NULL UNIQUE,  -- exactly as typed: login IDs are case-sensitive
    email_key          TEXT    NOT NULL,         -- case/width-folded, for operator search
    password_hash      TEXT    NOT NULL,
    invitation_code    TEXT,
    state              TEXT    NOT NULL CHECK (state IN ('provisional','email_confirmed','eligibility_checked','active')),
    pending_member_id  INTEGER REFERENCES roster_members(id),
    roster_member_id   INTEGER UNIQUE REFERENCES roster_members(id),  -- once per person
    consented_at       INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    activated_at       INTEGER,
    failed_logins      INTEGER NOT NULL DEFAULT 0,
    locked_until       INTEGER
);
CREATE INDEX accounts_email_key ON accounts(email_key);
CREATE TABLE activation_tokens (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts(id),
    token_hash    TEXT    NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    invalidated_at INTEGER,     -- set when a resend supersedes it
    used_at       INTEGER
);
CREATE INDEX activation_tokens_account ON activation_tokens(account_id);
CREATE TABLE member_sessions (
    token_hash  TEXT PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE TABLE mail_outbox (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER REFERENCES accounts(id),
    kind        TEXT    NOT NULL,
    to_addr     TEXT    NOT NULL,
    from_addr   TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    activation_token_id INTEGER REFERENCES activation_tokens(id),
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
);
CREATE INDEX mail_outbox_account ON mail_outbox(account_id);
-- Every eligibility check attempt, raw and normalised, with why it failed.
CREATE TABLE eligibility_attempts (
    id                 INTEGER PRIMARY KEY,
    account_id         INTEGER NOT NULL REFERENCES accounts(id),
    at                 INTEGER NOT NULL,
    raw_symbol         TEXT NOT NULL,
    raw_number         TEXT NOT NULL,
    raw_insurer_number TEXT NOT NULL,
    raw_name           TEXT NOT NULL,
    raw_birth_date     TEXT NOT NULL,
    number_key         TEXT NOT NULL,
    insurer_number     TEXT NOT NULL,
    name_key           TEXT NOT NULL,
    birth_date         TEXT,
    outcome            TEXT NOT NULL,      -- 'ok' or a failure reason code
    roster_member_id   INTEGER REFERENCES roster_members(id),
    detail             TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX eligibility_attempts_account ON eligibility_attempts(account_id, at);
CREATE INDEX eligibility_attempts_member ON eligibility_attempts(roster_member_id);
-- Diagnosis finds a member's failed attempts by what was typed, not by who typed it.
CREATE INDEX eligibility_attempts_number ON eligibility_attempts(number_key);
CREATE INDEX eligibility_attempts_name ON eligibility_attempts(name_key, birth_date);

-- ---- login / CAPTCHA ------------------------------------------------------------
CREATE TABLE login_attempts (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    ip          TEXT    NOT NULL,
    account_id  INTEGER REFERENCES accounts(id),
    client      TEXT    NOT NULL,          -- browser | app
    captcha_level INTEGER NOT NULL,
    outcome     TEXT    NOT NULL           -- ok | bad_password | captcha_required | locked | unknown_account
);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);
CREATE INDEX login_attempts_account ON login_attempts(account_id, at);
CREATE TABLE captcha_challenges (
    id          TEXT PRIMARY KEY,
    level       INTEGER NOT NULL,
    answer_hash TEXT    NOT NULL,
    ip          TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    used_at     INTEGER
);

-- ---- checkup codes / secret question -------------------------------------------
CREATE TABLE checkup_codes (
    id                INTEGER PRIMARY KEY,
    roster_member_id  INTEGER NOT NULL REFERENCES roster_members(id),
    code_hash         TEXT    NOT NULL UNIQUE,   -- keyed hash only; never the code
    origin            TEXT    NOT NULL CHECK (origin IN ('initial','reissue')),
    created_at        INTEGER NOT NULL,
    revoked_at        INTEGER,
    used_at           INTEGER
);
CREATE INDEX checkup_codes_member ON checkup_codes(roster_member_id);
CREATE TABLE checkup_verifications (
    token_hash   TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    code_id      INTEGER NOT NULL REFERENCES checkup_codes(id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);
CREATE TABLE secret_questions (
    account_id   INTEGER PRIMARY KEY REFERENCES accounts(id),
    question     TEXT    NOT NULL,
    custom       INTEGER NOT NULL,
    answer_hash  TEXT    NOT NULL,            -- argon2id; answers are case-sensitive
    set_at       INTEGER NOT NULL
);

-- ---- inquiries / cases ----------------------------------------------------------
CREATE TABLE inquiries (
    id             INTEGER PRIMARY KEY,
    received_at    INTEGER NOT NULL,
    name_kana      TEXT NOT NULL,
    email          TEXT NOT NULL,
    insurer_name   TEXT NOT NULL,
    birth_date_raw TEXT NOT NULL,
    birth_date     TEXT,
    inquiry_type   TEXT NOT NULL,
    body           TEXT NOT NULL,
    app_version    TEXT NOT NULL DEFAULT '',
    device_name    TEXT NOT NULL DEFAULT '',
    os_version     TEXT NOT NULL DEFAULT '',
    sp_browser     TEXT NOT NULL DEFAULT '',
    consented      INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','claimed','closed'))
);
CREATE INDEX inquiries_status ON inquiries(status, received_at);
CREATE TABLE cases (
    id                INTEGER PRIMARY KEY,
    inquiry_id        INTEGER NOT NULL UNIQUE REFERENCES inquiries(id),
    claimed_by        INTEGER NOT NULL REFERENCES operators(id),
    roster_member_id  INTEGER REFERENCES roster_members(id),
    status            TEXT NOT NULL CHECK (status IN ('open','waiting','closed')),
    resolution        TEXT,
    created_at        INTEGER NOT NULL,
    closed_at         INTEGER
);
CREATE TABLE case_notes (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    operator_id  INTEGER NOT NULL REFERENCES operators(id),
    at           INTEGER NOT NULL,
    body         TEXT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes(case_id);
CREATE TABLE identity_verifications (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER NOT NULL REFERENCES cases(id),
    operator_id       INTEGER NOT NULL REFERENCES operators(id),
    roster_member_id  INTEGER NOT NULL REFERENCES roster_members(id),
    at                INTEGER NOT NULL,
    factors           TEXT NOT NULL,      -- JSON [{factor, matched}]
    passed            INTEGER NOT NULL
);
CREATE INDEX identity_verifications_case ON identity_verifications(case_id, at);

-- ---- reissue / postcards / print runs -------------------------------------------
CREATE TABLE print_runs (
    id           INTEGER PRIMARY KEY,
    insurer_id   INTEGER NOT NULL REFERENCES insurers(id),
    created_by   INTEGER NOT NULL REFERENCES operators(id),
    created_at   INTEGER NOT NULL,
    fetched_at   INTEGER,       -- postcard data (with codes) handed out: only once
    printed_at   INTEGER,
    mailed_at    INTEGER
);
CREATE TABLE postcards (
    id                INTEGER PRIMARY KEY,
    insurer_id        INTEGER NOT NULL REFERENCES insurers(id),
    roster_member_id  INTEGER NOT NULL REFERENCES roster_members(id),
    checkup_code_id   INTEGER NOT NULL REFERENCES checkup_codes(id),
    -- The code in clear, kept only until the print run's data is fetched, then NULLed:
    -- the one place a code is ever returned.
    code_clear        TEXT,
    print_run_id      INTEGER REFERENCES print_runs(id),
    created_at        INTEGER NOT NULL
);
CREATE INDEX postcards_pending ON postcards(insurer_id, print_run_id);
CREATE TABLE reissue_requests (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER NOT NULL REFERENCES cases(id),
    operator_id       INTEGER NOT NULL REFERENCES operators(id),
    roster_member_id  INTEGER NOT NULL REFERENCES roster_members(id),
    old_code_id       INTEGER REFERENCES checkup_codes(id),
    new_code_id       INTEGER NOT NULL REFERENCES checkup_codes(id),
    postcard_id       INTEGER NOT NULL REFERENCES postcards(id),
    at                INTEGER NOT NULL
);
CREATE INDEX reissue_requests_member ON reissue_requests(roster_member_id);

-- ---- operators / sessions --------------------------------------------------------
CREATE TABLE operators (
    id             INTEGER PRIMARY KEY,
    login_id       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('agent','supervisor','insurer_admin')),
    insurer_id     INTEGER REFERENCES insurers(id),
    password_hash  TEXT NOT NULL,
    totp_secret    TEXT NOT NULL,        -- base32; see docs: encrypt at rest before production
    created_at     INTEGER NOT NULL,
    CHECK ((role = 'insurer_admin') = (insurer_id IS NOT NULL))
);
CREATE TABLE operator_sessions (
    id                  INTEGER PRIMARY KEY,
    operator_id         INTEGER NOT NULL REFERENCES operators(id),
    family              TEXT NOT NULL,     -- one login; a reused refresh token revokes it all
    access_hash         TEXT NOT NULL UNIQUE,
    access_expires_at   INTEGER NOT NULL,
    refresh_hash        TEXT NOT NULL UNIQUE,
    refresh_expires_at  INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    rotated_at          INTEGER,           -- refresh token spent
    revoked_at          INTEGER
);
CREATE INDEX operator_sessions_operator ON operator_sessions(operator_id);
CREATE INDEX operator_sessions_family ON operator_sessions(family);

-- ---- idempotency ----------------------------------------------------------------
CREATE TABLE idempotency_records (
    operator_id   INTEGER NOT NULL,
    key           TEXT    NOT NULL,
    route         TEXT    NOT NULL,
    body_hash     TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    response      TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (operator_id, key)
);
CREATE INDEX idempotency_created ON idempotency_records(created_at);

-- ---- audit log: append-only, hash-chained ---------------------------------------
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    operator_id  INTEGER,
    action       TEXT    NOT NULL,
    member_id    INTEGER,
    case_id      INTEGER,
    insurer_id   INTEGER,
    detail       TEXT    NOT NULL,
    prev_hash    TEXT    NOT NULL,
    hash         TEXT    NOT NULL
);
CREATE INDEX audit_member ON audit_log(member_id);
CREATE INDEX audit_operator ON audit_log(operator_id, at);
-- The database refuses edits; the hash chain catches whoever bypasses this.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
