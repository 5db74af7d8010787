//! The library's one tokio runtime, and `run`: how every async export
//! executes a core call.
//!
//! Sizing (capped, so a host app's thread budget is predictable):
//! [`WORKER_THREADS`] async workers, at most [`MAX_BLOCKING_THREADS`]
//! blocking threads (SQLite, Argon2) and [`STACK_SIZE`] bytes of stack per
//! thread.
//!
//! Exports are plain `async fn`s *without* uniffi's `async_runtime =
//! "tokio"`: that option wraps each future in `async-compat`, which on a
//! foreign thread (no tokio context) starts a second, current-thread tokio
//! runtime of its own. Instead each call is spawned here and its
//! `JoinHandle` — which any executor can poll — is awaited by the foreign
//! side, so there is exactly one runtime. A panic inside a call ends as a
//! `JoinError` and becomes [`WalletFfiError::Internal`].

use std::future::Future;
use std::sync::OnceLock;

use imwallet_core::WalletError;
use imwallet_core::api::request_id;
use imwallet_core::wallet::Locale;

use crate::errors::WalletFfiError;

/// Async worker threads.
pub const WORKER_THREADS: usize = 2;
/// Upper bound of the blocking pool.
pub const MAX_BLOCKING_THREADS: usize = 8;
/// Stack size of every runtime thread (bytes).
pub const STACK_SIZE: usize = 1024 * 1024;

static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();

/// The runtime, started on first use.
pub(crate) fn runtime() -> Result<&'static tokio::runtime::Runtime, WalletError> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(WORKER_THREADS)
                .max_blocking_threads(MAX_BLOCKING_THREADS)
                .thread_stack_size(STACK_SIZE)
                .thread_name("imwallet-rt")
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the runtime ({})", e.kind()))
        })
        .as_ref()
        .map_err(|message| WalletError::Internal {
            message: message.clone(),
        })
}

/// Runs a core call on the runtime and converts its error, with the
/// server's request id, into the FFI error in `locale`.
pub(crate) async fn run<T, F>(locale: Locale, call: F) -> Result<T, WalletFfiError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, WalletError>> + Send + 'static,
{
    let runtime = runtime().map_err(|e| WalletFfiError::from_core(&e, locale, None))?;
    match runtime.spawn(request_id::capture(call)).await {
        Ok((Ok(value), _)) => Ok(value),
        Ok((Err(error), request_id)) => Err(WalletFfiError::from_core(&error, locale, request_id)),
        Err(_) => Err(WalletFfiError::from_core(
            &WalletError::Internal {
                message: "the call panicked".into(),
            },
            locale,
            None,
        )),
    }
}

/// Converts a synchronous core result.
pub(crate) fn sync<T>(locale: Locale, result: Result<T, WalletError>) -> Result<T, WalletFfiError> {
    result.map_err(|e| WalletFfiError::from_core(&e, locale, None))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_call_is_an_internal_error_and_the_runtime_survives() {
        let err = block_on(run(Locale::En, async {
            if true {
                panic!("boom");
            }
            Ok::<u32, WalletError>(0)
        }))
        .unwrap_err();
        assert_eq!(err.info().code, "internal");
        let ok = block_on(run(Locale::En, async { Ok::<_, WalletError>(5) })).unwrap();
        assert_eq!(ok, 5);
    }

    /// Polls a future to completion on this (non-tokio) thread, as a
    /// foreign executor would.
    fn block_on<F: Future>(future: F) -> F::Output {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
                return v;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}
