//! What `link-broken` found for each link of an open document, kept for
//! its next keystroke: the assumptions section holds hundreds of evidence
//! paths, and resolving each (its candidates, B-tree lookups of long paths
//! sharing their first bytes, the ignore globs for a missing one) was a
//! sixth of what a keystroke there cost. A link's finding depends on its
//! file's path, its kind and its target, and on the snapshot's path set,
//! folders, Canvas sections, threads and configuration; the memo holds
//! those tables as they were (clones of persistent maps: O(1), and they
//! share their nodes) and is emptied as soon as one differs by pointer.
//! Two maps with the same root are the same map, and while the memo holds
//! a root nothing can change it in place. The cost: until the next open
//! document's diagnosis replaces them, the memo keeps one older version
//! of those four maps alive (the nodes edits copied since).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use imbl::{OrdMap, OrdSet};
use smol_str::SmolStr;

use super::{PathSet, Snapshot};
use crate::config::Config;
use crate::facts::LinkKind;

/// A link as its finding depends on it: the workspace path of its file,
/// its kind and its target.
pub type LinkKey = (SmolStr, LinkKind, SmolStr);

/// The most findings held; past it the memo starts over (only open
/// documents' links are kept, a few thousand at most).
const SLOTS: usize = 50_000;

/// The memo of [`Memo::links`](super::Memo::links).
#[derive(Debug, Default)]
pub struct LinkMemo(Mutex<Option<Held>>);

#[derive(Debug)]
struct Held {
    paths: OrdSet<SmolStr>,
    dirs: OrdMap<String, u32>,
    canvas: OrdMap<u8, PathSet>,
    threads: OrdMap<String, PathSet>,
    config: Arc<Config>,
    /// Link -> the message of its diagnostic (`None`: not broken).
    found: HashMap<LinkKey, Option<String>>,
}

impl Held {
    fn new(snapshot: &Snapshot) -> Held {
        Held {
            paths: snapshot.paths.clone(),
            dirs: snapshot.dirs.clone(),
            canvas: snapshot.canvas.clone(),
            threads: snapshot.threads.clone(),
            config: snapshot.config.clone(),
            found: HashMap::new(),
        }
    }

    fn is_of(&self, snapshot: &Snapshot) -> bool {
        self.paths.ptr_eq(&snapshot.paths)
            && self.dirs.ptr_eq(&snapshot.dirs)
            && self.canvas.ptr_eq(&snapshot.canvas)
            && self.threads.ptr_eq(&snapshot.threads)
            && Arc::ptr_eq(&self.config, &snapshot.config)
    }
}

impl LinkMemo {
    /// Runs `f` with the findings valid on `snapshot` (emptied first when
    /// they were found on other tables). A poisoned memo (a panic
    /// elsewhere while it was held) is only a cache: `f` gets an empty map
    /// of its own.
    pub fn with<R>(
        &self,
        snapshot: &Snapshot,
        f: impl FnOnce(&mut HashMap<LinkKey, Option<String>>) -> R,
    ) -> R {
        let Ok(mut held) = self.0.lock() else {
            return f(&mut HashMap::new());
        };
        if !held
            .as_ref()
            .is_some_and(|h| h.is_of(snapshot) && h.found.len() < SLOTS)
        {
            *held = Some(Held::new(snapshot));
        }
        match held.as_mut() {
            Some(held) => f(&mut held.found),
            None => f(&mut HashMap::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(target: &str) -> LinkKey {
        ("notes.md".into(), LinkKind::Path, target.into())
    }

    /// What is kept holds for the tables it was found on and their
    /// clones, and for nothing else: a path added, a configuration
    /// replaced.
    #[test]
    fn findings_hold_while_the_tables_are_the_same() {
        let memo = LinkMemo::default();
        let mut snapshot = Snapshot::new(Config::default());
        let missing = Some("`a.md` does not exist".to_string());
        memo.with(&snapshot, |found| {
            found.insert(key("a.md"), missing.clone())
        });
        let clone = snapshot.clone();
        assert_eq!(
            memo.with(&clone, |found| found.get(&key("a.md")).cloned()),
            Some(missing.clone())
        );
        snapshot.add_path("a.md".into());
        assert_eq!(memo.with(&snapshot, |found| found.len()), 0);
        memo.with(&snapshot, |found| found.insert(key("a.md"), None));
        snapshot.set_config(Config::default());
        assert_eq!(memo.with(&snapshot, |found| found.len()), 0);
        // The older snapshot's tables are not the memo's any more either.
        assert_eq!(
            memo.with(&clone, |found| found.get(&key("a.md")).cloned()),
            None
        );
    }
}
