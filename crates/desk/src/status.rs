//! The status bar: who is signed in, whether the central server answers, and what waits
//! in the outbox. Polled by the UI; each poll also nudges the outbox when online.
use crate::cases::pending_view;
use crate::desk::Desk;
use crate::error::DeskError;
use crate::views::DeskStatus;

impl Desk {
    /// Current status; pings the server when signed in.
    pub async fn status(&self) -> Result<DeskStatus, DeskError> {
        let signed_in = self.lock().session.is_some();
        if signed_in {
            let ok = self
                .call(|c, t| async move { c.me(&t).await })
                .await
                .is_ok();
            self.note_contact(ok);
            if ok {
                self.flush().await;
            }
        }
        let inner = self.lock();
        let (waiting, rejected) = match inner.cache.as_ref() {
            Some(c) => {
                let s = c.outbox_status()?;
                (s.waiting, s.rejected.iter().map(pending_view).collect())
            }
            None => (0, Vec::new()),
        };
        Ok(DeskStatus {
            operator: inner.session.as_ref().map(|s| s.operator.clone()),
            online: inner.online,
            waiting,
            rejected,
        })
    }
}
