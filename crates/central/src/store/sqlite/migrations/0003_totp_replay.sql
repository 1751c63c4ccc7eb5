-- The last TOTP time step an operator signed in with: a code is accepted once, so a
-- code seen over someone's shoulder (or replayed from a log) cannot open a second session.
ALTER TABLE operators ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
