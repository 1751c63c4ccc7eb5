-- The desk's device id and per-device sequence number of an outbox replay, kept with the
-- stored outcome: support can list what one desk sent and in which order, and a replay
-- claiming another number than its first send is refused. NULL for requests that are not
-- outbox replays (claim, reveal, admin screens). No index: mutations stay one insert, and
-- the per-device listing is a rare support query.
ALTER TABLE idempotency_records ADD COLUMN device_id TEXT;
ALTER TABLE idempotency_records ADD COLUMN device_seq INTEGER;
