//! The files whose diagnostics point into one target file, with the span
//! they point at there (the values of `Workspace::related_into`).
//!
//! Most targets have one or two (a learning pointing into its own
//! thread's decision: 5,300 such targets at 10,000 threads), a few have
//! thousands (the Canvas sections every learning points into). A B-tree
//! map allocates room for eleven entries even for one (about 700 bytes
//! here); so a target's dependents are a vector sized to them while they
//! are few, and a hash map once they are many.

use std::collections::HashMap;

use smol_str::SmolStr;

use crate::lsp::moves::RelatedSpan;

/// Dependents kept in a vector up to this many.
const FEW: usize = 8;

/// The dependents of one target: file -> span.
#[derive(Debug)]
pub(in crate::lsp) enum Dependents {
    /// Unordered, each file once, capacity kept to the length.
    Few(Vec<(SmolStr, RelatedSpan)>),
    Many(HashMap<SmolStr, RelatedSpan>),
}

impl Default for Dependents {
    fn default() -> Self {
        Dependents::Few(Vec::new())
    }
}

impl Dependents {
    /// The span `path` points at, to change in place.
    pub fn get_mut(&mut self, path: &str) -> Option<&mut RelatedSpan> {
        match self {
            Dependents::Few(few) => few.iter_mut().find(|(p, _)| p == path).map(|(_, s)| s),
            Dependents::Many(many) => many.get_mut(path),
        }
    }

    /// Records that `path` points at `span` (replacing its span).
    pub fn insert(&mut self, path: SmolStr, span: RelatedSpan) {
        if let Some(old) = self.get_mut(&path) {
            *old = span;
            return;
        }
        match self {
            Dependents::Few(few) if few.len() < FEW => {
                few.reserve_exact(1);
                few.push((path, span));
            }
            Dependents::Few(few) => {
                let mut many: HashMap<SmolStr, RelatedSpan> =
                    std::mem::take(few).into_iter().collect();
                many.insert(path, span);
                *self = Dependents::Many(many);
            }
            Dependents::Many(many) => {
                many.insert(path, span);
            }
        }
    }

    /// Forgets `path`.
    pub fn remove(&mut self, path: &str) {
        match self {
            Dependents::Few(few) => {
                few.retain(|(p, _)| p != path);
                few.shrink_to_fit();
            }
            Dependents::Many(many) => {
                many.remove(path);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Dependents::Few(few) => few.is_empty(),
            Dependents::Many(many) => many.is_empty(),
        }
    }

    /// Every dependent with its span, in no particular order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&SmolStr, &RelatedSpan)> + '_> {
        match self {
            Dependents::Few(few) => Box::new(few.iter().map(|(p, s)| (p, s))),
            Dependents::Many(many) => Box::new(many.iter()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(first: u32) -> RelatedSpan {
        RelatedSpan {
            stamp: None,
            first,
            last: first,
            last_col: 0,
        }
    }

    /// Through the switch from a vector to a map and back to empty, the
    /// dependents are what was inserted, each once, with its last span.
    #[test]
    fn dependents_are_a_map_few_or_many() {
        let mut dependents = Dependents::default();
        let mut expected = std::collections::BTreeMap::new();
        for round in 0..3u32 {
            for i in 0..(FEW as u32 + 5) {
                let path = SmolStr::new(format!("threads/t{i}/6-learning.md"));
                dependents.insert(path.clone(), span(i + round));
                expected.insert(path, i + round);
                let got: std::collections::BTreeMap<SmolStr, u32> = dependents
                    .iter()
                    .map(|(p, s)| (p.clone(), s.first))
                    .collect();
                assert_eq!(got, expected);
            }
        }
        assert!(matches!(dependents, Dependents::Many(_)));
        dependents
            .get_mut("threads/t3/6-learning.md")
            .unwrap()
            .first = 99;
        assert_eq!(
            dependents
                .get_mut("threads/t3/6-learning.md")
                .map(|s| s.first),
            Some(99)
        );
        for path in expected.keys() {
            assert!(!dependents.is_empty());
            dependents.remove(path);
        }
        assert!(dependents.is_empty());
        let mut few = Dependents::default();
        few.insert("a.md".into(), span(1));
        few.insert("b.md".into(), span(2));
        few.remove("a.md");
        assert_eq!(
            few.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
            ["b.md"]
        );
        assert!(few.get_mut("a.md").is_none());
    }
}
