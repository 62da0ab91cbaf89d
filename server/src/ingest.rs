//! What enters the index, decided in one place for every way a file
//! arrives: the scan of a root, [`Snapshot::from_sources`] (tests and
//! fixtures), a document the editor opens or changes, and a file changed
//! on disk. One [`Policy`] says whether a path is ignored (`[files]
//! ignore`), a link target only, or a source file that is lowered; and
//! lowers source files the same way whatever their origin: over the size
//! cap (`[files] max_size`) a file is `file-too-large` with no text, even
//! when an editor sends it; bytes that are not UTF-8 are decoded lossily
//! (`file-encoding`). A closed file and the same text open in an editor
//! give identical facts.

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::facts::ReadState;
use crate::index::{effective_config, FileData, Snapshot};
use crate::paths;
use crate::vfs::{self, FileRead};

/// One input file for [`Snapshot::from_sources`].
#[derive(Debug, Clone)]
pub struct Source {
    /// Workspace path.
    pub path: String,
    /// The file's bytes, or its size when it is over the cap.
    pub content: FileRead,
}

impl Source {
    /// A file of `text` (as if read from disk).
    pub fn text(path: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            path: path.into(),
            content: FileRead::Bytes(text.into().into_bytes()),
        }
    }
}

/// What a workspace path is to the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Matched by an ignore glob: not in the index at all.
    Ignored,
    /// Not a source file (a CSV, an image): only a link target.
    Other,
    /// Markdown, thread metadata or `leanos.toml`: read and lowered.
    Source,
}

/// A source file's content as it arrives.
#[derive(Debug, Clone)]
pub enum Content {
    /// From disk: its bytes, or its size when it is over the cap.
    Disk(FileRead),
    /// From an editor: the open document's text.
    Editor(Arc<str>),
}

/// The ingest policy of one configuration.
pub struct Policy<'a> {
    config: &'a Config,
    ignore: globset::GlobSet,
}

