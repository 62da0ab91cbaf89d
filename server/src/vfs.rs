//! The only module that touches the file system for workspace content:
//! walking a root, reading files with a size cap, decoding them lossily,
//! and turning paths into workspace-relative paths (never outside the root).

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Default size cap: files larger than this are not read (`file-too-large`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// A file's text after decoding, with what went wrong while reading it.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text; invalid UTF-8 sequences are replaced by U+FFFD.
    pub text: Arc<str>,
    /// Byte offset (in `text`) of the first replaced sequence when the
    /// file was not valid UTF-8.
    pub invalid_utf8_at: Option<u32>,
}

/// Decodes bytes as UTF-8, lossily: invalid sequences become U+FFFD and
/// the first one's offset is reported (`file-encoding`).
pub fn decode(bytes: &[u8]) -> Decoded {
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: Arc::from(text),
            invalid_utf8_at: None,
        },
        Err(error) => Decoded {
            text: Arc::from(String::from_utf8_lossy(bytes).as_ref()),
            invalid_utf8_at: Some(error.valid_up_to() as u32),
        },
    }
}

/// What reading one file gave.
#[derive(Debug, Clone)]
pub enum FileRead {
    /// The file's bytes (at most the size cap).
    Bytes(Vec<u8>),
    /// The file is larger than the cap and was not read; its size in bytes.
    TooLarge(u64),
}

/// Errors of the vfs layer.
#[derive(Debug, thiserror::Error)]
pub enum VfsError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0} is outside the workspace root")]
    OutsideRoot(String),
}

/// Reads `root/relative` unless it is larger than `max_size` bytes.
/// `relative` must be a normalised workspace path (see [`normalize`]);
/// symlinks are not followed out of the root because the walk never
/// reports them as files.
pub fn read_file(root: &Path, relative: &str, max_size: u64) -> Result<FileRead, VfsError> {
    let Some(relative) = normalize(relative) else {
        return Err(VfsError::OutsideRoot(relative.to_string()));
    };
    let path = root.join(&relative);
    let io_error = |source| VfsError::Io {
        path: relative.clone(),
        source,
    };
    let metadata = std::fs::symlink_metadata(&path).map_err(io_error)?;
    if metadata.file_type().is_symlink() {
        return Err(VfsError::OutsideRoot(relative));
    }
    if metadata.len() > max_size {
        return Ok(FileRead::TooLarge(metadata.len()));
    }
    let bytes = std::fs::read(&path).map_err(io_error)?;
    if bytes.len() as u64 > max_size {
        return Ok(FileRead::TooLarge(bytes.len() as u64));
    }
    Ok(FileRead::Bytes(bytes))
}

/// Whether the engine reads and lowers a file with this workspace path
/// (markdown, thread metadata and the config file). Other files only
/// count as link targets.
pub fn is_source_path(relative: &str) -> bool {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    name.ends_with(".md")
        || name.ends_with(".markdown")
        || name == "meta.json"
        || name == "metadata.yaml"
        || name == "metadata.yml"
        || name == "leanos.toml"
}

/// Everything a walk of the root found, as workspace paths (`/`-separated,
/// relative to the root, no leading `./`).
#[derive(Debug, Default, Clone)]
pub struct WalkResult {
    /// Every regular file, sorted.
    pub files: Vec<String>,
    /// Every directory below the root, sorted.
    pub dirs: Vec<String>,
}

