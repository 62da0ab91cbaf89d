//! What one file contributes to the index's tables: every key it is filed
//! under ([`Postings`]), and the updates that file or unfile it. An edit
//! that leaves a file's keys as they were (typing in a Canvas entry's
//! title, in a thread's prose) leaves the tables as they are.

use std::collections::BTreeSet;

use smol_str::SmolStr;

use super::candidates::{attribution_keys, attribution_source, link_keys};
use super::{EntryLocation, FileData, PathSet, Snapshot};
use crate::config::Config;
use crate::facts::paths::PathKind;
use crate::facts::solution::feature_key;
use crate::facts::{Link, LinkKind};

/// The keys of one file in each table of [`Snapshot`], or what they are
/// made from (the link keys). Equal postings mean the file is filed under
/// the same keys (entries at the same indexes); byte ranges are in no
/// table.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Postings {
    canvas: Option<u8>,
    thread: Option<String>,
    /// Assumption IDs of the file's entries, by index.
    entries: Vec<String>,
    refs: BTreeSet<SmolStr>,
    goal: Option<String>,
    goal_refs: BTreeSet<SmolStr>,
    features: BTreeSet<String>,
    /// The IDs a live learning records results for (all of them, in the
    /// order stated, repeats included); empty for other files.
    learning_results: Vec<SmolStr>,
    content_attributed: Option<String>,
    /// What the keys of `link_dependents` are made from
    /// ([`Postings::link_keys`]): each link's target and kind (what
    /// `candidates` reads of it) and each 09 entry's evidence path, the
    /// `source` attribution's path, and the threads feature requests name.
    links: Vec<(SmolStr, LinkKind)>,
    attribution: Option<(String, std::ops::Range<u32>)>,
    requests: Vec<String>,
}

impl Postings {
    /// The keys of `link_dependents` the file at `path` is filed under.
    fn link_keys(&self, config: &Config, path: &str) -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        for (target, kind) in &self.links {
            let link = Link {
                target: target.clone(),
                range: 0..0,
                kind: *kind,
                span: None,
                spawned: false,
            };
            keys.extend(link_keys(config, path, &link));
        }
        if let Some(source) = &self.attribution {
            keys.extend(attribution_keys(config, source));
        }
        // The thread a feature request names (not a link: it may name a
        // thread still to create) is found again when it appears or goes.
        for named in &self.requests {
            keys.insert(format!("path:{}/{named}", config.threads_dir));
        }
        keys
    }
}

/// The postings of `file` under `config`.
pub(super) fn postings(config: &Config, file: &FileData) -> Postings {
    let facts = &file.facts;
    let (canvas, thread) = match facts.path_kind() {
        PathKind::Canvas { number, .. } => (Some(*number), None),
        PathKind::Stage { thread, .. } | PathKind::ThreadMeta { thread, .. } => {
            (None, Some(thread.to_string()))
        }
        _ => (None, None),
    };
    let live_learning = matches!(
        facts.path_kind(),
        PathKind::Stage {
            number: 6 | 7,
            archived: false,
            ..
        }
    );
    Postings {
        canvas,
        thread,
        entries: facts.entries.iter().map(|e| e.id.clone()).collect(),
        refs: facts.refs.iter().map(|r| r.id.clone()).collect(),
        goal: facts.goal.as_ref().map(|g| g.id.clone()),
        goal_refs: facts.goal_refs.iter().map(|g| g.goal.clone()).collect(),
        features: facts
            .solution_updates
            .iter()
            .map(|(name, _)| feature_key(name))
            .collect(),
        learning_results: if live_learning {
            facts
                .learning_results
                .iter()
                .map(|r| r.id.clone())
                .collect()
        } else {
            Vec::new()
        },
        content_attributed: super::content_attribution(config, file).map(str::to_string),
        // A 09 entry's evidence path is read where its entry is (inside a
        // fence too, where no link is): whether it exists is part of the
        // section's diagnostics, so the section is filed under it as under
        // a link.
        links: facts
            .links
            .iter()
            .map(|l| (l.target.clone(), l.kind))
            .chain(facts.solution_entries.iter().filter_map(|e| {
                let (path, _) = e.evidence.as_ref()?;
                Some((SmolStr::from(path.as_str()), LinkKind::Path))
            }))
            .collect(),
        // Its range is not read: the same source at another place is the
        // same key.
        attribution: attribution_source(file).map(|(source, _)| (source, 0..0)),
        requests: facts
            .feature_requests
            .iter()
            .filter_map(|r| Some(r.thread.as_ref()?.0.clone()))
            .collect(),
    }
}

