//! The server's request id of the last error response within one call, so
//! the error catalog can show it (support quotes it to find the request).
//!
//! The wallet API may name each request in an `X-Request-Id` response
//! header (the sandbox does). A caller that wants it runs its future inside
//! [`capture`]; the client records the id of every non-success response and
//! clears it when an attempt got no response at all, so a network failure
//! never carries a stale id. Outside [`capture`] recording is a no-op.

use std::cell::RefCell;
use std::future::Future;

/// The response header that carries the request id.
pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static LAST: RefCell<Option<String>>;
}

/// Runs `future` and returns its output with the request id of the last
/// error response it saw (if any).
pub async fn capture<F: Future>(future: F) -> (F::Output, Option<String>) {
    LAST.scope(RefCell::new(None), async move {
        let output = future.await;
        let id = LAST.with(|slot| slot.borrow_mut().take());
        (output, id)
    })
    .await
}

/// Records the id of an error response (or clears it with `None`).
pub(crate) fn record(id: Option<&str>) {
    // Ids are short opaque tokens; anything longer or non-printable is
    // not an id and is dropped rather than shown to a user.
    let id = id.filter(|v| v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()));
    let _ = LAST.try_with(|slot| *slot.borrow_mut() = id.map(str::to_owned));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn capture_returns_the_last_recorded_id() {
        let (out, id) = capture(async {
            record(Some("req-1"));
            record(Some("req-2"));
            7
        })
        .await;
        assert_eq!((out, id.as_deref()), (7, Some("req-2")));
        let ((), id) = capture(async {
            record(Some("req-1"));
            record(None);
        })
        .await;
        assert_eq!(id, None);
        let ((), id) = capture(async { record(Some("bad id with spaces")) }).await;
        assert_eq!(id, None);
    }

    #[test]
    fn recording_outside_capture_is_harmless() {
        record(Some("req-1"));
    }
}
