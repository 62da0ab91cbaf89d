//! Workspace paths: `/`-separated, relative to the root, never leaving it.
//! Pure algebra (no IO): normalising, joining, splitting, and converting
//! between workspace paths and OS paths under a root. Everything that
//! reads or walks the disk is [`crate::vfs`]'s.

use std::path::{Component, Path, PathBuf};

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

/// Turns a relative OS path into a workspace path, or `None` when it has
/// components that are not plain names (or are not UTF-8).
pub fn path_to_workspace(relative: &Path) -> Option<String> {
    // The exact length (a separator for each separator): a walk's tens of
    // thousands of paths carry no spare capacity.
    let mut out = String::with_capacity(relative.as_os_str().len());
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

/// Whether `path` is its own normal form (`normalize(path) == Some(path)`),
/// found without building it: not absolute, and no empty, `.` or `..`
/// part (the empty path is normal).
pub fn is_normal(path: &str) -> bool {
    path.is_empty()
        || !path.starts_with(['/', '\\'])
            && path.get(1..2) != Some(":")
            && path.split('/').all(|part| !matches!(part, "" | "." | ".."))
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

    proptest::proptest! {
        /// `is_normal` says what `normalize` would give back unchanged.
        #[test]
        fn a_normal_path_normalizes_to_itself(path in "[ab/.:\\\\C]{0,8}") {
            proptest::prop_assert_eq!(
                is_normal(&path),
                normalize(&path).as_deref() == Some(path.as_str()),
                "{:?}", path
            );
        }
    }
}
