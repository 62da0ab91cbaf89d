//! Publishing diagnostics: debounced per generation, open documents
//! first, computed on snapshots off the async runtime, sent only when they
//! differ from what the client shows; and the `leanos/status` counts.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use tower_lsp_server::ls_types::*;

use crate::analysis::diagnostics::file_diagnostics;
use crate::index::Snapshot;
use crate::line_index::ColumnUnit;
use crate::lsp::convert;
use crate::lsp::moves::RelatedSpan;
use crate::lsp::server::{Backend, StatusNotification, DEBOUNCE};
use crate::lsp::session::Session;

pub(in crate::lsp) type Publication = (Uri, Vec<Diagnostic>, Option<i32>);

/// Publications handed to the client's queue together.
pub(in crate::lsp) const PUBLISH_BATCH: usize = 64;

/// A publish job with at least this many files computes them on every
/// core; smaller ones (what an edit reaches) on one thread.
pub(in crate::lsp) const PARALLEL_FILES: usize = 512;

/// A job computes, applies and sends its files this many at a time, so a
/// scan's tens of thousands of files never hold their converted
/// diagnostics all at once (and the first ones reach the client sooner).
pub(in crate::lsp) const PUBLISH_CHUNK: usize = 4096;

/// A hash of a publication as it goes over the wire: its document version
/// and its diagnostics serialized to JSON (so ranges are compared in the
/// client's encoding, not as byte offsets).
pub(in crate::lsp) fn fingerprint(diagnostics: &[Diagnostic], version: Option<i32>) -> u64 {
    use std::hash::{Hash, Hasher};
    struct HashWriter<'a>(&'a mut std::hash::DefaultHasher);
    impl std::io::Write for HashWriter<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hasher = std::hash::DefaultHasher::new();
    version.hash(&mut hasher);
    // Serializing plain data into a writer that cannot fail cannot fail.
    let _ = serde_json::to_writer(HashWriter(&mut hasher), diagnostics);
    hasher.finish()
}

/// The files `found` (the diagnostics of `path`) point into, with the
/// lines they point at there and the stamp of the open document's text
/// they were computed on (from `stamps`).
fn related_spans(
    snapshot: &Snapshot,
    stamps: &HashMap<String, (u64, i32)>,
    path: &str,
    found: &[crate::analysis::diagnostics::Diagnostic],
) -> BTreeMap<String, RelatedSpan> {
    let mut spans: BTreeMap<String, RelatedSpan> = BTreeMap::new();
    for related in found.iter().flat_map(|d| &d.related) {
        if related.path == path {
            continue;
        }
        let (first, last) = match snapshot.files.get(&related.path) {
            Some(target) => (
                target.line_index.line_of(related.range.start),
                target.line_index.line_of(related.range.end),
            ),
            None => (0, u32::MAX),
        };
        match spans.get_mut(&related.path) {
            Some(span) => span.cover(first, last),
            None => {
                let span = RelatedSpan {
                    stamp: stamps.get(&related.path).copied(),
                    first,
                    last,
                };
                spans.insert(related.path.clone(), span);
            }
        }
    }
    spans
}

/// The files of one root a publish pass computes, with what they are
/// computed against: the snapshot, the open documents' versions and what
/// identifies each open document's text (for related information's spans).
struct Job {
    root: PathBuf,
    snapshot: Snapshot,
    pending: Vec<String>,
    versions: HashMap<String, i32>,
    stamps: HashMap<String, (u64, i32)>,
}

impl Backend {
    /// Schedules a debounced publish of the pending diagnostics.
    pub(in crate::lsp) fn schedule(&self, session: &mut Session) {
        self.schedule_after(session, DEBOUNCE);
    }

