//! Publishing diagnostics: debounced per generation, open documents
//! first, computed on snapshots off the async runtime, sent only when they
//! differ from what the client shows; and the `leanos/status` counts.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::analysis::diagnostics::file_diagnostics;
use crate::index::Snapshot;
use crate::line_index::ColumnUnit;
use crate::lsp::convert;
use crate::lsp::outbox::Publication;
use crate::lsp::server::{Backend, StatusNotification, DEBOUNCE};
use crate::lsp::session::Session;
use crate::lsp::survey::{survey, Survey, SurveyCache, Surveyor};

/// A publish job with at least this many files computes them on every
/// core; smaller ones (what an edit reaches) on one thread.
pub(in crate::lsp) const PARALLEL_FILES: usize = 512;

/// A job computes, applies and sends its files this many at a time, so a
/// scan's tens of thousands of files never hold their converted
/// diagnostics all at once (and the first ones reach the client sooner).
pub(in crate::lsp) const PUBLISH_CHUNK: usize = 4096;

/// The files of one root a publish pass computes, with what they are
/// computed against: the snapshot, the open documents' versions and what
/// identifies each open document's text (for related information's spans).
struct Job {
    root: PathBuf,
    /// The ticket of the scan installed when the job took its files
    /// ([`crate::lsp::session::Workspace::scan_installed`]).
    installed: u64,
    snapshot: Snapshot,
    pending: Vec<String>,
    versions: HashMap<String, i32>,
    stamps: Arc<HashMap<String, (u64, i32)>>,
    surveys: Arc<SurveyCache>,
    /// The client interprets a publication's version (and may drop one
    /// that is not its document's current version): a set is sent again
    /// for every new version of an open document.
    versioned: bool,
}

/// One file of a publish chunk, computed.
struct Computed {
    path: String,
    found: Vec<crate::analysis::diagnostics::Diagnostic>,
    /// The version of the text the diagnostics were computed on (`None`
    /// for a file read from disk).
    version: Option<i32>,
    survey: Survey,
    /// The publication of the diagnostics, when they differed from what
    /// the client was shown as the chunk started.
    converted: Option<Publication>,
}

/// What a publication is made of: the job's root and snapshot, the
/// client's column unit and whether publications are serialised
/// ([`crate::lsp::outbox::Outbox::serializes`]).
struct Preparer<'a> {
    root: &'a std::path::Path,
    snapshot: &'a Snapshot,
    unit: ColumnUnit,
    serialized: bool,
}

