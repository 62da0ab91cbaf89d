//! The registry of diagnostic codes: every code with its default severity
//! and its documentation page (`<code>.md` beside this file), the one
//! source that the rules, `leanos.toml` validation, `leanos-lsp rule`,
//! SARIF, the README's table and the VS Code settings schema all read.
//!
//! A page is markdown with fixed sections: `# <code>`, a one-paragraph
//! summary, then `## What it finds`, `## Why it matters`, `## Example`,
//! `## Fixed`, `## Quick fix` and `## Configure`. The fenced blocks of
//! `Example` and `Fixed` carry `title="<workspace path>"` in their info
//! string: `server/tests/rule_pages.rs` builds a workspace from them and
//! checks that the example fires the code and the fixed version does not.
//! This module sits below `config` and imports nothing of the crate.

/// Severity of a diagnostic, from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    /// The word used in configuration, JSON output and `--deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    /// Parses a severity word (`information` is accepted for `info`).
    pub fn parse(word: &str) -> Option<Severity> {
        match word.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "information" => Some(Severity::Info),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// A diagnostic code of SPEC §2 (or `config-invalid`), with its default
/// severity and documentation page.
#[derive(Debug)]
pub struct Rule {
    /// The stable code (`assumption-unknown`).
    pub code: &'static str,
    /// The severity when no setting changes it.
    pub default: Severity,
    /// The documentation page, markdown (see the module docs).
    pub page: &'static str,
}

macro_rules! rules {
    ($($code:literal => $severity:ident,)*) => {
        /// Every code, in the order of SPEC §2 (SARIF rule indices follow
        /// it).
        pub static RULES: &[Rule] = &[$(Rule {
            code: $code,
            default: Severity::$severity,
            page: include_str!(concat!($code, ".md")),
        },)*];
    };
}

rules! {
    "assumption-unknown" => Error,
    "assumption-duplicate" => Error,
    "assumption-untested" => Hint,
    "link-broken" => Warning,
    "goal-unknown" => Warning,
    "stage-missing" => Warning,
    "stage-misnamed" => Warning,
    "stage-legacy" => Info,
    "stage-empty" => Info,
    "stage-heading" => Warning,
    "hypothesis-no-assumption" => Warning,
    "decision-no-verdict" => Warning,
    "decision-needs-approval" => Warning,
    "learning-no-canvas-update" => Warning,
    "learning-not-applied" => Warning,
    "meta-invalid" => Error,
    "meta-mismatch" => Warning,
    "attribution-missing" => Warning,
    "attribution-broken" => Warning,
    "solution-missing-feature" => Warning,
    "solution-stale-entry" => Warning,
    "file-encoding" => Info,
    "file-too-large" => Info,
    "loop-feature-not-built" => Hint,
    "loop-content-gap" => Hint,
    "loop-no-attribution" => Hint,
    "config-invalid" => Error,
}

/// The rule of `code`, if it is a known code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// Whether `code` is a diagnostic code this product knows.
pub fn is_known_code(code: &str) -> bool {
    rule(code).is_some()
}

/// The default severity of `code` (warning for an unknown code).
pub fn default_severity(code: &str) -> Severity {
    rule(code).map_or(Severity::Warning, |r| r.default)
}

/// The known code closest to a mistyped one (`assumption-unknwon` →
/// `assumption-unknown`), when one is close enough to suggest.
pub fn closest_code(code: &str) -> Option<&'static str> {
    RULES
        .iter()
        .map(|r| (edit_distance(code, r.code), r.code))
        .filter(|(distance, known)| *distance <= 2.max(known.len() / 5))
        .min()
        .map(|(_, known)| known)
}

/// Levenshtein distance in chars (for mistyped codes here, misspelt stage
/// file names in the lowering and retargeted paths in fixes).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

