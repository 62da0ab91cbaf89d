//! Links of every form (leanos-formats.md §8.1): markdown links and
//! backticked paths from the outline, then, line by line, bare paths after
//! a label (`**Evidence:** threads/…`, `Thread: sales/acme`), bare Canvas
//! file names (`10-assumptions.md`) and, in a thread, stage file names in
//! prose (`5-actions.md`). A range already taken by a link is not read
//! again.

use std::sync::LazyLock;
use thin_vec::ThinVec;

use regex::Regex;

use super::trim_token;
use crate::facts::paths::{canvas_file_number, stage_of_file_name};
use crate::facts::{Link, LinkKind};
use crate::syntax::{ByteRange, Outline};

static LABEL_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[^\w])\**(evidence|link|thread|source|updated|file|output|path|spawned)\**\s*:\s*\**\s*([^\s`*]+)",
    )
    .expect("regex")
});
static CANVAS_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\w/.\-])([0-9]{1,2}[-.][A-Za-z][A-Za-z0-9_\-]*\.md)\b").expect("regex")
});

/// The link collector. Its state is the byte ranges already taken by a
/// link (markdown links' destinations, code spans, labelled paths), which
/// the line scanners skip.
pub(super) struct Links {
    taken: Vec<ByteRange>,
    /// Whether the file is a stage file, whose prose names sibling stages.
    is_stage_file: bool,
}

impl Links {
    /// Reads the outline's links and code spans of `text` into `links`, in
    /// that order: a markdown link's target unless it is external, an
    /// anchor, a template or empty; a code span holding a path or a Canvas
    /// file name.
    pub fn from_outline(
        text: &str,
        outline: &Outline,
        is_stage_file: bool,
        links: &mut ThinVec<Link>,
    ) -> Links {
        let mut taken = Vec::new();
        for link in &outline.links {
            taken.push(link.destination.clone());
            let target = &text[link.destination.start as usize..link.destination.end as usize];
            let target = target.trim_matches(['<', '>']);
            let external = target.contains("://")
                || target.starts_with("mailto:")
                || target.starts_with('#')
                || is_template_path(target)
                || target.is_empty();
            if !external {
                links.push(Link {
                    target: target.into(),
                    range: link.destination.clone(),
                    kind: LinkKind::Markdown,
                    span: Some(link.range.clone()),
                    spawned: false,
                });
            }
        }
        for span in &outline.code_spans {
            taken.push(span.clone());
            let content = text[span.start as usize..span.end as usize].trim();
            if looks_like_path(content) {
                links.push(Link {
                    target: content.into(),
                    range: span.clone(),
                    kind: LinkKind::Path,
                    span: None,
                    spawned: false,
                });
            } else if let Some(number) = canvas_name_number(content) {
                links.push(Link {
                    target: content.into(),
                    range: span.clone(),
                    kind: LinkKind::CanvasName(number),
                    span: None,
                    spawned: false,
                });
            }
        }
        Links {
            taken,
            is_stage_file,
        }
    }

    /// Reads the links of `line` (a line's text or a heading's, starting
    /// at byte `base`) into `links`: labelled paths and threads first, then
    /// Canvas and stage file names.
    pub fn line(&mut self, line: &str, base: usize, links: &mut ThinVec<Link>) {
        // Each pattern needs something the line may lack: a label before a
        // `:`, a file name's `.md`.
        if may_hold_label(line) {
            self.labelled(line, base, links);
        }
        if line.contains(".md") {
            self.file_names(line, base, links);
        }
    }

    /// The labelled paths and threads of `line` (`**Evidence:** path`).
    fn labelled(&mut self, line: &str, base: usize, links: &mut ThinVec<Link>) {
        for captures in LABEL_PATH.captures_iter(line) {
            let (Some(label), Some(value)) = (captures.get(1), captures.get(2)) else {
                continue;
            };
            let token = trim_token(value.as_str());
            let start = base + value.start();
            if self.is_taken(start, start + token.len()) {
                continue;
            }
            let is_thread_label = label.as_str().eq_ignore_ascii_case("thread");
            let kind = if looks_like_path(token) {
                LinkKind::Path
            } else if is_thread_label
                && token.contains('/')
                && !token.contains('.')
                && !is_template_path(token)
            {
                LinkKind::Thread
            } else {
                continue;
            };
            let range = start as u32..(start + token.len()) as u32;
            links.push(Link {
                target: token.into(),
                range: range.clone(),
                kind,
                span: None,
                spawned: false,
            });
            self.taken.push(range);
        }
    }

    /// The Canvas and sibling stage file names of `line` (`10-assumptions.md`).
    fn file_names(&mut self, line: &str, base: usize, links: &mut ThinVec<Link>) {
        for captures in CANVAS_NAME.captures_iter(line) {
            let Some(name) = captures.get(1) else {
                continue;
            };
            let start = base + name.start();
            if self.is_taken(start, start + name.len()) {
                continue;
            }
            let kind = if let Some(number) = canvas_name_number(name.as_str()) {
                LinkKind::CanvasName(number)
            } else if self.is_stage_file && stage_of_file_name(name.as_str()).is_some() {
                // `see 5-actions.md`: a sibling stage file of this thread.
                LinkKind::Sibling
            } else {
                continue;
            };
            links.push(Link {
                target: name.as_str().into(),
                range: start as u32..(start + name.len()) as u32,
                kind,
                span: None,
                spawned: false,
            });
        }
    }

    fn is_taken(&self, start: usize, end: usize) -> bool {
        self.taken
            .iter()
            .any(|r| (r.start as usize) < end && start < r.end as usize)
    }
}

/// Whether `line` may match [`LABEL_PATH`], a test cheaper than the
/// pattern: some `:` follows, past blanks and then `*`s, the last letter
/// of a label (e**vidence**, lin**k**, threa**d**, sourc**e**, update**d**,
/// fil**e**, outpu**t**, pat**h**, spawne**d**), in any case or as the Kelvin
/// sign that `(?i)` reads as `k`.
fn may_hold_label(line: &str) -> bool {
    line.match_indices(':').any(|(colon, _)| {
        line[..colon]
            .trim_end()
            .trim_end_matches('*')
            .chars()
            .next_back()
            .is_some_and(|c| {
                matches!(
                    c,
                    'e' | 'E' | 'k' | 'K' | '\u{212A}' | 'd' | 'D' | 't' | 'T' | 'h' | 'H'
                )
            })
    })
}

/// Whether a path-ish token is a link target worth resolving. Not a
/// template ([`is_template_path`]); a leading slash is a root-relative
/// workspace path only before a workspace folder (`/threads/…/x.md`),
/// otherwise a web route or a system path (`/public/data/leanos.json`).
pub fn looks_like_path(value: &str) -> bool {
    if value.is_empty()
        || value.contains(['*', '$', '|', '[', ']', '(', ')'])
        || value.contains("://")
        || value.starts_with("mailto:")
        || value.starts_with('@')
        || value.starts_with('#')
        || is_template_path(value)
    {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    let folder_root = |path: &str| {
        [
            "threads/",
            "strategy/",
            "artifacts/",
            "research/",
            "canvas/",
            "docs/",
        ]
        .iter()
        .any(|root| path.starts_with(root))
    };
    let has_extension = [".md", ".json", ".yaml", ".yml", ".csv", ".toml"]
        .iter()
        .any(|ext| lower.ends_with(ext));
    if let Some(rooted) = lower.strip_prefix('/') {
        return folder_root(rooted) && has_extension;
    }
    let known_root = folder_root(&lower) || lower.starts_with("./") || lower.starts_with("../");
    value.contains('/') && (known_root || has_extension)
}

/// Whether a path-ish token is a template or a description rather than a
/// path (leanos-formats.md §8.1, §19 of the ambiguities): a placeholder
/// (`threads/sales/{company-name}/`, `artifacts/sales/<segment>/`), an
/// elision (`threads/sales/.../6-learning.md`, `threads/…/x.md`) or a range
/// of Canvas sections (`strategy/canvas/00–15`, `01-15`).
pub fn is_template_path(value: &str) -> bool {
    value.contains(['{', '}', '<', '>', '…'])
        || value
            .split('/')
            .any(|segment| segment.contains("...") || is_number_range(segment))
}

/// `00–15`, `1-15`, `01 — 15`: two numbers of one or two digits joined by
/// a hyphen or a dash.
fn is_number_range(segment: &str) -> bool {
    let digits = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    segment
        .split_once(['-', '–', '—'])
        .is_some_and(|(from, to)| digits(from.trim_end()) && digits(to.trim_start()))
}

/// The Canvas section number of a `canvas_refs` item (`00-mode`,
/// `11-pricing.md`, `10.assumptions.md`; leanos-formats.md §5.2 (a)).
pub fn canvas_number_of_ref(value: &str) -> Option<u8> {
    let with_md = if value.ends_with(".md") {
        value.to_string()
    } else {
        format!("{value}.md")
    };
    canvas_file_number(&with_md).map(|(n, _)| n)
}

/// The Canvas section number of a bare Canvas file name (leanos-formats.md
/// §1.2). Single digits with a dash are stage files (`2-hypothesis.md`),
/// not Canvas names.
fn canvas_name_number(name: &str) -> Option<u8> {
    let (number, _) = canvas_file_number(name)?;
    let digits = name.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 1 && name.as_bytes()[1] == b'-' {
        return None;
    }
    Some(number)
}

#[cfg(test)]
mod tests {
    use super::super::tests::lowered;
    use super::*;
    use crate::analysis::diagnostics::fixture::{check, snapshot};

    /// The links of `text` lowered at `path`, as `kind target`.
    fn links(path: &str, text: &str) -> Vec<String> {
        lowered(path, text)
            .links
            .iter()
            .map(|link| {
                assert!(text[link.range.start as usize..].starts_with(link.target.as_str()));
                format!("{:?} {}", link.kind, link.target)
            })
            .collect()
    }

    #[test]
    fn every_form_in_order() {
        let text = r#"# Stage 6: Learning: see `strategy/canvas/10-assumptions.md`

[Acme](../acme/1-input.md) and [site](https://example.com) and [top](#top)
**Evidence:** threads/sales/acme/6-learning.md
Thread: sales/acme
Updated 13-metrics.md and 10.assumptions.md, then see 5-actions.md.
"#;
        assert_eq!(
            links("threads/sales/acme/6-learning.md", text),
            [
                "Markdown ../acme/1-input.md",
                "Path strategy/canvas/10-assumptions.md",
                "Path threads/sales/acme/6-learning.md",
                "Thread sales/acme",
                "CanvasName(13) 13-metrics.md",
                "CanvasName(10) 10.assumptions.md",
                "Sibling 5-actions.md",
            ]
        );
    }

    #[test]
    fn stage_names_are_siblings_only_in_a_thread() {
        let text = r#"See 5-actions.md and `10-assumptions.md`.
"#;
        assert_eq!(
            links("notes.md", text),
            ["CanvasName(10) 10-assumptions.md"]
        );
    }

    #[test]
    fn a_taken_range_is_read_once() {
        let text = r#"**Link:** `strategy/canvas/10-assumptions.md`
**Evidence:** [learning](threads/sales/acme/6-learning.md)
"#;
        assert_eq!(
            links("notes.md", text),
            [
                "Markdown threads/sales/acme/6-learning.md",
                "Path strategy/canvas/10-assumptions.md",
            ]
        );
    }

    #[test]
    fn paths_and_templates() {
        assert!(looks_like_path("threads/sales/acme/6-learning.md"));
        assert!(looks_like_path("../notes.md"));
        assert!(looks_like_path("/strategy/canvas/10-assumptions.md"));
        assert!(!looks_like_path("/public/data/leanos.json"));
        assert!(!looks_like_path("and/or"));
        assert!(!looks_like_path("https://example.com/a.md"));
        assert!(is_template_path("threads/sales/{company-name}/"));
        assert!(is_template_path("strategy/canvas/00–15"));
        assert!(is_template_path("threads/sales/.../6-learning.md"));
        assert!(!is_template_path("threads/sales/acme/6-learning.md"));
    }

    #[test]
    fn canvas_names() {
        assert_eq!(canvas_number_of_ref("00-mode"), Some(0));
        assert_eq!(canvas_number_of_ref("11-pricing.md"), Some(11));
        assert_eq!(canvas_name_number("10.assumptions.md"), Some(10));
        assert_eq!(canvas_name_number("2-hypothesis.md"), None);
    }

    /// Section ranges, template placeholders and web routes are not
    /// workspace links; a path climbing out of the root still is.
    #[test]
    fn text_that_is_not_a_path_is_not_a_link() {
        let fixture = r#"//- /strategy/canvas/10-assumptions.md
# Assumptions
//- /threads/sales/acme/1-input.md
# Stage 1: Input

Read `strategy/canvas/00–15` and `strategy/canvas/01-15` first.
Write to `threads/sales/{company-name}/` and `artifacts/sales/<segment>/`.
See `threads/sales/.../6-learning.md` and `threads/…/6-learning.md`.
**Thread:** threads/sales/{company-name}/
Thread: threads/sales/<name>/
**Evidence:** threads/sales/.../6-learning.md
**Output:** artifacts/sales/{segment}/narratives/
[escape](../../../../etc/passwd) `../../../../etc/passwd` `/threads/sales/gone/6-learning.md`
//- /artifacts/engineering/dashboard/release-plan.md
# Release plan

The page reads `/public/data/leanos.json`; the API serves `/api/threads.json`.
"#;
        assert_eq!(
            check(fixture, "link-broken"),
            [
                "threads/sales/acme/1-input.md:9:9-9:31 warning `../../../../etc/passwd` points outside the workspace root",
                "threads/sales/acme/1-input.md:9:34-9:56 warning `../../../../etc/passwd` points outside the workspace root",
                "threads/sales/acme/1-input.md:9:59-9:92 warning `/threads/sales/gone/6-learning.md` does not exist",
            ]
        );
        let snapshot = snapshot(fixture);
        let plan = &snapshot.files["artifacts/engineering/dashboard/release-plan.md"];
        assert!(plan.facts.links.is_empty(), "{:?}", plan.facts.links);
    }

    proptest::proptest! {
        /// A line `may_hold_label` turns away never matches the pattern.
        #[test]
        fn a_line_turned_away_holds_no_label(
            lead in proptest::sample::select(vec!["", "- ", "x", "See "]),
            label in proptest::sample::select(vec![
                "Evidence", "LINK", "lin\u{212A}", "thread", "Source", "sour", "updated",
                "file", "Output", "path", "spawned", "status", "",
            ]),
            stars in "[*]{0,2}",
            blanks in "[ \u{a0}]{0,2}",
            colon in proptest::sample::select(vec![":", "", " :"]),
            value in proptest::sample::select(vec![" a/b.md", "x", " ", ""]),
        ) {
            let line = format!("{lead}{label}{stars}{blanks}{colon}{value}");
            if !may_hold_label(&line) {
                proptest::prop_assert!(!LABEL_PATH.is_match(&line), "{:?}", line);
            }
        }
    }
}