impl Preparer<'_> {
    /// The publication of `found`, the diagnostics of the file at `path`
    /// (`None` when the file is no longer in the snapshot: an empty one)
    /// computed on `version` of its text. `None` when the path has no URI
    /// or the publication cannot be serialised.
    fn publication(
        &self,
        path: &str,
        file: Option<&crate::index::FileData>,
        found: &[crate::analysis::diagnostics::Diagnostic],
        version: Option<i32>,
    ) -> Option<Publication> {
        let uri = convert::uri(self.root, path)?;
        let diagnostics: Vec<Diagnostic> = match file {
            Some(file) => found
                .iter()
                .map(|d| convert::diagnostic(self.root, self.snapshot, file, d, self.unit))
                .collect(),
            None => Vec::new(),
        };
        Publication::new(self.serialized, uri, diagnostics, version)
    }
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
            let versioned = session.flags.publish_versions;
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
                    let pending = w.take_pending();
                    let (open, rest): (Vec<String>, Vec<String>) = pending
                        .into_iter()
                        .partition(|path| w.open.contains_key(path));
                    let versions: HashMap<String, i32> =
                        w.open.iter().map(|(p, d)| (p.clone(), d.version)).collect();
                    // What identifies each open document's text in this
                    // snapshot, for the spans of related information.
                    let stamps: Arc<HashMap<String, (u64, i32)>> = w
                        .open
                        .iter()
                        .filter(|(p, d)| {
                            w.snapshot.files.get(p.as_str()).and_then(|f| f.version)
                                == Some(d.version)
                        })
                        .map(|(p, d)| (p.clone(), d.moves.stamp(d.version)))
                        .collect::<HashMap<_, _>>()
                        .into();
                    [open, rest]
                        .into_iter()
                        .filter(|pending| !pending.is_empty())
                        .map(|pending| {
                            let job = Job {
                                root: w.root.clone(),
                                installed: w.scan_installed,
                                snapshot: w.snapshot.clone(),
                                pending,
                                versions: versions.clone(),
                                stamps: stamps.clone(),
                                surveys: w.surveys.clone(),
                                versioned,
                            };
                            (i, job)
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            (jobs, session.unit, busy)
        };
        for (_, mut job) in jobs {
            let mut rest = std::mem::take(&mut job.pending);
            while !rest.is_empty() {
                let later = rest.split_off(rest.len().min(PUBLISH_CHUNK));
                let chunk = std::mem::replace(&mut rest, later);
                self.publish_chunk(&job, chunk, generation, unit).await;
            }
        }
        let to_watch: Vec<(PathBuf, crate::load::Stamps)> = {
            let mut session = self.lock();
            for workspace in session.workspaces.iter_mut() {
                workspace.passes.remove(&generation);
                if workspace.passes.is_empty() {
                    workspace.applied.clear();
                }
            }
            session
                .workspaces
                .iter_mut()
                .filter(|w| w.ready && w.passes.is_empty() && w.pending.is_empty())
                .filter_map(|w| Some((w.root.clone(), w.watch_after_publishing.take()?)))
                .collect()
        };
        // Started while this pass still counts as busy: `leanos/settled`
        // waits for the catch-up too.
        for (root, stamps) in to_watch {
            if let Some(registration) = self.watch_root(&root) {
                self.catch_up_after(registration, root, stamps);
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
    /// sends what changed for the client. A file's diagnostics are
    /// converted to LSP only when they differ from what the record said the
    /// client shows when the chunk started (or, rarely, when another pass
    /// changed the record meanwhile): most files of a scan have none, and
    /// most keystrokes leave most sets as the client shows them. Passes
    /// record and send one at a time ([`Backend::sending`]), and nothing
    /// but the sends is awaited between the two.
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
        let surveys = job.surveys.clone();
        let versioned = job.versioned;
        let versions = &job.versions;
        let serialized = self.outbox.serializes();
        let started = std::time::Instant::now();
        let files = pending.len();
        let shown: HashMap<String, u64> = {
            let session = self.lock();
            let Some(workspace) = session.workspaces.iter().find(|w| w.root == root) else {
                return;
            };
            pending
                .iter()
                .filter_map(|p| Some((p.clone(), *workspace.published.get(p)?)))
                .collect()
        };
        let job_root = root.clone();
        let computed = tokio::task::spawn_blocking(move || {
            use rayon::prelude::*;
            let root = job_root;
            let one = |path: String| {
                let file = snapshot.files.get(path.as_str());
                let version = file.and_then(|f| f.version);
                let Some(file) = file else {
                    surveys.forget(&path);
                    return Computed {
                        path,
                        found: Vec::new(),
                        version,
                        survey: Survey::default(),
                        converted: None,
                    };
                };
                let found = file_diagnostics(&snapshot, &path);
                let shown_version = if versioned { version } else { None };
                let surveyor = Surveyor {
                    snapshot: &snapshot,
                    stamps: &stamps,
                    cache: &surveys,
                    unit,
                };
                let survey = survey(surveyor, &path, file, &found, shown_version);
                let preparer = Preparer {
                    root: &root,
                    snapshot: &snapshot,
                    unit,
                    serialized,
                };
                let converted = (!found.is_empty()
                    && shown.get(&path) != Some(&survey.fingerprint))
                .then(|| preparer.publication(&path, Some(file), &found, version))
                .flatten();
                Computed {
                    path,
                    found,
                    version,
                    survey,
                    converted,
                }
            };
            // An edit's few files stay on this one thread, leaving the
            // other cores to the next keystroke; a scan's thousands
            // use them all.
            if pending.len() < PARALLEL_FILES {
                pending.into_iter().map(one).collect::<Vec<_>>()
            } else {
                pending.into_par_iter().map(one).collect::<Vec<_>>()
            }
        })
        .await;
        let Ok(computed) = computed else {
            tracing::error!("diagnostics task failed");
            return;
        };
        tracing::debug!(files, elapsed = ?started.elapsed(), "diagnostics computed");
        let _sending = self.sending.lock().await;
        let mut to_send: Vec<Publication> = Vec::new();
        {
            let mut session = self.lock();
            // Found by its root, not its place: a root removed while
            // this pass computed shifts the others' places, and its
            // results must not land in another root's record.
            let Some(workspace) = session.workspaces.iter_mut().find(|w| w.root == root) else {
                return;
            };
            if workspace.scan_installed != job.installed {
                // A scan installed since this job took its files (or the
                // root was removed and added again) queued every file of
                // its snapshot and every file the client shows problems
                // for: a newer pass answers for them all. Applied, this
                // result could show a file that snapshot no longer holds
                // (the newer pass did not visit it) until it changes.
                return;
            }
            // Passes overlap (a newer one starts while an older one
            // computes): a result is applied unless a newer pass already
            // applied one for the same file, which the older pass
            // finishing last must not undo.
            let older_running = workspace.passes.range(..generation).next().is_some();
            for computed in computed {
                let Computed {
                    path,
                    found,
                    version,
                    survey,
                    converted,
                } = computed;
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
                workspace.set_related(&path, survey.related);
                if found.is_empty() {
                    if workspace.published.remove(&path).is_none() {
                        continue;
                    }
                } else if workspace.published.insert(path.clone(), survey.fingerprint)
                    == Some(survey.fingerprint)
                {
                    // The client already shows exactly these (at the
                    // same positions, of an older version of the text).
                    continue;
                }
                let publication = converted.or_else(|| {
                    // The record changed since the chunk started.
                    let preparer = Preparer {
                        root: &root,
                        snapshot: &job.snapshot,
                        unit,
                        serialized,
                    };
                    let file = job.snapshot.files.get(path.as_str());
                    preparer.publication(&path, file.map(|f| &**f), &found, version)
                });
                to_send.extend(publication);
            }
        }
        let sent = to_send.len();
        self.outbox.publish(to_send).await;
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
        self.outbox.notify::<StatusNotification>(message).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Source;
    use crate::lsp::session::Workspace;

    /// A pass takes a snapshot's files (an invalid `leanos.toml` among
    /// them); a scan that no longer finds that file installs before the
    /// pass applies what it computed. The pass's result is dropped: the
    /// install queued only what the client shows problems for, and the
    /// file was not among them yet, so no later pass would clear it (the
    /// session fuzz target's divergence of the tenth session, fixture
    /// `session/leanos-toml-deleted-during-a-pass.json`).
    #[tokio::test]
    async fn a_pass_begun_before_a_scan_installs_applies_nothing() {
        let (service, socket) = tower_lsp_server::LspService::new(Backend::new);
        tokio::spawn(async move {
            use futures::StreamExt;
            let (mut requests, _) = socket.split();
            while requests.next().await.is_some() {}
        });
        let backend = service.inner().clone();
        let root = std::env::temp_dir().join("leanos-pass-before-install");
        let snapshot = |toml: Option<&[u8]>| {
            let mut sources = vec![Source::text(
                "threads/sales/acme/1-input.md",
                "# Stage 1: Input\n",
            )];
            sources.extend(toml.map(|bytes| Source {
                path: "leanos.toml".into(),
                content: crate::vfs::FileRead::Bytes(bytes.to_vec()),
            }));
            Snapshot::from_sources(&Default::default(), sources)
        };
        let generation = {
            let mut session = backend.lock();
            let mut workspace = Workspace::new(root.clone(), Default::default());
            let ticket = workspace.start_scan();
            workspace.install(snapshot(Some(b"\xa3-d = \n")), ticket);
            session.workspaces.push(workspace);
            session.generation += 1;
            session.generation
        };
        // Held so the pass cannot apply before the install below.
        let sending = backend.sending.lock().await;
        let pass = tokio::spawn({
            let backend = backend.clone();
            async move { backend.publish(generation).await }
        });
        while !backend.lock().workspaces[0].passes.contains(&generation) {
            tokio::task::yield_now().await;
        }
        let later = {
            let mut session = backend.lock();
            let workspace = &mut session.workspaces[0];
            let ticket = workspace.start_scan();
            workspace.install(snapshot(None), ticket);
            session.generation += 1;
            session.generation
        };
        drop(sending);
        pass.await.expect("the first pass");
        backend.publish(later).await;
        let session = backend.lock();
        let published = &session.workspaces[0].published;
        assert!(
            !published.contains_key("leanos.toml"),
            "a file the installed snapshot does not hold is recorded as showing problems: {published:?}"
        );
    }

    /// A root removed while a pass sends what it recorded for the root:
    /// the root goes (and its sets are cleared) only once the pass has
    /// sent everything, never before: the pass's sets would arrive after
    /// the clearing and stay on screen for a root that is gone.
    #[tokio::test]
    async fn a_root_is_removed_only_after_the_pass_sending_its_sets() {
        let (service, _socket) = tower_lsp_server::LspService::new(Backend::new);
        let backend = service.inner().clone();
        let root = std::env::temp_dir().join("leanos-removed-while-sending");
        backend
            .lock()
            .workspaces
            .push(Workspace::new(root.clone(), Default::default()));
        let folder = WorkspaceFolder {
            uri: Uri::from_file_path(&root).expect("an absolute path"),
            name: "root".into(),
        };
        let params = DidChangeWorkspaceFoldersParams {
            event: WorkspaceFoldersChangeEvent {
                added: Vec::new(),
                removed: vec![folder],
            },
        };
        // A pass sending.
        let sending = backend.sending.lock().await;
        let removal = tokio::spawn({
            let backend = backend.clone();
            async move {
                crate::lsp::handlers::did_change_workspace_folders::did_change_workspace_folders(
                    &backend, params,
                )
                .await
            }
        });
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        assert_eq!(
            backend.lock().workspaces.len(),
            1,
            "the root went while a pass was sending its sets"
        );
        drop(sending);
        removal.await.expect("the removal");
        assert!(backend.lock().workspaces.is_empty());
    }
}
