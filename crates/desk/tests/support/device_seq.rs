//! The server's side of the per-device sequence numbers: what it recorded for this desk's
//! device must be exactly the desk's queued actions, each once, with the number it was
//! queued with, first acted on in strictly increasing order.
use super::Central;
use kencom_desk_core::Desk;

/// Check the records for `desk`'s device against its queued actions on `cases` (all sent);
/// returns how many actions the server recorded for the device.
pub async fn assert_server_saw_device_sequence(
    central: &Central,
    desk: &Desk,
    cases: &[i64],
) -> usize {
    let device = desk.device_id().expect("a signed-in desk has a device id");
    let records: Vec<(String, i64)> = central
        .state
        .store
        .read(move |tx| Ok(tx.idempotency_by_device(&device)?))
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.key, r.device_seq))
        .collect();
    for pair in records.windows(2) {
        assert!(
            pair[0].1 < pair[1].1,
            "the server acted on device numbers out of order: {pair:?}"
        );
    }
    let mut queued: Vec<(String, i64)> = cases
        .iter()
        .flat_map(|c| desk.queued_stamps(*c).unwrap())
        .collect();
    queued.sort_by_key(|(_, seq)| *seq);
    assert_eq!(
        records, queued,
        "each queued action recorded once by the server, under its own device number"
    );
    records.len()
}
