//! The session: every root (a [`Workspace`] with its snapshot, open
//! documents, pending and published diagnostics) and what the client
//! negotiated. It lives behind the server's one mutex.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::config::Settings;
use crate::index::Snapshot;
use crate::ingest::{Content, Kind, Policy};
use crate::line_index::ColumnUnit;
use crate::lsp::capabilities::ClientFlags;
use crate::lsp::convert;
use crate::lsp::dependents::Dependents;
use crate::lsp::document::Document;
use crate::lsp::moves::RelatedSpan;
use crate::lsp::survey::RelatedSpans;
use crate::paths;
use crate::vfs;
use smol_str::SmolStr;

/// One workspace root and everything the server knows under it.
pub(in crate::lsp) struct Workspace {
    pub(in crate::lsp) root: PathBuf,
    pub(in crate::lsp) snapshot: Snapshot,
    /// Open documents under this root, by workspace path.
    pub(in crate::lsp) open: HashMap<String, Document>,
    /// Files whose diagnostics must be recomputed.
    pub(in crate::lsp) pending: BTreeSet<String>,
    /// Files whose text changed (edited, re-read, gone) since the last
    /// pass took [`Workspace::pending`]: only their dependents
    /// ([`Workspace::moved_dependents`]) may point at lines that moved. A
    /// file pending for what others changed (a Canvas entry a thread now
    /// cites) keeps its text, and what points into it stays right.
    pub(in crate::lsp) text_changed: BTreeSet<String>,
    /// A scan is installed and no newer one is wanted
    /// ([`Workspace::rescan_wanted`]): its files are diagnosed.
    pub(in crate::lsp) ready: bool,
    /// `leanos.toml` changed on disk since the last scan of this root
    /// started: the next scan reads the root again
    /// ([`Workspace::wants_scan`]), even when a scan that read the old
    /// file installs before that next scan starts.
    rescan_wanted: bool,
    /// The tickets of this root's scans under way. Several may be (a
    /// change of `leanos.toml` starts one while the first is still
    /// reading), and they may finish in any order. A scan whose ticket is
    /// not here is not this workspace's: the root was removed while it
    /// read, and this is the workspace of the root added again.
    scans_under_way: BTreeSet<u64>,
    /// The ticket ([`Workspace::start_scan`]) of the scan whose snapshot
    /// is installed (0 before the first): a scan finishing after a newer
    /// one was installed read the disk earlier, and its snapshot is
    /// dropped; a publish pass that took its files before the install is
    /// dropped too (`publish.rs`).
    pub(in crate::lsp) scan_installed: u64,
    /// Paths changed on disk while a scan was reading (and applied to the
    /// installed snapshot as they changed): re-read once a snapshot is
    /// installed, and dropped once no scan is under way (installed or
    /// failed, [`Workspace::abandon_scan`]).
    pub(in crate::lsp) changed_while_scanning: BTreeSet<String>,
    /// Becomes true when the first scan of this root is installed, and
    /// stays true: requests wait on it (a rescan keeps answering from the
    /// complete snapshot before it).
    pub(in crate::lsp) scanned: tokio::sync::watch::Sender<bool>,
    /// Files whose last published diagnostics were not empty, with the
    /// fingerprint of that publication ([`crate::lsp::survey::Survey`]):
    /// a file whose diagnostics come out the same is not sent again, not
    /// even for a newer version of its text. [`crate::lsp::survey::UNKNOWN`]
    /// after the document was opened or closed (see [`Workspace::forget_shown`]).
    pub(in crate::lsp) published: HashMap<String, u64>,
    /// Target file -> the files whose last computed diagnostics point into
    /// it (`relatedInformation`), with the lines they point at: re-
    /// diagnosed with it when those lines moved with its text.
    /// Paths are the snapshot's, shared (a learning's path is held once,
    /// not once per map: thousands of learnings point into the Canvas).
    related_into: HashMap<SmolStr, Dependents>,
    /// File -> what its last computed diagnostics' related information
    /// points into, when it points into any file (the inverse of
    /// `related_into`).
    related_of: HashMap<SmolStr, RelatedOf>,
    /// What the surveys of this root's files kept for their next one.
    pub(in crate::lsp) surveys: Arc<crate::lsp::survey::SurveyCache>,
    /// The generations of the publish passes computing for this root.
    pub(in crate::lsp) passes: BTreeSet<u64>,
    /// While passes overlap: file -> the generation of the newest pass
    /// whose result for it was applied (cleared once none is running).
    pub(in crate::lsp) applied: HashMap<String, u64>,
    /// The stamps of a scan whose root the server watches itself, until
    /// the diagnostics of everything pending are published: then the
    /// watcher's registration and catch-up start (`publish.rs`). Not
    /// beside that first pass: the registration walks every folder and
    /// the catch-up every file, and the two together took a quarter more
    /// time and 15 MB more memory than the pass alone at 10,000 threads.
    /// Nothing is missed meanwhile: the catch-up compares the disk with
    /// these stamps, taken as the scan read each file.
    pub(in crate::lsp) watch_after_publishing: Option<crate::load::Stamps>,
    /// The session's documents under no root, where this root's open
    /// documents go when it is dropped (see [`Detached`]).
    detached: Detached,
}