/// Walks `root` in parallel, skipping hidden files and what `.gitignore`
/// files ignore, never following symlinks (so a symlink loop cannot hang
/// it and nothing outside the root is reached). `ignored` filters further.
pub fn walk(root: &Path, ignored: &(dyn Fn(&str) -> bool + Sync)) -> WalkResult {
    let found: Mutex<WalkResult> = Mutex::new(WalkResult::default());
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(false)
        .hidden(true)
        .parents(false)
        .build_parallel();
    walker.run(|| {
        let found = &found;
        let mut local = WalkResult::default();
        struct Flush<'a> {
            local: WalkResult,
            into: &'a Mutex<WalkResult>,
        }
        impl Drop for Flush<'_> {
            fn drop(&mut self) {
                if let Ok(mut all) = self.into.lock() {
                    all.files.append(&mut self.local.files);
                    all.dirs.append(&mut self.local.dirs);
                }
            }
        }
        local.files.reserve(256);
        let mut flush = Flush { local, into: found };
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return ignore::WalkState::Continue;
            };
            let Some(file_type) = entry.file_type() else {
                return ignore::WalkState::Continue;
            };
            let Ok(relative) = entry.path().strip_prefix(root) else {
                return ignore::WalkState::Continue;
            };
            let Some(relative) = path_to_workspace(relative) else {
                return ignore::WalkState::Continue;
            };
            if relative.is_empty() {
                return ignore::WalkState::Continue;
            }
            if ignored(&relative) {
                return if file_type.is_dir() {
                    ignore::WalkState::Skip
                } else {
                    ignore::WalkState::Continue
                };
            }
            if file_type.is_dir() {
                flush.local.dirs.push(relative);
            } else if file_type.is_file() {
                flush.local.files.push(relative);
            }
            ignore::WalkState::Continue
        })
    });
    let mut result = found.into_inner().unwrap_or_default();
    result.files.sort_unstable();
    result.dirs.sort_unstable();
    result
}

/// Turns a relative OS path into a workspace path, or `None` when it has
/// components that are not plain names (or are not UTF-8).
pub fn path_to_workspace(relative: &Path) -> Option<String> {
    let mut out = String::new();
    for component in relative.components() {
        match component {
            Component::Normal(name) => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(name.to_str()?);
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The workspace path of an absolute path under `root`, if it is under it.
pub fn workspace_path(root: &Path, absolute: &Path) -> Option<String> {
    let relative = absolute.strip_prefix(root).ok()?;
    let relative = path_to_workspace(relative)?;
    normalize(&relative)
}

/// The absolute path of a workspace path.
pub fn absolute_path(root: &Path, relative: &str) -> PathBuf {
    let mut path = root.to_path_buf();
    for part in relative.split('/').filter(|p| !p.is_empty()) {
        path.push(part);
    }
    path
}

/// Lexically normalises a `/`-separated path: drops `.` and empty parts,
/// resolves `..`. Returns `None` when `..` would climb above the start
/// (a path out of the workspace root) or the path is absolute.
pub fn normalize(path: &str) -> Option<String> {
    // Absolute paths (`/etc`, `\\server`, `C:…`) are never workspace paths.
    if path.starts_with(['/', '\\']) || path.get(1..2) == Some(":") {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Joins `relative` onto the workspace directory `base` and normalises;
/// `None` when the result would leave the root.
pub fn join(base: &str, relative: &str) -> Option<String> {
    if base.is_empty() {
        normalize(relative)
    } else {
        normalize(&format!("{base}/{relative}"))
    }
}

/// The directory part of a workspace path (`""` for a file at the root).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    }
}

/// The last component of a workspace path.
pub fn file_name(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_refuses_to_leave_the_root() {
        assert_eq!(normalize("a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("../../etc/passwd"), None);
        assert_eq!(normalize("C:\\Windows\\win.ini"), None);
        assert_eq!(normalize("\\\\server\\share"), None);
        assert_eq!(join("threads/sales/x", "../../../../etc/passwd"), None);
        assert_eq!(
            join("threads/sales/x", "../y/1-input.md").as_deref(),
            Some("threads/sales/y/1-input.md")
        );
        assert_eq!(normalize("/etc/passwd"), None);
    }

    #[test]
    fn decode_reports_first_invalid_byte() {
        let decoded = decode(b"ok \x93quoted\x94");
        assert_eq!(decoded.invalid_utf8_at, Some(3));
        assert!(decoded.text.contains('\u{FFFD}'));
        assert_eq!(decode("fine ✅".as_bytes()).invalid_utf8_at, None);
    }
}
