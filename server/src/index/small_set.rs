//! [`SmallSet`]: the value sets of the index's tables (files of a thread,
//! files citing an assumption, files whose links could reach a path).
//! Most hold one to a few members (35,000 of the 38,000 link keys of a
//! 10,000-thread workspace hold one file), where a persistent tree node
//! costs about a kilobyte; a few hold thousands (the files citing a
//! widely tested assumption), where copying a vector on every edit would
//! cost more than a persistent set. So: a sorted vector up to
//! [`SMALL`] members, an `imbl::OrdSet` beyond.

use std::borrow::Borrow;

use imbl::OrdSet;

/// Members a set keeps in a sorted vector before it becomes persistent.
pub const SMALL: usize = 32;

/// An ordered set; iteration is in `Ord` order whatever the representation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmallSet<T: Ord + Clone> {
    /// Sorted, without duplicates, at most [`SMALL`] members.
    Small(Vec<T>),
    /// More than [`SMALL`] members (it stays persistent until emptied).
    Large(OrdSet<T>),
}

impl<T: Ord + Clone> Default for SmallSet<T> {
    fn default() -> Self {
        SmallSet::Small(Vec::new())
    }
}

impl<T: Ord + Clone> SmallSet<T> {
    /// Adds `value`; whether it was new.
    pub fn insert(&mut self, value: T) -> bool {
        match self {
            SmallSet::Small(items) => match items.binary_search(&value) {
                Ok(_) => false,
                Err(at) if items.len() < SMALL => {
                    // Grown one member at a time: most sets keep one or
                    // two members, where a vector's first growth makes
                    // room for four.
                    items.reserve_exact(1);
                    items.insert(at, value);
                    true
                }
                Err(_) => {
                    let mut set: OrdSet<T> = items.drain(..).collect();
                    set.insert(value);
                    *self = SmallSet::Large(set);
                    true
                }
            },
            SmallSet::Large(set) => set.insert(value).is_none(),
        }
    }

    /// Removes `value`; whether it was there.
    pub fn remove<Q>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        match self {
            SmallSet::Small(items) => match items.binary_search_by(|x| x.borrow().cmp(value)) {
                Ok(at) => {
                    items.remove(at);
                    true
                }
                Err(_) => false,
            },
            SmallSet::Large(set) => set.remove(value).is_some(),
        }
    }

    /// Whether `value` is a member.
    pub fn contains<Q>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        match self {
            SmallSet::Small(items) => items.binary_search_by(|x| x.borrow().cmp(value)).is_ok(),
            SmallSet::Large(set) => set.contains(value),
        }
    }

    /// How many members.
    pub fn len(&self) -> usize {
        match self {
            SmallSet::Small(items) => items.len(),
            SmallSet::Large(set) => set.len(),
        }
    }

    /// Whether the set has no member.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The members in order.
    pub fn iter(&self) -> Iter<'_, T> {
        match self {
            SmallSet::Small(items) => Iter::Small(items.iter()),
            SmallSet::Large(set) => Iter::Large(set.iter()),
        }
    }
}

/// The members of a [`SmallSet`] in order.
pub enum Iter<'a, T: Ord + Clone> {
    Small(std::slice::Iter<'a, T>),
    Large(imbl::ordset::Iter<'a, T, imbl::shared_ptr::DefaultSharedPtr>),
}

impl<'a, T: Ord + Clone> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        match self {
            Iter::Small(items) => items.next(),
            Iter::Large(items) => items.next(),
        }
    }
}

impl<'a, T: Ord + Clone> IntoIterator for &'a SmallSet<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T: Ord + Clone> FromIterator<T> for SmallSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut set = SmallSet::default();
        for item in items {
            set.insert(item);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Against `BTreeSet` through a random sequence of inserts and
        /// removes that crosses the small/large boundary both ways.
        #[test]
        fn behaves_like_a_btree_set(ops in proptest::collection::vec((any::<bool>(), 0u16..80), 0..400)) {
            let mut set = SmallSet::default();
            let mut model = std::collections::BTreeSet::new();
            for (insert, value) in ops {
                if insert {
                    prop_assert_eq!(set.insert(value), model.insert(value));
                } else {
                    prop_assert_eq!(set.remove(&value), model.remove(&value));
                }
                prop_assert_eq!(set.len(), model.len());
                prop_assert_eq!(set.contains(&value), model.contains(&value));
            }
            prop_assert!(set.iter().eq(model.iter()));
        }
    }

    #[test]
    fn grows_into_a_persistent_set_and_keeps_order() {
        let mut set: SmallSet<String> = (0..SMALL).map(|i| format!("p{i:03}")).collect();
        assert!(matches!(set, SmallSet::Small(_)));
        assert!(set.insert("a".into()));
        assert!(matches!(set, SmallSet::Large(_)));
        assert_eq!(set.iter().next().map(String::as_str), Some("a"));
        assert!(set.contains("p005") && !set.contains("p999"));
        assert!(set.remove("a") && !set.remove("a"));
        assert_eq!(set.len(), SMALL);
    }
}
