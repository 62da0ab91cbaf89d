//! Where a link or an attribution `source` may point: the workspace paths
//! it is tried at, in order, and the reverse-map keys (`path:…`,
//! `canvas:N`, `thread:name`) the index files it under. Resolution
//! (`analysis::resolve`) tries the same candidates against a snapshot; the
//! index needs them to build `link_dependents`, so they live here, below
//! analysis.

use crate::config::Config;
use crate::facts::paths::PathKind;
use crate::facts::{Link, LinkKind};
use crate::index::FileData;
use crate::paths;

/// The workspace paths a link is tried at, in order, and whether it
/// climbs out of the root. Shared by resolution and the reverse map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidates {
    pub paths: Vec<String>,
    /// The Canvas section to resolve to by number: a Canvas name's only
    /// candidate, and the fallback of a path into the Canvas folder whose
    /// file name has a section number (`canvas/10.assumptions_validation_methods.md`
    /// is section 10 whatever its file is called now; leanos-formats.md §8.2).
    pub canvas: Option<u8>,
    /// A bare thread name matched against every thread folder's name.
    pub thread_name: Option<String>,
    /// The link leaves the workspace root: never resolved, never read.
    pub outside_root: bool,
}

/// Computes where `link` (in the file at `from`) may point.
pub fn candidates(config: &Config, from: &str, link: &Link) -> Candidates {
    let mut out = Candidates::default();
    let target = link.target.split(['#', '?']).next().unwrap_or("").trim();
    let target = percent_decode(target);
    let target = target.as_str();
    let dir = paths::parent(from);
    let push = |candidate: Option<String>, out: &mut Candidates| match candidate {
        Some(path) => {
            let path = path.trim_end_matches('/').to_string();
            if !out.paths.contains(&path) {
                out.paths.push(path);
            }
        }
        None => out.outside_root = true,
    };
    match link.kind {
        LinkKind::Markdown => {
            if target.is_empty() {
                return out;
            }
            if let Some(absolute) = target.strip_prefix('/') {
                push(paths::normalize(absolute), &mut out);
            } else {
                push(paths::join(dir, target), &mut out);
            }
        }
        LinkKind::Path => {
            if let Some(rest) = target.strip_prefix("canvas/") {
                let strategy = paths::parent(&config.canvas_dir);
                push(paths::join(strategy, &format!("canvas/{rest}")), &mut out);
                push(paths::join(&config.canvas_dir, rest), &mut out);
            } else if target.starts_with("./") || target.starts_with("../") {
                push(paths::join(dir, target), &mut out);
            } else if let Some(absolute) = target.strip_prefix('/') {
                push(paths::normalize(absolute), &mut out);
            } else {
                push(paths::normalize(target), &mut out);
                if !out.outside_root {
                    push(paths::join(dir, target), &mut out);
                    push(paths::join(&config.threads_dir, target), &mut out);
                }
            }
            out.canvas = out.paths.iter().find_map(|path| {
                (paths::parent(path) == config.canvas_dir)
                    .then(|| crate::facts::paths::canvas_file_number(paths::file_name(path)))
                    .flatten()
                    .map(|(number, _)| number)
            });
        }
        LinkKind::Sibling => push(paths::join(dir, target), &mut out),
        LinkKind::CanvasName(number) => {
            out.canvas = Some(number);
        }
        LinkKind::Thread => {
            let trimmed = target.trim_end_matches('/');
            let relative = trimmed
                .strip_prefix(&format!("{}/", config.threads_dir))
                .unwrap_or(trimmed);
            push(paths::join(&config.threads_dir, relative), &mut out);
            if !relative.contains('/') && !out.outside_root {
                out.thread_name = Some(relative.to_string());
            }
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(byte) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reverse-map keys of a link.
pub(super) fn link_keys(config: &Config, from: &str, link: &Link) -> Vec<String> {
    let candidates = candidates(config, from, link);
    let mut keys: Vec<String> = candidates
        .paths
        .iter()
        .map(|p| format!("path:{p}"))
        .collect();
    // A link whose file name is a Canvas file's, wherever it points, is
    // reported broken with the section's existing file as a hint
    // (link-broken): it depends on that section appearing or going.
    let name = paths::file_name(link.target.trim_end_matches('/'));
    let named = crate::facts::paths::canvas_file_number(name).map(|(number, _)| number);
    for number in candidates.canvas.into_iter().chain(named) {
        let key = format!("canvas:{number}");
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    if let Some(name) = candidates.thread_name {
        keys.push(format!("thread:{name}"));
    }
    keys
}

/// The `source` attribution of a thread metadata file or a stage 1
/// frontmatter, when it is a path.
pub fn attribution_source(file: &FileData) -> Option<(String, std::ops::Range<u32>)> {
    let kind = file.facts.path_kind();
    let applies = matches!(kind, PathKind::ThreadMeta { .. })
        || matches!(kind, PathKind::Stage { number: 1, .. });
    if !applies {
        return None;
    }
    let field = file.facts.meta()?.get("source")?;
    let value = field.value.as_text()?;
    value
        .contains('/')
        .then(|| (value.trim().to_string(), field.value_range.clone()))
}

/// The sales deal thread of `file` when the file attributes it to
/// marketing content: its [`attribution_source`] is a path under
/// `marketing/` (relative to the threads folder, or with it), and the
/// thread is a deal by its path (under `<threads>/sales/`, not under a
/// `campaigns` folder, not named `campaign-…`, not archived). What
/// `loop-no-attribution` counts as "sales threads that cite content"; a
/// `sales-campaign` type written only in metadata is not looked at.
pub fn content_attribution<'a>(config: &Config, file: &'a FileData) -> Option<&'a str> {
    let (source, _) = attribution_source(file)?;
    let relative = source
        .strip_prefix(&format!("{}/", config.threads_dir))
        .unwrap_or(&source);
    if !relative.starts_with("marketing/") {
        return None;
    }
    let thread = file.facts.path_kind().thread()?;
    let within = thread.strip_prefix(&format!("{}/", config.threads_dir))?;
    let deal = within.starts_with("sales/")
        && !within
            .split('/')
            .any(|p| p == "campaigns" || p == "archive" || p.starts_with("campaign-"));
    deal.then_some(thread)
}

/// Where an attribution `source` path may point (leanos-formats.md §4.4):
/// `threads/<source>`, the source as a workspace path, then the campaign
/// folders under `threads/marketing/campaigns/` and
/// `artifacts/marketing/campaigns/` named like its last segment.
pub fn attribution_candidates(config: &Config, source: &str) -> Vec<String> {
    let trimmed = source.trim().trim_end_matches('/');
    let mut out = Vec::new();
    let relative = trimmed
        .strip_prefix(&format!("{}/", config.threads_dir))
        .unwrap_or(trimmed);
    out.extend(paths::join(&config.threads_dir, relative));
    out.extend(paths::normalize(trimmed));
    let last = paths::file_name(trimmed);
    if !last.is_empty() && last != ".." {
        out.extend(paths::join(
            &config.threads_dir,
            &format!("marketing/campaigns/{last}"),
        ));
        out.push(format!("artifacts/marketing/campaigns/{last}"));
    }
    out.dedup();
    out
}

/// Reverse-map keys of an attribution source: its candidate paths.
pub(super) fn attribution_keys(
    config: &Config,
    source: &(String, std::ops::Range<u32>),
) -> Vec<String> {
    attribution_candidates(config, &source.0)
        .into_iter()
        .map(|p| format!("path:{p}"))
        .collect()
}