impl<'a> Policy<'a> {
    /// The policy of `config`.
    pub fn new(config: &'a Config) -> Policy<'a> {
        Policy {
            config,
            ignore: config.ignore_matcher(),
        }
    }

    /// What the workspace path `path` is.
    pub fn kind(&self, path: &str) -> Kind {
        if self.ignore.is_match(path) {
            Kind::Ignored
        } else if paths::is_source_path(path) {
            Kind::Source
        } else {
            Kind::Other
        }
    }

    /// Lowers the source file `path` from `content`; `version` is an open
    /// document's. Text over the size cap is not lowered (whoever sent it),
    /// bytes that are not UTF-8 are decoded with replacement characters.
    pub fn lower(&self, path: &str, content: Content, version: Option<i32>) -> FileData {
        let max = self.config.max_file_size;
        let (text, read) = match content {
            Content::Disk(FileRead::Bytes(bytes)) if bytes.len() as u64 > max => {
                (Arc::from(""), ReadState::TooLarge(bytes.len() as u64))
            }
            Content::Disk(FileRead::Bytes(bytes)) => {
                let decoded = vfs::decode(&bytes);
                let read = ReadState::Read {
                    invalid_utf8_at: decoded.invalid_utf8_at,
                };
                (decoded.text, read)
            }
            Content::Disk(FileRead::TooLarge(size)) => (Arc::from(""), ReadState::TooLarge(size)),
            Content::Editor(text) if text.len() as u64 > max => {
                (Arc::from(""), ReadState::TooLarge(text.len() as u64))
            }
            Content::Editor(text) => (
                text,
                ReadState::Read {
                    invalid_utf8_at: None,
                },
            ),
        };
        FileData::new(path, text, read, self.config, version)
    }
}

/// Builds a workspace under `config` from `items` (the one builder of the
/// scan and of [`Snapshot::from_sources`]): in parallel, each item's path
/// is classified by the [`Policy`], and a source file's content is read
/// with `content_of` (which returns `None` for a file that cannot be read:
/// it is left out) and lowered; ignored paths are dropped, others kept as
/// link targets.
pub fn build<S: Send>(
    config: Config,
    items: Vec<S>,
    path_of: impl Fn(&S) -> &str + Sync,
    content_of: impl Fn(S) -> Option<FileRead> + Sync,
) -> Snapshot {
    let policy = Policy::new(&config);
    let (files, others): (Vec<Option<Arc<FileData>>>, Vec<Option<String>>) = items
        .into_par_iter()
        .map(|item| {
            let path = path_of(&item).to_string();
            match policy.kind(&path) {
                Kind::Ignored => (None, None),
                Kind::Other => (None, Some(path)),
                Kind::Source => match content_of(item) {
                    Some(read) => (
                        Some(Arc::new(policy.lower(&path, Content::Disk(read), None))),
                        None,
                    ),
                    None => (None, None),
                },
            }
        })
        .unzip();
    let files: Vec<Arc<FileData>> = files.into_iter().flatten().collect();
    let others: Vec<String> = others.into_iter().flatten().collect();
    Snapshot::build(config, files, &others)
}

/// Defined here, beside [`build`], so that `index` needs no `vfs`.
impl Snapshot {
    /// Builds a workspace from in-memory sources: reads `leanos.toml` among
    /// them for the configuration, then builds it as the scan does
    /// ([`crate::ingest::build`]: ignored paths dropped, source files
    /// lowered in parallel, the others kept as link targets), for tests and
    /// fixtures; the CLI and the server's scan read a root from disk with
    /// [`crate::load::load_workspace`], which uses the same builder.
    pub fn from_sources(client: &crate::config::Settings, sources: Vec<Source>) -> Snapshot {
        let toml_text = sources
            .iter()
            .find(|s| s.path == "leanos.toml")
            .and_then(|s| match &s.content {
                FileRead::Bytes(bytes) => Some(vfs::decode(bytes).text),
                FileRead::TooLarge(_) => None,
            });
        let config = effective_config(client, toml_text.as_deref());
        build(config, sources, |s| &s.path, |s| Some(s.content))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnostics::file_diagnostics;

    /// Every file of a workspace on disk, with its bytes.
    fn files_of(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
        let walked = vfs::walk(root, &|_| false);
        walked
            .files
            .into_iter()
            .map(|path| {
                let bytes = std::fs::read(paths::absolute_path(root, &path)).unwrap();
                (path, bytes)
            })
            .collect()
    }

    /// Every source file of `root`, lowered closed (from disk) and open
    /// (as an editor sends it), gives the same facts and the same
    /// diagnostics, under `config`.
    fn open_and_closed_agree(root: &std::path::Path, config: &Config) {
        let files = files_of(root);
        let snapshot = build(
            config.clone(),
            files.clone(),
            |(path, _)| path,
            |(_, bytes)| Some(FileRead::Bytes(bytes)),
        );
        let policy = Policy::new(config);
        let mut compared = 0;
        for (path, bytes) in files {
            let Ok(text) = String::from_utf8(bytes) else {
                continue; // an editor's text is always valid UTF-8
            };
            if policy.kind(&path) != Kind::Source {
                assert!(!snapshot.files.contains_key(path.as_str()), "{path}");
                continue;
            }
            let open = policy.lower(&path, Content::Editor(Arc::from(text.as_str())), Some(1));
            let closed = &snapshot.files[path.as_str()];
            assert_eq!(open.facts, closed.facts, "{path}");
            assert_eq!(open.text, closed.text, "{path}");
            let mut opened = snapshot.clone();
            opened.upsert(open);
            assert_eq!(
                file_diagnostics(&opened, &path),
                file_diagnostics(&snapshot, &path),
                "{path}"
            );
            compared += 1;
        }
        assert!(compared >= 5, "only {compared} files compared");
    }

    fn example() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/quillfeather")
    }

    #[test]
    fn open_and_closed_files_give_identical_facts_and_diagnostics() {
        for root in [
            example(),
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/workspace"),
        ] {
            open_and_closed_agree(&root, &Config::default());
        }
    }

    #[test]
    fn ignored_and_oversized_files_are_the_same_open_and_closed() {
        let config = Config {
            ignore: vec!["threads/marketing/**".into()],
            max_file_size: 300,
            ..Config::default()
        };
        open_and_closed_agree(&example(), &config);
        let policy = Policy::new(&config);
        assert_eq!(
            policy.kind("threads/marketing/cpa-newsletter/1-input.md"),
            Kind::Ignored
        );
        let big = "x".repeat(301);
        let open = policy.lower(
            "notes.md",
            Content::Editor(Arc::from(big.as_str())),
            Some(1),
        );
        assert!(open.text.is_empty());
        assert_eq!(open.facts.problems[0].code, "file-too-large");
    }
}
