//! Roster file reading (CSV UTF-8 / Shift_JIS, fixed width), validation and diff.
