//! Which roots the server's own watcher cannot yet vouch for, and so
//! whether lost file events (the kernel's event queue overflowed) need a
//! new scan or are found by a catch-up walk (`watcher.rs`).
//!
//! Registering a large tree floods the queue: the watcher's thread walks
//! the tree, opening every folder (inotify reports each open), and reads
//! no event until it is done, so at 30,000 threads (30,011 folders, a
//! queue of 16,384) the overflow is certain, and it is read only once
//! the registration has returned and the catch-up has begun. A root is
//! covered from its registration until its catch-up's last walk ends: an
//! overflow before the walk began is found by it; one while it runs may
//! hide a change to a file it has passed, so the catch-up walks again.
//! Only a loss no catch-up covers re-reads everything (before, every
//! registration at 30,000 threads did: a second snapshot beside the first,
//! 300 MB more).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Walks one catch-up makes at most before it gives up on catching up
/// (events still lost during its last walk) and the root is scanned again.
pub(in crate::lsp) const WALKS: usize = 3;

/// The roots being registered or caught up with.
#[derive(Debug, Default)]
pub(in crate::lsp) struct CatchUps {
    /// Being registered, or registered and waiting for the catch-up.
    awaiting: BTreeSet<PathBuf>,
    /// Being walked, with whether events were lost since the walk began.
    walking: BTreeMap<PathBuf, bool>,
}

impl CatchUps {
    /// `root`'s registration begins.
    pub fn registering(&mut self, root: &Path) {
        self.awaiting.insert(root.to_path_buf());
    }

    /// `root` is no longer registered or caught up with (its registration
    /// failed, or its catch-up ended).
    pub fn end(&mut self, root: &Path) {
        self.awaiting.remove(root);
        self.walking.remove(root);
    }

    /// `root`'s catch-up begins a walk.
    pub fn walk(&mut self, root: &Path) {
        self.awaiting.remove(root);
        self.walking.insert(root.to_path_buf(), false);
    }

    /// Whether events were lost while `root`'s walk ran (it must walk
    /// again); the next walk starts with none lost.
    pub fn lost_while_walking(&mut self, root: &Path) -> bool {
        self.walking
            .get_mut(root)
            .is_some_and(|lost| std::mem::replace(lost, false))
    }

    /// Events were lost, under any of `roots` (the watched ones): whether
    /// catch-ups cover them all (else every root must be scanned again).
    /// Walks under way are told to walk again.
    pub fn events_lost<'a>(&mut self, mut roots: impl Iterator<Item = &'a Path>) -> bool {
        let covered =
            roots.all(|root| self.awaiting.contains(root) || self.walking.contains_key(root));
        if covered {
            for lost in self.walking.values_mut() {
                *lost = true;
            }
        }
        covered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_events_are_covered_from_registration_to_the_last_walk() {
        let (a, b) = (Path::new("/w/a"), Path::new("/w/b"));
        let mut catch_ups = CatchUps::default();
        // Nothing registered: a loss is not covered.
        assert!(!catch_ups.events_lost([a].into_iter()));
        catch_ups.registering(a);
        assert!(catch_ups.events_lost([a].into_iter()));
        // A root watched and caught up with already is not covered.
        assert!(!catch_ups.events_lost([a, b].into_iter()));
        catch_ups.walk(a);
        assert!(!catch_ups.lost_while_walking(a));
        // Read while the walk runs (the registration's overflow, read
        // late): covered, and the walk goes again.
        assert!(catch_ups.events_lost([a].into_iter()));
        assert!(catch_ups.lost_while_walking(a));
        catch_ups.walk(a);
        assert!(!catch_ups.lost_while_walking(a));
        catch_ups.end(a);
        assert!(!catch_ups.events_lost([a].into_iter()));
        assert!(!catch_ups.lost_while_walking(a));
        // A failed registration ends its cover too.
        catch_ups.registering(b);
        catch_ups.end(b);
        assert!(!catch_ups.events_lost([b].into_iter()));
    }
}