    /// Schedules a publish of the pending diagnostics after `delay` (zero
    /// after a scan: nobody is typing into a workspace that was not
    /// loaded), unless another change comes first.
    pub(in crate::lsp) fn schedule_after(&self, session: &mut Session, delay: std::time::Duration) {
        session.generation += 1;
        let generation = session.generation;
        let this = self.clone();
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            this.publish(generation).await;
        });
    }

    pub(in crate::lsp) async fn publish(&self, generation: u64) {
        let (jobs, unit, _busy) = {
            let mut session = self.lock();
            if session.generation != generation {
                return;
            }
            // Counted from the moment the pending files are taken, in the
            // same critical section: `leanos/settled` sees them pending or
            // this pass under way, never neither.
            let busy = self.busy();
            // Open documents first, in a job of their own, so the file
            // being typed in is not kept waiting by the files its edit
            // reaches elsewhere in the workspace.
            let jobs: Vec<(usize, Job)> = session
                .workspaces
                .iter_mut()
                .enumerate()
                .filter(|(_, w)| w.ready && !w.pending.is_empty())
                .flat_map(|(i, w)| {
                    w.passes.insert(generation);
                    let mut pending = std::mem::take(&mut w.pending);
                    // Diagnostics that point into a pending file
                    // (`relatedInformation`) carry its ranges, which may
                    // have moved with its text.
                    let dependents: Vec<String> = pending
                        .iter()
                        .flat_map(|path| w.moved_dependents(path))
                        .collect();
                    pending.extend(dependents);
                    let (open, rest): (Vec<String>, Vec<String>) = pending
                        .into_iter()
                        .partition(|path| w.open.contains_key(path));
                    let versions: HashMap<String, i32> =
                        w.open.iter().map(|(p, d)| (p.clone(), d.version)).collect();
                    // What identifies each open document's text in this
                    // snapshot, for the spans of related information.
                    let stamps: HashMap<String, (u64, i32)> = w
                        .open
                        .iter()
                        .filter(|(p, d)| {
                            w.snapshot.files.get(*p).and_then(|f| f.version) == Some(d.version)
                        })
                        .map(|(p, d)| (p.clone(), d.moves.stamp(d.version)))
                        .collect();
                    [open, rest]
                        .into_iter()
                        .filter(|pending| !pending.is_empty())
                        .map(|pending| {
                            let job = Job {
                                root: w.root.clone(),
                                snapshot: w.snapshot.clone(),
                                pending,
                                versions: versions.clone(),
                                stamps: stamps.clone(),
                            };
                            (i, job)
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            (jobs, session.unit, busy)
        };
        for (_, job) in jobs {
            for chunk in job.pending.chunks(PUBLISH_CHUNK) {
                self.publish_chunk(&job, chunk.to_vec(), generation, unit)
                    .await;
            }
        }
        {
            let mut session = self.lock();
            for workspace in session.workspaces.iter_mut() {
                workspace.passes.remove(&generation);
                if workspace.passes.is_empty() {
                    workspace.applied.clear();
                }
            }
        }
        let counts = {
            let session = self.lock();
            let ready = session.workspaces.iter().filter(|w| w.ready);
            ready.fold((0, 0), |(f, t), w| {
                (f + w.snapshot.files.len(), t + w.snapshot.threads.len())
            })
        };
        self.send_status(counts.0, counts.1).await;
    }

    /// Computes the diagnostics of `pending` (some of `job`'s files) on its
    /// snapshot, applies what is still current to the root's record and
    /// sends what changed for the client.
    async fn publish_chunk(
        &self,
        job: &Job,
        pending: Vec<String>,
        generation: u64,
        unit: ColumnUnit,
    ) {
        let root = job.root.clone();
        let snapshot = job.snapshot.clone();
        let stamps = job.stamps.clone();
        let versions = &job.versions;
        let started = std::time::Instant::now();
        let files = pending.len();
        let job_root = root.clone();
        let computed = tokio::task::spawn_blocking(move || {
            use rayon::prelude::*;
            let root = job_root;
            let one = |path: &String| {
                let file = snapshot.files.get(path);
                let (diagnostics, related) = match file {
                    Some(file) => {
                        let found = file_diagnostics(&snapshot, path);
                        let related = related_spans(&snapshot, &stamps, path, &found);
                        let diagnostics = found
                            .iter()
                            .map(|d| convert::diagnostic(&root, &snapshot, file, d, unit))
                            .collect();
                        (diagnostics, related)
                    }
                    None => (Vec::new(), BTreeMap::new()),
                };
                let version = file.and_then(|f| f.version);
                let fingerprint = fingerprint(&diagnostics, version);
                (path.clone(), diagnostics, version, fingerprint, related)
            };
            // An edit's few files stay on this one thread, leaving the
            // other cores to the next keystroke; a scan's thousands
            // use them all.
            if pending.len() < PARALLEL_FILES {
                pending.iter().map(one).collect::<Vec<_>>()
            } else {
                pending.par_iter().map(one).collect::<Vec<_>>()
            }
        })
        .await;
        let Ok(computed) = computed else {
            tracing::error!("diagnostics task failed");
            return;
        };
        tracing::debug!(files, elapsed = ?started.elapsed(), "diagnostics computed");
        let mut to_send: Vec<(String, Vec<Diagnostic>, Option<i32>)> = Vec::new();
        {
            let mut session = self.lock();
            // Found by its root, not its place: a root removed while
            // this pass computed shifts the others' places, and its
            // results must not land in another root's record.
            let Some(workspace) = session.workspaces.iter_mut().find(|w| w.root == root) else {
                return;
            };
            // Passes overlap (a newer one starts while an older one
            // computes): a result is applied unless a newer pass already
            // applied one for the same file, which the older pass
            // finishing last must not undo.
            let older_running = workspace.passes.range(..generation).next().is_some();
            for (path, diagnostics, version, fingerprint, related) in computed {
                if workspace
                    .applied
                    .get(&path)
                    .is_some_and(|newer| *newer > generation)
                {
                    continue;
                }
                if older_running {
                    workspace.applied.insert(path.clone(), generation);
                }
                // Stale: the document changed after this snapshot was
                // taken (or its lowering is not of its current text);
                // the change queued it for a newer generation. An open
                // document the index does not hold (ignored, or not a
                // source file) has no lowered version: its empty result
                // is current, and clears what it showed before.
                let current = workspace.open.get(&path).map(|d| d.version);
                if current != versions.get(&path).copied()
                    || current.is_some() && version.is_some() && current != version
                {
                    continue;
                }
                workspace.set_related(&path, related);
                if diagnostics.is_empty() {
                    if workspace.published.remove(&path).is_none() {
                        continue;
                    }
                } else if workspace.published.insert(path.clone(), fingerprint) == Some(fingerprint)
                {
                    // The client already shows exactly these.
                    continue;
                }
                to_send.push((path, diagnostics, version));
            }
        }
        // URIs made outside the lock, and only for what is sent: a scan
        // has tens of thousands of files without diagnostics.
        let to_send: Vec<Publication> = to_send
            .into_iter()
            .filter_map(|(path, diagnostics, version)| {
                Some((convert::uri(&root, &path)?, diagnostics, version))
            })
            .collect();
        let sent = to_send.len();
        // Handed over in batches: each send has its own slot in the
        // client's queue, so a batch goes out without a thread switch
        // per message (a scan publishes thousands of files).
        let mut to_send = to_send.into_iter().peekable();
        while to_send.peek().is_some() {
            let batch = to_send
                .by_ref()
                .take(PUBLISH_BATCH)
                .map(|(uri, diagnostics, version)| {
                    self.client.publish_diagnostics(uri, diagnostics, version)
                });
            futures::future::join_all(batch).await;
        }
        tracing::debug!(sent, elapsed = ?started.elapsed(), "diagnostics published");
    }

    /// Sends `leanos/status` `ready` when the counts changed since the last
    /// one. Problems are the files whose published diagnostics are not
    /// empty (pending ones count once published).
    pub(in crate::lsp) async fn send_status(&self, files: usize, threads: usize) {
        let message = {
            let mut session = self.lock();
            // `ready` only once every root is indexed: never `ready, files:
            // 0` before `indexing`.
            if !session.workspaces.iter().all(|w| *w.scanned.borrow()) {
                return;
            }
            let problems = session.workspaces.iter().map(|w| w.published.len()).sum();
            let counts = (files, threads, problems);
            if session.status == Some(counts) {
                return;
            }
            session.status = Some(counts);
            serde_json::json!({"state": "ready", "files": files, "threads": threads, "problems": problems})
        };
        self.client
            .send_notification::<StatusNotification>(message)
            .await;
    }
}