/// The last scan ticket given out ([`Workspace::start_scan`]), across
/// the process: a root removed and added again never reuses one, so work
/// begun on its earlier snapshots is told apart from work on its new one.
static SCAN_TICKETS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Open documents under no root, by absolute path: opened before their
/// folder was added, or left open when their root was removed (the editor
/// still shows them). A root added later adopts those under it, so its
/// scan lays the editor's text over the disk's as it does for a root that
/// was there when they were opened.
pub(in crate::lsp) type Detached = Arc<std::sync::Mutex<HashMap<PathBuf, Document>>>;

/// Locks the detached documents; a panic while holding them must not take
/// the server down.
pub(in crate::lsp) fn lock_detached(
    detached: &Detached,
) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Document>> {
    detached
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Drop for Workspace {
    /// A root that goes (removed from the workspace folders) leaves its
    /// open documents to the session: they are still open in the editor,
    /// and a root added again later must know their text.
    fn drop(&mut self) {
        if self.open.is_empty() {
            return;
        }
        let mut detached = lock_detached(&self.detached);
        for (path, document) in self.open.drain() {
            detached.insert(paths::absolute_path(&self.root, &path), document);
        }
    }
}

/// What one file's diagnostics point into ([`Workspace::set_related`]).
struct RelatedOf {
    /// The [`RelatedSpans::hash`] of what `related_into` holds for it.
    hash: u64,
    /// The files pointed into, in order (none when its related
    /// information points only into the file itself).
    targets: Box<[SmolStr]>,
}

impl Workspace {
    /// Counts a scan of this root as started; its ticket, for
    /// [`Workspace::install`].
    pub(in crate::lsp) fn start_scan(&mut self) -> u64 {
        self.rescan_wanted = false;
        let ticket = SCAN_TICKETS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        self.scans_under_way.insert(ticket);
        ticket
    }

    /// Ends the scan `ticket`, which failed (its reading task panicked)
    /// without a snapshot: no longer under way; what changed on disk while
    /// it read was applied to the installed snapshot as it happened, so it
    /// is kept only for the scans still under way. Nothing for a ticket
    /// this workspace did not give.
    pub(in crate::lsp) fn abandon_scan(&mut self, ticket: u64) {
        if self.scans_under_way.remove(&ticket) && self.scans_under_way.is_empty() {
            self.changed_while_scanning.clear();
        }
    }

    /// Asks for this root to be read again (its `leanos.toml` changed:
    /// new folders, prefixes or ignores): not diagnosed until a scan
    /// started from now on is installed.
    pub(in crate::lsp) fn want_rescan(&mut self) {
        self.rescan_wanted = true;
        self.ready = false;
    }

    /// Whether a scan that reads only the roots needing it (`all` false)
    /// reads this one: never installed, or asked for
    /// ([`Workspace::want_rescan`]) since the last scan started.
    pub(in crate::lsp) fn wants_scan(&self, all: bool) -> bool {
        all || !self.ready || self.rescan_wanted
    }

    /// Whether a scan of this root is under way.
    pub(in crate::lsp) fn scanning(&self) -> bool {
        !self.scans_under_way.is_empty()
    }

    /// A root not scanned yet that adopts the `detached` documents under it.
    pub(in crate::lsp) fn new(root: PathBuf, detached: Detached) -> Workspace {
        let open: HashMap<String, Document> = {
            let mut detached = lock_detached(&detached);
            let under: Vec<PathBuf> = detached
                .keys()
                .filter(|absolute| absolute.starts_with(&root))
                .cloned()
                .collect();
            under
                .into_iter()
                .filter_map(|absolute| {
                    let document = detached.remove(&absolute)?;
                    Some((paths::workspace_path(&root, &absolute)?, document))
                })
                .collect()
        };
        Workspace {
            root,
            detached,
            snapshot: Snapshot::new(Default::default()),
            open,
            pending: BTreeSet::new(),
            text_changed: BTreeSet::new(),
            ready: false,
            rescan_wanted: false,
            scans_under_way: BTreeSet::new(),
            scan_installed: 0,
            changed_while_scanning: BTreeSet::new(),
            scanned: tokio::sync::watch::Sender::new(false),
            published: HashMap::new(),
            surveys: Arc::default(),
            related_into: HashMap::new(),
            related_of: HashMap::new(),
            passes: BTreeSet::new(),
            applied: HashMap::new(),
            watch_after_publishing: None,
        }
    }

    /// Makes the next computation of `path` send its diagnostics even when
    /// they equal the last ones sent, an empty set included: called when
    /// the document is opened or closed, after which a client may show
    /// another view of it (one that drops a closed document's diagnostics,
    /// or a publication of a version it no longer has).
    pub(in crate::lsp) fn forget_shown(&mut self, path: &str) {
        if let Some(shown) = self.published.get_mut(path) {
            *shown = crate::lsp::survey::UNKNOWN;
        }
    }

    /// Records the files the diagnostics just computed for `path` point
    /// into, and where (see `related_into`). The common case, the same
    /// targets as before (a keystroke in a Canvas section whose entries
    /// thousands of learnings point at), updates the spans in place.
    pub(in crate::lsp) fn set_related(&mut self, path: &str, spans: RelatedSpans) {
        let recorded = self.related_of.get(path).map(|of| of.hash);
        if recorded == Some(spans.hash) || recorded.is_none() && spans.is_empty() {
            return;
        }
        let (hash, empty) = (spans.hash, spans.is_empty());
        let key = self.snapshot.shared_path(path);
        let targets: Vec<(SmolStr, RelatedSpan)> = spans
            .into_map()
            .into_iter()
            .map(|(target, span)| (self.snapshot.shared_path(&target), span))
            .collect();
        let old = self.related_of.remove(path).map(|of| of.targets);
        let old = old.unwrap_or_default();
        let same_targets = old.iter().eq(targets.iter().map(|(target, _)| target));
        if !same_targets {
            for target in old.iter() {
                if let Some(dependents) = self.related_into.get_mut(target) {
                    dependents.remove(path);
                    if dependents.is_empty() {
                        self.related_into.remove(target);
                    }
                }
            }
        }
        let kept = if same_targets {
            old
        } else {
            targets.iter().map(|(target, _)| target.clone()).collect()
        };
        for (target, span) in targets {
            let dependents = self.related_into.entry(target).or_default();
            dependents.insert(key.clone(), span);
        }
        if !empty {
            let of = RelatedOf {
                hash,
                targets: kept,
            };
            self.related_of.insert(key, of);
        }
    }

    /// The files whose diagnostics point into `target` at lines its text
    /// moved since they were computed (all of them unless `target` is an
    /// open document whose every change since is known).
    pub(in crate::lsp) fn moved_dependents(&self, target: &str) -> Vec<String> {
        let Some(dependents) = self.related_into.get(target) else {
            return Vec::new();
        };
        let moves = self.open.get(target).map(|doc| doc.moves.summary());
        dependents
            .iter()
            .filter(|(_, span)| moves.as_ref().is_none_or(|moves| moves.moved(span)))
            .map(|(dependent, _)| dependent.to_string())
            .collect()
    }

    /// Takes the files the next pass diagnoses: the pending ones, and the
    /// files whose diagnostics point into a file whose text changed
    /// (`relatedInformation` carries its ranges) at lines that moved.
    pub(in crate::lsp) fn take_pending(&mut self) -> BTreeSet<String> {
        let mut pending = std::mem::take(&mut self.pending);
        for path in std::mem::take(&mut self.text_changed) {
            pending.extend(self.moved_dependents(&path));
        }
        pending
    }

    /// Lowers an open document's current text and updates the index,
    /// under the same [`Policy`] as a file on disk: an ignored document is
    /// not indexed, one over the size cap is `file-too-large`.
    pub(in crate::lsp) fn relower_open(&mut self, path: &str) {
        let Some(doc) = self.open.get(path) else {
            return;
        };
        let text: Arc<str> = Arc::from(doc.rope.to_string());
        let version = doc.version;
        let config = self.snapshot.config.clone();
        let policy = Policy::new(&config);
        let before = self.snapshot.files.get(path).cloned();
        let affected = match policy.kind(path) {
            Kind::Ignored => self.snapshot.remove(path),
            Kind::Other => self.snapshot.add_other_path(path),
            Kind::Source => {
                self.snapshot
                    .upsert(policy.lower(path, Content::Editor(text), Some(version)))
            }
        };
        self.pending.extend(affected);
        // Its own diagnostics, always: an ignored document the index did
        // not hold affects nothing, yet a pass that computed its clearing
        // before it was opened drops that result (its version is newer),
        // and only a newer pass clears what the client shows for it.
        self.pending.insert(path.to_string());
        self.text_changed.insert(path.to_string());
        // The files pointing into this one are spared only where its
        // text moved and nothing else did: when its facts (or the first
        // line a diagnostic may point at) changed beyond the shift of the
        // edit, what they point at may be elsewhere.
        let after = self.snapshot.files.get(path);
        let shifted_only = match (&before, after) {
            (Some(before), Some(after)) => crate::lsp::moves::moved_only_by_edit(before, after),
            _ => false,
        };
        if !shifted_only {
            if let Some(doc) = self.open.get_mut(path) {
                doc.moves.record(crate::lsp::moves::Region::WHOLE);
                doc.moves.seal(version);
            }
        }
    }

    /// Drops from the index every closed file under the folder at `path`
    /// (source files and link targets alike), for a folder that is gone.
    /// The paths under it are looked up in order, from the prefix: every
    /// file of a storm (a branch switch changing 2,000 files) is asked
    /// this, and a pass over all 66,463 paths for each took 7 s.
    pub(in crate::lsp) fn remove_under(&mut self, path: &str) {
        use std::ops::Bound;
        let prefix = format!("{path}/");
        let from = (Bound::Included(prefix.as_str()), Bound::Unbounded);
        let paths = self.snapshot.paths.range::<_, str>(from);
        let files = self.snapshot.files.range::<_, str>(from).map(|(p, _)| p);
        let under: BTreeSet<String> = paths
            .take_while(|p| p.starts_with(&prefix))
            .chain(files.take_while(|p| p.starts_with(&prefix)))
            .filter(|p| !self.open.contains_key(p.as_str()))
            .map(|p| p.to_string())
            .collect();
        for file in under {
            let affected = self.snapshot.remove(&file);
            self.pending.extend(affected);
            self.text_changed.insert(file);
        }
    }

    /// Re-reads a closed file from disk (or drops it when it is gone, is
    /// ignored, or is not a regular file), under the same [`Policy`].
    pub(in crate::lsp) fn reload_from_disk(&mut self, path: &str) {
        let config = self.snapshot.config.clone();
        let policy = Policy::reading(&config, &self.root);
        let affected = match policy.kind(path) {
            Kind::Ignored => self.snapshot.remove(path),
            Kind::Other if vfs::is_regular_file(&self.root, path) => {
                self.snapshot.add_other_path(path)
            }
            Kind::Other => self.snapshot.remove(path),
            Kind::Source => match vfs::read_file(&self.root, path, config.max_file_size) {
                Ok(read) => self
                    .snapshot
                    .upsert(policy.lower(path, Content::Disk(read), None)),
                Err(_) => self.snapshot.remove(path),
            },
        };
        self.pending.extend(affected);
        self.text_changed.insert(path.to_string());
    }

    /// Ends the scan `ticket` ([`Workspace::start_scan`]): installs its
    /// snapshot, lays open documents over it, re-reads what changed on disk
    /// while it read and queues every file; unless a newer scan was
    /// installed first, which makes this one stale (dropped), or the
    /// ticket is not this workspace's (a scan of the root before it was
    /// removed and added again, which must neither count as this
    /// workspace's scan nor take the changes its own scans must re-read).
    /// Returns whether the snapshot was installed.
    pub(in crate::lsp) fn install(&mut self, snapshot: Snapshot, ticket: u64) -> bool {
        if !self.scans_under_way.remove(&ticket) {
            return false;
        }
        // Paths changed during a scan still under way may have been read
        // by it before they changed: kept for its install.
        let changed = if self.scans_under_way.is_empty() {
            std::mem::take(&mut self.changed_while_scanning)
        } else {
            self.changed_while_scanning.clone()
        };
        if ticket < self.scan_installed {
            // A newer scan was installed, and every change since it
            // applied to its snapshot: this one is older than both.
            return false;
        }
        self.scan_installed = ticket;
        self.snapshot = snapshot;
        let open: Vec<String> = self.open.keys().cloned().collect();
        for path in open {
            self.relower_open(&path);
        }
        // A scan asked for after this one started reads the new
        // `leanos.toml`: until it installs, this snapshot is not diagnosed.
        self.ready = !self.rescan_wanted;
        for path in changed {
            if self.open.contains_key(&path) {
                continue;
            }
            if std::fs::symlink_metadata(crate::paths::absolute_path(&self.root, &path)).is_err() {
                // A folder deleted during the scan, which may have read
                // files under it first.
                self.remove_under(&path);
            }
            self.reload_from_disk(&path);
        }
        self.scanned.send_replace(true);
        self.pending
            .extend(self.snapshot.files.keys().map(|p| p.to_string()));
        // Files that had diagnostics and may be gone now get cleared.
        self.pending.extend(self.published.keys().cloned());
        true
    }
}

pub(in crate::lsp) struct Session {
    pub(in crate::lsp) workspaces: Vec<Workspace>,
    pub(in crate::lsp) unit: ColumnUnit,
    pub(in crate::lsp) flags: ClientFlags,
    pub(in crate::lsp) settings: Settings,
    /// Bumped on every change; a debounced publish runs only if it is
    /// still the latest.
    pub(in crate::lsp) generation: u64,
    /// Changes of the client's settings numbered so far, and the number of
    /// the one in force
    /// ([`crate::lsp::server::Backend::apply_settings_value`]).
    pub(in crate::lsp) settings_changes: u64,
    pub(in crate::lsp) settings_applied: u64,
    /// The last `leanos/status` counts sent (files, threads, problems).
    pub(in crate::lsp) status: Option<(usize, usize, usize)>,
    /// The user was told (`window/showMessage`) that this client cannot
    /// apply fixes that create or rename files.
    pub(in crate::lsp) told_no_file_operations: bool,
    /// The server's own file watcher, when it watches any root.
    pub(in crate::lsp) watcher:
        Option<std::sync::Arc<std::sync::Mutex<crate::lsp::watcher::DiskWatcher>>>,
    /// Open documents under no root ([`Detached`]).
    pub(in crate::lsp) detached: Detached,
}

impl Session {
    /// The version of every open document, by URI: the one place edits
    /// (rename, code actions) take the versions they are made against.
    pub(in crate::lsp) fn document_versions(&self) -> HashMap<Uri, i32> {
        self.workspaces
            .iter()
            .flat_map(|w| {
                w.open
                    .iter()
                    .filter_map(|(p, d)| Some((convert::uri(&w.root, p)?, d.version)))
            })
            .collect()
    }

    /// The workspace holding `uri` (the innermost root) and the file's
    /// workspace path in it.
    pub(in crate::lsp) fn locate(&self, uri: &Uri) -> Option<(usize, String)> {
        self.locate_path(&uri.to_file_path()?)
    }

    /// [`Session::locate`] for an absolute path.
    pub(in crate::lsp) fn locate_path(&self, path: &std::path::Path) -> Option<(usize, String)> {
        self.workspaces
            .iter()
            .enumerate()
            .filter_map(|(i, w)| {
                paths::workspace_path(&w.root, path).map(|p| (i, p, w.root.as_os_str().len()))
            })
            .max_by_key(|(_, _, depth)| *depth)
            .map(|(i, p, _)| (i, p))
    }

    /// Adds the LeanOS root of `folder`, a workspace folder the client
    /// named ([`root_of_folder`]); returns that root and whether it is new.
    pub(in crate::lsp) fn add_root(&mut self, folder: PathBuf) -> (PathBuf, bool) {
        let root = root_of_folder(folder);
        if self.workspaces.iter().any(|w| w.root == root) {
            return (root, false);
        }
        let workspace = Workspace::new(root.clone(), self.detached.clone());
        self.workspaces.push(workspace);
        (root, true)
    }
}

/// The LeanOS root a client's workspace folder belongs to: the nearest
/// LeanOS folder at or above it, not above the user's home
/// ([`vfs::discover_root`]), or the folder itself when there is none;
/// canonical, so one root is one workspace however it is named.
pub(in crate::lsp) fn root_of_folder(folder: PathBuf) -> PathBuf {
    let root = vfs::discover_root(&folder, vfs::home_dir().as_deref()).unwrap_or(folder);
    std::fs::canonicalize(&root).unwrap_or(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Source;

    fn snapshot_with(paths: &[&str]) -> Snapshot {
        let sources = paths
            .iter()
            .map(|path| Source::text(*path, "# Stage 1: Input\n"))
            .collect();
        Snapshot::from_sources(&Default::default(), sources)
    }

    /// Two scans of one root under way (the first scan, and one a
    /// `leanos.toml` change started): whichever order they finish in, the
    /// snapshot of the scan started last is the one that stays.
    #[test]
    fn a_scan_finishing_after_a_newer_one_is_dropped() {
        let root = std::env::temp_dir().join("leanos-install-order");
        let old = "threads/sales/acme/1-input.md";
        let new = "threads/sales/acme/2-hypothesis.md";
        for newer_first in [true, false] {
            let mut workspace = Workspace::new(root.clone(), Detached::default());
            let first = workspace.start_scan();
            let second = workspace.start_scan();
            assert!(workspace.scanning());
            let (early, late) = (snapshot_with(&[old]), snapshot_with(&[old, new]));
            if newer_first {
                workspace.install(late, second);
                assert!(workspace.scanning(), "the first scan is still under way");
                workspace.install(early, first);
            } else {
                workspace.install(early, first);
                workspace.install(late, second);
            }
            assert!(!workspace.scanning());
            assert!(workspace.ready);
            assert!(
                workspace.snapshot.files.contains_key(new),
                "newer scan installed first: {newer_first}"
            );
        }
    }

    /// `leanos.toml` changes while a scan reads the root; that scan
    /// installs before the one the change asked for starts (the session
    /// fuzz target's divergence: an invalid `leanos.toml`, then deleted,
    /// kept its `config-invalid` on screen). The root is not diagnosed
    /// from the old file's snapshot, and the next scan still reads it.
    #[test]
    fn a_rescan_asked_for_during_a_scan_survives_that_scans_install() {
        let root = std::env::temp_dir().join("leanos-rescan-wanted");
        let mut workspace = Workspace::new(root, Detached::default());
        let first = workspace.start_scan();
        workspace.install(snapshot_with(&[]), first);
        assert!(workspace.ready && !workspace.wants_scan(false));

        let reading_old = workspace.start_scan();
        workspace.want_rescan();
        workspace.install(snapshot_with(&[]), reading_old);
        assert!(!workspace.ready, "installed from the old leanos.toml");
        assert!(workspace.wants_scan(false), "the rescan is still owed");

        let reading_new = workspace.start_scan();
        workspace.install(snapshot_with(&[]), reading_new);
        assert!(workspace.ready && !workspace.wants_scan(false));
    }

    /// A root removed while its scan reads, then added again: the new
    /// workspace's scan reads; a file changes. The old scan finishing
    /// is not the new workspace's: it neither ends the new scan nor takes
    /// the change that scan must re-read (the session fuzz target lost a
    /// file created then).
    #[test]
    fn a_scan_of_a_removed_root_does_not_install_into_the_root_added_again() {
        let root = std::env::temp_dir().join("leanos-root-added-again");
        let changed = "threads/sales/acme/2-hypothesis.md";
        let mut removed = Workspace::new(root.clone(), Detached::default());
        let before_removal = removed.start_scan();
        drop(removed);
        let mut added = Workspace::new(root, Detached::default());
        let own = added.start_scan();
        added.changed_while_scanning.insert(changed.into());
        assert!(!added.install(snapshot_with(&[]), before_removal));
        assert!(added.scanning() && !added.ready);
        assert!(added.changed_while_scanning.contains(changed));
        added.abandon_scan(before_removal);
        assert!(added.scanning(), "its own scan is still under way");
        assert!(added.install(snapshot_with(&[]), own));
        assert!(!added.scanning() && added.ready);
        assert!(added.changed_while_scanning.is_empty());
    }

    /// A document the settings ignore, opened while the index does not
    /// hold it (`files.ignore` took it out): its own diagnostics are
    /// queued all the same. A pass that took it before it was opened (to
    /// clear what the client showed for it) drops its result, as the
    /// document's version is newer, and nothing else would clear them
    /// (the session fuzz target: `09-solution.md` kept 31 diagnostics).
    #[test]
    fn an_ignored_document_opened_queues_its_own_diagnostics() {
        const SOLUTION: &str = "strategy/canvas/09-solution.md";
        let settings = Settings {
            files: Some(crate::config::FileSettings {
                ignore: Some(vec!["**".into()]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let snapshot =
            Snapshot::from_sources(&settings, vec![Source::text(SOLUTION, "# Solution\n")]);
        assert!(!snapshot.files.contains_key(SOLUTION));
        let mut workspace = Workspace::new(
            std::env::temp_dir().join("leanos-ignored-opened"),
            Detached::default(),
        );
        let ticket = workspace.start_scan();
        workspace.install(snapshot, ticket);
        workspace.take_pending();
        workspace
            .open
            .insert(SOLUTION.into(), Document::new("", 1, true));
        workspace.relower_open(SOLUTION);
        assert!(workspace.take_pending().contains(SOLUTION));
    }

    #[test]
    fn a_failed_scan_ends_and_leaves_its_changes_to_the_scans_under_way() {
        let root = std::env::temp_dir().join("leanos-failed-scan");
        let changed = "threads/sales/acme/1-input.md";
        let mut workspace = Workspace::new(root, Detached::default());
        let failing = workspace.start_scan();
        let other = workspace.start_scan();
        workspace.changed_while_scanning.insert(changed.into());
        workspace.abandon_scan(failing);
        assert!(workspace.scanning(), "the other scan is still under way");
        assert!(workspace.changed_while_scanning.contains(changed));
        workspace.install(snapshot_with(&[]), other);
        assert!(!workspace.scanning());
        assert!(workspace.changed_while_scanning.is_empty());

        // A failed scan alone: nothing is under way, and nothing is kept
        // for an install that will not come.
        let failing = workspace.start_scan();
        workspace.changed_while_scanning.insert(changed.into());
        workspace.abandon_scan(failing);
        assert!(!workspace.scanning());
        assert!(workspace.changed_while_scanning.is_empty());
    }

    /// A file diagnosed again for what another file changed keeps its
    /// text: the files pointing into it are not diagnosed with it (a
    /// thread citing another ID re-diagnoses the Canvas, not the 8,700
    /// learnings the Canvas points into). When its own text changed, they
    /// are.
    #[test]
    fn only_a_file_whose_text_changed_takes_its_dependents_along() {
        use crate::lsp::survey::{survey, SurveyCache, Surveyor};
        const CANVAS: &str = "strategy/canvas/10-assumptions.md";
        const LEARNING: &str = "threads/sales/a/6-learning.md";
        let mut workspace = Workspace::new(
            std::env::temp_dir().join("leanos-dependents"),
            Detached::default(),
        );
        let ticket = workspace.start_scan();
        workspace.install(
            crate::analysis::diagnostics::fixture::snapshot(&format!(
                "//- /{CANVAS}\n### A4: White-label\n**Status:** \u{23f3} TESTING\n\
                 //- /{LEARNING}\n# Learning\n\n- A4: INVALIDATED\n"
            )),
            ticket,
        );
        assert!(workspace.take_pending().contains(CANVAS));
        // The Canvas's learning-not-applied points into the learning.
        let found = crate::analysis::diagnostics::file_diagnostics(&workspace.snapshot, CANVAS);
        let surveyor = Surveyor {
            snapshot: &workspace.snapshot,
            stamps: &Arc::default(),
            cache: &SurveyCache::default(),
            unit: ColumnUnit::Utf16,
        };
        let canvas = &workspace.snapshot.files[CANVAS];
        let related = survey(surveyor, CANVAS, canvas, &found, None).related;
        workspace.set_related(CANVAS, related);
        workspace.pending.insert(LEARNING.to_string());
        assert_eq!(
            workspace.take_pending(),
            BTreeSet::from([LEARNING.to_string()])
        );
        workspace.pending.insert(LEARNING.to_string());
        workspace.text_changed.insert(LEARNING.to_string());
        assert_eq!(
            workspace.take_pending(),
            BTreeSet::from([CANVAS.to_string(), LEARNING.to_string()])
        );
        assert!(workspace.take_pending().is_empty());
    }
}