impl Snapshot {
    /// Files (`add`) or unfiles the file at `path` under `postings`.
    /// Every path set below keeps `path` itself (a reference count on the
    /// file's path, not a copy); the assumptions table's locations hold a
    /// copy.
    pub(super) fn post(&mut self, path: &SmolStr, postings: &Postings, add: bool) {
        let member = path;
        if let Some(number) = &postings.canvas {
            update_ord_set(&mut self.canvas, number, member, add);
        }
        if let Some(thread) = &postings.thread {
            update_set(&mut self.threads, thread, member, add);
        }
        for (index, id) in postings.entries.iter().enumerate() {
            let location = EntryLocation {
                file: path.to_string(),
                index,
            };
            let set = self.assumptions.entry(id.clone()).or_default();
            if add {
                set.insert(location);
            } else {
                set.remove(&location);
                if set.is_empty() {
                    self.assumptions.remove(id);
                }
            }
        }
        update_sets(&mut self.assumption_refs, &postings.refs, member, add);
        if let Some(goal) = &postings.goal {
            update_set(&mut self.goals, goal, member, add);
        }
        update_sets(&mut self.goal_refs, &postings.goal_refs, member, add);
        update_sets(
            &mut self.solution_announcements,
            &postings.features,
            member,
            add,
        );
        let results: BTreeSet<&str> = postings
            .learning_results
            .iter()
            .map(SmolStr::as_str)
            .collect();
        update_sets(&mut self.learning_records, results, member, add);
        self.new_learning_versions(postings);
        if let Some(thread) = &postings.content_attributed {
            update_set(&mut self.content_attributed, thread, member, add);
        }
        let links = postings.link_keys(&self.config, path);
        update_sets(&mut self.link_dependents, &links, member, add);
    }

    /// Draws new [`Snapshot::learning_versions`] for the IDs a live
    /// learning records results for: called whenever one is filed,
    /// unfiled or replaced (its text changed, so the ranges of its results
    /// may have too), keys unchanged or not.
    pub(super) fn new_learning_versions(&mut self, postings: &Postings) {
        for id in &postings.learning_results {
            if self.learning_records.contains_key(id.as_str()) {
                self.learning_versions
                    .insert(id.to_string(), super::snapshot::next_version());
            } else {
                self.learning_versions.remove(id.as_str());
            }
        }
    }
}

/// [`update_set`] for an ordered table keyed by number (Canvas sections).
fn update_ord_set(map: &mut imbl::OrdMap<u8, PathSet>, key: &u8, path: &SmolStr, add: bool) {
    if add {
        map.entry(*key).or_default().insert(path.clone());
    } else if map.get_mut(key).is_some_and(|set| {
        set.remove(path);
        set.is_empty()
    }) {
        map.remove(key);
    }
}

/// [`update_set`] for each key of `keys` (distinct, in key order).
fn update_sets<K: AsRef<str>>(
    map: &mut imbl::OrdMap<String, PathSet>,
    keys: impl IntoIterator<Item = K>,
    path: &SmolStr,
    add: bool,
) {
    for key in keys {
        update_set(map, key.as_ref(), path, add);
    }
}

/// Adds `path` under `key`, or removes it and drops the key once its set
/// is empty.
fn update_set(map: &mut imbl::OrdMap<String, PathSet>, key: &str, path: &SmolStr, add: bool) {
    if add {
        // The key is copied only when it is new.
        match map.get_mut(key) {
            Some(set) => set.insert(path.clone()),
            None => map.entry(key.to_string()).or_default().insert(path.clone()),
        };
    } else if map.get_mut(key).is_some_and(|set| {
        set.remove(path);
        set.is_empty()
    }) {
        map.remove(key);
    }
}
