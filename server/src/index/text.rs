//! A file's text as the index keeps it: held in memory, or left on disk
//! and read again when asked for.
//!
//! At 10,000 threads the files' text is 40 MB of the index's 140 MB
//! (BENCHMARKS.md "Memory"), and most of it is never read again once the
//! file is lowered: only a diagnostic's position on a line with wide
//! characters, a hover or a fix needs it. The text of a closed thread file
//! (stage files, thread metadata, notes) read from a root is therefore not
//! kept; what is kept is its length and a digest, and [`Text::exact`]
//! reads the file again through a [`TextSource`] (the root it came from,
//! given by `ingest`: the index never reads a file itself), giving its
//! text only when it is still the text that was lowered. Canvas sections,
//! goals and `leanos.toml` keep their text: rules over other files read
//! them.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Where a text left on disk is read again from: the root it was read
/// from (`crate::ingest` gives one over the file system, with its
/// refusals: nothing outside the root, no symbolic link on the way).
pub trait TextSource: Send + Sync {
    /// The text of the workspace file `path` as it is now, decoded as the
    /// scan decodes it, when it is at most `max_len` bytes long; `None`
    /// when it is longer, gone, refused or unreadable.
    fn read(&self, path: &str, max_len: u32) -> Option<Arc<str>>;
}

/// The text a file was lowered from: held, or left where a
/// [`TextSource`] reads it again.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Held(Arc<str>),
    /// Read again from `source`: the text must be `len` bytes long and
    /// have the digest `digest` to be the lowered text.
    OnDisk {
        source: Arc<dyn TextSource>,
        len: u32,
        digest: u64,
    },
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Repr::Held(text) => write!(f, "Text::Held({} bytes)", text.len()),
            Repr::OnDisk { len, .. } => write!(f, "Text::OnDisk({len} bytes)"),
        }
    }
}

impl Text {
    /// A text held in memory.
    pub fn held(text: Arc<str>) -> Text {
        Text(Repr::Held(text))
    }

    /// `text`, read from `source`, left there: only its length and digest
    /// are kept. A text of 4 GiB or more is held (its length would not fit
    /// the `u32` kept).
    pub fn on_disk(source: Arc<dyn TextSource>, text: &str) -> Text {
        match u32::try_from(text.len()) {
            Ok(len) => Text(Repr::OnDisk {
                source,
                len,
                digest: digest(text),
            }),
            Err(_) => Text::held(Arc::from(text)),
        }
    }

    /// Whether the text is in memory.
    pub fn is_held(&self) -> bool {
        matches!(self.0, Repr::Held(_))
    }

    /// The length of the text in bytes.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Held(text) => text.len(),
            Repr::OnDisk { len, .. } => *len as usize,
        }
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text that was lowered: the held text, or the file `path` (a
    /// workspace path) read again from its source when it still is that
    /// text (same length and digest). `None` when the file changed since,
    /// or the source cannot read it.
    pub fn exact(&self, path: &str) -> Option<Arc<str>> {
        match &self.0 {
            Repr::Held(text) => Some(text.clone()),
            Repr::OnDisk {
                source,
                len,
                digest,
            } => {
                let text = source.read(path, *len)?;
                (text.len() == *len as usize && self::digest(&text) == *digest).then_some(text)
            }
        }
    }
}

/// A 64-bit digest of `text` (SipHash with fixed keys: the same in every
/// process).
fn digest(text: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A source holding one text, which the test changes.
    struct Store(Mutex<Option<String>>);

    impl TextSource for Store {
        fn read(&self, _path: &str, max_len: u32) -> Option<Arc<str>> {
            let text = self.0.lock().unwrap().clone()?;
            (text.len() <= max_len as usize).then(|| Arc::from(text))
        }
    }

    #[test]
    fn a_text_left_on_disk_is_given_back_only_while_its_source_holds_it() {
        let lowered = "# Input \u{2014} caf\u{e9}\n\nTests: A4\n";
        let store = Arc::new(Store(Mutex::new(Some(lowered.to_string()))));
        let path = "threads/sales/acme/1-input.md";
        let text = Text::on_disk(store.clone(), lowered);
        assert!(!text.is_held());
        assert_eq!(text.len(), lowered.len());
        assert_eq!(text.exact(path).as_deref(), Some(lowered));
        // Same length, other bytes; then longer; then gone.
        let set = |t: Option<String>| *store.0.lock().unwrap() = t;
        set(Some(lowered.replace("A4", "A5")));
        assert_eq!(text.exact(path), None);
        set(Some(format!("{lowered}more\n")));
        assert_eq!(text.exact(path), None);
        set(None);
        assert_eq!(text.exact(path), None);
        set(Some(lowered.to_string()));
        assert_eq!(text.exact(path).as_deref(), Some(lowered));
        let held = Text::held(Arc::from(lowered));
        assert!(held.is_held());
        assert_eq!(held.exact(path).as_deref(), Some(lowered));
    }
}
