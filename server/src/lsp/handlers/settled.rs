//! `leanos/settled` (a request for tests and tools): answered once the
//! server has done all the work it was given so far, every pending
//! diagnostic computed and published. Also the [`Busy`] guard that counts
//! the background work it waits for.
//!
//! Without it a client can only wait for a publication it expects, or
//! sleep past the debounce: a model-checking test that compares the server
//! with a fresh one after every step needs to know that nothing more is
//! coming, at once and without sleeping.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};

use crate::lsp::query::FIRST_SCAN_WAIT;
use crate::lsp::server::{Backend, SettledNotification};

/// Background work under way: counted in [`Backend::busy`] from its
/// creation until it is dropped.
pub(in crate::lsp) struct Busy {
    busy: Arc<tokio::sync::watch::Sender<usize>>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.busy.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl Backend {
    /// Counts background work until the guard is dropped. Take it before
    /// the work is handed to another task (or under the session lock, in
    /// the same critical section that takes the work), so that
    /// `leanos/settled` never sees the work neither queued nor counted.
    pub(in crate::lsp) fn busy(&self) -> Busy {
        self.busy.send_modify(|n| *n += 1);
        Busy {
            busy: self.busy.clone(),
        }
    }

    /// Spawns `work` on the runtime, counted as [`Backend::busy`] from now
    /// until it ends.
    pub(in crate::lsp) fn spawn_tracked<F>(&self, work: F) -> tokio::task::JoinHandle<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let busy = self.busy();
        tokio::spawn(async move {
            let _busy = busy;
            work.await;
        })
    }
}

/// How long `leanos/settled` waits before looking again at a root that is
/// not indexed yet and whose scan is not counted (spawned by a handler that
/// does not count it, and not started yet).
const UNREADY_POLL: Duration = Duration::from_millis(1);

/// Waits until every root is ready, no counted work is under way and no
/// diagnostic is pending, publishing pending diagnostics at once (the
/// debounce is for typing, and whoever asks this has stopped); then sends
/// [`SettledNotification`] and answers with the same params.
pub(crate) async fn settled(server: &Backend) -> Result<serde_json::Value> {
    let settle = async {
        loop {
            let mut busy = server.busy.subscribe();
            // The sender lives as long as the server: this cannot fail.
            let _ = busy.wait_for(|n| *n == 0).await;
            let publish = {
                let mut session = server.lock();
                // Work counted under the session lock (a diagnostics pass
                // takes its files and its guard in one critical section) is
                // seen here or has not taken anything yet.
                if *server.busy.borrow() != 0 {
                    continue;
                }
                if session.workspaces.iter().any(|w| !w.ready) {
                    None
                } else if session.workspaces.iter().all(|w| w.pending.is_empty()) {
                    break;
                } else {
                    // A newer generation: the debounced pass still sleeping
                    // finds itself outdated and does nothing.
                    session.generation += 1;
                    Some(session.generation)
                }
            };
            match publish {
                Some(generation) => server.publish(generation).await,
                None => tokio::time::sleep(UNREADY_POLL).await,
            }
        }
    };
    if tokio::time::timeout(FIRST_SCAN_WAIT, settle).await.is_err() {
        return Err(Error {
            code: ErrorCode::ServerError(-32803),
            message: "leanos: the server did not settle (a root is still being indexed)".into(),
            data: None,
        });
    }
    let count = server.settled.fetch_add(1, Ordering::SeqCst) + 1;
    let params = serde_json::json!({ "settled": count });
    server
        .outbox
        .notify::<SettledNotification>(params.clone())
        .await;
    Ok(params)
}
