//! What a request handler works on: the snapshot of the document's root,
//! once its first scan is done.

use std::path::PathBuf;
use std::time::Duration;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::analysis::target;
use crate::index::Snapshot;
use crate::line_index::ColumnUnit;
use crate::lsp::convert;
use crate::lsp::server::Backend;

/// What a request handler works on: an immutable snapshot of the root
/// holding the document, the document's workspace path and the cursor as a
/// byte offset.
pub struct Query {
    pub snapshot: Snapshot,
    pub root: PathBuf,
    pub path: String,
    pub offset: u32,
    pub unit: ColumnUnit,
}

impl Query {
    /// The LSP locations of the selections of `locations` (files that are
    /// not lowered, such as CSVs, only have their start), the URI of a
    /// file computed once for its run of consecutive locations (references
    /// come sorted by path).
    pub fn locations(&self, locations: &[target::Location]) -> Vec<Location> {
        let mut out: Vec<Location> = Vec::with_capacity(locations.len());
        let mut last: Option<(&str, Uri)> = None;
        for l in locations {
            let uri = match &last {
                Some((path, uri)) if *path == l.path => uri.clone(),
                _ => match convert::uri(&self.root, &l.path) {
                    Some(uri) => {
                        last = Some((&l.path, uri.clone()));
                        uri
                    }
                    None => continue,
                },
            };
            out.push(Location::new(uri, self.range(&l.path, &l.selection)));
        }
        out
    }

    /// An LSP range for a byte range of a workspace file.
    pub fn range(&self, path: &str, range: &std::ops::Range<u32>) -> Range {
        match self.snapshot.files.get(path) {
            Some(file) => convert::range(file, range, self.unit),
            None => Range::default(),
        }
    }
}

impl Backend {
    /// Runs `f` on a snapshot for the document at `uri` off the async
    /// runtime, once the first scan of its root is done (see
    /// [`Backend::query_at`]); `Ok(None)` when the document is in no root.
    /// A panic in `f` (a bug; its message goes to the log) answers an
    /// internal error rather than an empty result that looks like "nothing
    /// here".
    pub(in crate::lsp) async fn query<T: Send + 'static>(
        &self,
        uri: &Uri,
        position: Position,
        f: impl FnOnce(&Query) -> T + Send + 'static,
    ) -> Result<Option<T>> {
        let Some(query) = self.query_at(uri, position).await? else {
            return Ok(None);
        };
        match tokio::task::spawn_blocking(move || f(&query)).await {
            Ok(answer) => Ok(Some(answer)),
            Err(_) => {
                let mut error = Error::internal_error();
                error.message = "the request's handler failed (see the server's log)".into();
                Err(error)
            }
        }
    }

    /// The snapshot query for the document at `uri`, as [`Backend::query`]
    /// takes it; for lookups cheap enough (tens of microseconds) to answer
    /// in place rather than pay two thread switches. Waits for the first
    /// scan of the document's root (at most [`FIRST_SCAN_WAIT`]; a
    /// `$/cancelRequest` drops the wait): an index still being built would
    /// give confidently wrong answers ("not defined"). Errors when the
    /// wait times out.
    pub(in crate::lsp) async fn query_at(
        &self,
        uri: &Uri,
        position: Position,
    ) -> Result<Option<Query>> {
        let scanned = {
            let session = self.lock();
            let Some((index, _)) = session.locate(uri) else {
                return Ok(None);
            };
            session.workspaces[index].scanned.subscribe()
        };
        wait_for_first_scan(scanned).await?;
        let (snapshot, root, path, unit) = {
            let session = self.lock();
            let Some((index, path)) = session.locate(uri) else {
                return Ok(None);
            };
            let workspace = &session.workspaces[index];
            (
                workspace.snapshot.clone(),
                workspace.root.clone(),
                path,
                session.unit,
            )
        };
        // Outside the lock: a closed file's text may be read from disk.
        let Some(file) = snapshot.files.get(path.as_str()) else {
            return Ok(None);
        };
        let offset = convert::offset(&file.line_index, &file.text(), position, unit);
        Ok(Some(Query {
            snapshot,
            root,
            path,
            offset,
            unit,
        }))
    }
}

/// How long a request waits for the first scan of its root before it
/// fails (a 30,000-thread workspace is ready in about 5 s).
pub(in crate::lsp) const FIRST_SCAN_WAIT: Duration = Duration::from_secs(60);

/// Waits until `scanned` says the first scan is done; a `RequestFailed`
/// error (-32803) after [`FIRST_SCAN_WAIT`] or when the root went away.
pub(in crate::lsp) async fn wait_for_first_scan(
    mut scanned: tokio::sync::watch::Receiver<bool>,
) -> Result<()> {
    let failed = |message: &str| tower_lsp_server::jsonrpc::Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
        message: message.to_string().into(),
        data: None,
    };
    match tokio::time::timeout(FIRST_SCAN_WAIT, scanned.wait_for(|done| *done)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(_)) => Err(failed("leanos: the workspace folder was removed")),
        Err(_) => Err(failed(
            "leanos: the workspace is still being indexed; try again",
        )),
    }
}