impl Rule {
    /// The summary: the page's first paragraph after its title, on one
    /// line.
    pub fn summary(&self) -> String {
        let body = self.page.split_once('\n').map_or("", |(_, rest)| rest);
        body.trim_start()
            .split("\n\n")
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The text of section `## {heading}` (without its heading, trimmed),
    /// if the page has it. A `## ` line inside a fenced block is text.
    pub fn section(&self, heading: &str) -> Option<&'static str> {
        let page = self.page;
        let mut start = None;
        let mut fence: Option<&str> = None;
        let mut offset = 0;
        for line in page.split_inclusive('\n') {
            let at = offset;
            offset += line.len();
            let trimmed = line.trim();
            let marker = trimmed.trim_start_matches(['`', '~']);
            let run = &trimmed[..trimmed.len() - marker.len()];
            if run.len() >= 3 && run.chars().all(|c| c == run.as_bytes()[0] as char) {
                match fence {
                    None => fence = Some(run),
                    Some(open) if marker.is_empty() && run.starts_with(open) => fence = None,
                    Some(_) => {}
                }
                continue;
            }
            if fence.is_some() {
                continue;
            }
            if let Some(title) = trimmed.strip_prefix("## ") {
                if let Some(start) = start {
                    return Some(page[start..at].trim());
                }
                if title == heading {
                    start = Some(offset);
                }
            }
        }
        start.map(|start| page[start..].trim())
    }

    /// The page's URL given a documentation URL template in which
    /// `{code}` stands for the code (`https://example.org/rules/{code}`).
    pub fn url(&self, template: &str) -> String {
        template.replace("{code}", self.code)
    }
}

/// The sections every page has, in order.
pub const SECTIONS: &[&str] = &[
    "What it finds",
    "Why it matters",
    "Example",
    "Fixed",
    "Quick fix",
    "Configure",
];

/// The README's rule table (markdown): code (linking to its page),
/// default severity and summary, one row per code.
pub fn readme_table() -> String {
    let mut table = String::from("| code | default | fires when |\n|---|---|---|\n");
    for rule in RULES {
        table.push_str(&format!(
            "| [`{code}`](server/src/rules/{code}.md) | {severity} | {summary} |\n",
            code = rule.code,
            severity = rule.default.as_str(),
            summary = rule.summary().replace('|', "\\|"),
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_its_title_a_summary_and_every_section_in_order() {
        for rule in RULES {
            assert!(
                rule.page.starts_with(&format!("# {}\n\n", rule.code)),
                "{}.md must start with `# {}` and a blank line",
                rule.code,
                rule.code
            );
            let summary = rule.summary();
            assert!(
                summary.len() > 20 && !summary.starts_with('#'),
                "{}: the first paragraph is the summary: {summary:?}",
                rule.code
            );
            let mut last = 0;
            for heading in SECTIONS {
                let at = rule
                    .page
                    .find(&format!("\n## {heading}\n"))
                    .unwrap_or_else(|| panic!("{}.md lacks `## {heading}`", rule.code));
                assert!(at > last, "{}.md: `## {heading}` out of order", rule.code);
                assert!(
                    !rule.section(heading).unwrap().is_empty(),
                    "{}.md: `## {heading}` is empty",
                    rule.code
                );
                last = at;
            }
        }
    }

    #[test]
    fn codes_are_unique_and_lookups_agree() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(RULES[..i].iter().all(|r| r.code != rule.code));
            assert!(is_known_code(rule.code));
            assert_eq!(default_severity(rule.code), rule.default);
        }
        assert!(!is_known_code("assumption-unknwon"));
        assert_eq!(default_severity("nope"), Severity::Warning);
    }

    #[test]
    fn a_mistyped_code_suggests_the_closest() {
        assert_eq!(
            closest_code("assumption-unknwon"),
            Some("assumption-unknown")
        );
        assert_eq!(closest_code("stage-mising"), Some("stage-missing"));
        assert_eq!(closest_code("completely-different"), None);
    }

    #[test]
    fn a_heading_inside_a_fenced_block_does_not_end_a_section() {
        let rule = Rule {
            code: "x",
            default: Severity::Hint,
            page: "# x\n\nSummary.\n\n## Example\n\n```markdown\n## Canvas Updates\n```\n\n## Fixed\n\nDone.\n",
        };
        assert_eq!(
            rule.section("Example"),
            Some("```markdown\n## Canvas Updates\n```")
        );
        assert_eq!(rule.section("Fixed"), Some("Done."));
        assert_eq!(rule.section("Canvas Updates"), None);
    }

    #[test]
    fn urls_fill_the_code_in() {
        let rule = rule("link-broken").unwrap();
        assert_eq!(
            rule.url("https://example.org/rules/{code}.html"),
            "https://example.org/rules/link-broken.html"
        );
    }
}
