//! Symbols: the outline of one document (headings as sections, assumption
//! entries inside them, metadata fields) and the workspace's named things
//! (assumptions, threads, goals, Canvas sections) with a fuzzy match.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::analysis::thread::thread_info;
use crate::analysis::thread::{thread_name, thread_title};
use crate::index::{FileData, Snapshot};
use crate::syntax::ByteRange;

/// What a symbol is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Section,
    Assumption,
    Field,
    Thread,
    Goal,
    Subgoal,
    Canvas,
}

/// A symbol of one document, with its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole construct (a heading's section runs to the next heading of
    /// the same or a higher level).
    pub range: ByteRange,
    pub selection: ByteRange,
    pub children: Vec<DocumentSymbol>,
}

fn line_start(text: &str, offset: u32) -> u32 {
    crate::line_index::line_span(text, offset).start
}

/// The end of the content of the line before the one holding `offset`
/// (before its `\n`, `\r\n` or `\r`, so never between a `\r` and its
/// `\n`); 0 on the first line.
fn line_end_before(text: &str, offset: u32) -> u32 {
    match line_start(text, offset) {
        0 => 0,
        start => crate::line_index::line_span(text, start - 1).end,
    }
}

/// The hierarchical symbols of a file.
pub fn document_symbols(file: &FileData) -> Vec<DocumentSymbol> {
    let facts = &file.facts;
    if let Some(meta) = &facts.metadata {
        return meta
            .fields
            .iter()
            .map(|f| DocumentSymbol {
                name: f.key.to_string(),
                detail: f.value.as_text().map(String::from),
                kind: SymbolKind::Field,
                range: f.key_range.start..f.value_range.end.max(f.key_range.end),
                selection: f.key_range.clone(),
                children: Vec::new(),
            })
            .collect();
    }
    let text = &*file.text();
    let end = text.len() as u32;
    // Flat list of (level, symbol), then nest by level.
    let mut flat: Vec<(u8, DocumentSymbol)> = Vec::new();
    let headings = &facts.headings;
    for (i, heading) in headings.iter().enumerate() {
        let start = line_start(text, heading.range.start);
        let section_end = headings[i + 1..]
            .iter()
            .find(|h| h.level <= heading.level)
            .map(|h| line_end_before(text, h.range.start).max(start))
            .unwrap_or(end);
        let entry = facts.entries.iter().find(|e| {
            e.id_range.start >= heading.range.start && e.id_range.end <= heading.range.end
        });
        let (name, kind, selection, detail) = match entry {
            Some(e) => (
                e.id.clone(),
                SymbolKind::Assumption,
                e.id_range.clone(),
                Some(entry_detail(e)),
            ),
            None => {
                let kind = match &facts.goal {
                    Some(goal)
                        if goal.subgoals.iter().any(|(_, r)| {
                            r.start >= heading.range.start && r.end <= heading.range.end
                        }) =>
                    {
                        SymbolKind::Subgoal
                    }
                    _ => SymbolKind::Section,
                };
                (heading.text.to_string(), kind, heading.range.clone(), None)
            }
        };
        flat.push((
            heading.level,
            DocumentSymbol {
                name,
                detail,
                kind,
                range: start..section_end,
                selection,
                children: Vec::new(),
            },
        ));
    }
    // Entries that are not headings (table rows, list items) go under the
    // innermost section that holds them.
    for entry in facts
        .entries
        .iter()
        .filter(|e| e.form != crate::facts::EntryForm::Heading)
    {
        flat.push((
            7,
            DocumentSymbol {
                name: entry.id.clone(),
                detail: Some(entry_detail(entry)),
                kind: SymbolKind::Assumption,
                range: entry.range.clone(),
                selection: entry.id_range.clone(),
                children: Vec::new(),
            },
        ));
    }
    flat.sort_by_key(|(level, s)| (s.range.start, *level));
    nest(flat)
}

fn entry_detail(entry: &crate::facts::AssumptionEntry) -> String {
    let mut detail = entry.title.clone();
    if let Some(status) = entry.status {
        detail.push_str(&format!(" · {}", status.as_str()));
    }
    if let Some(confidence) = entry.confidence {
        detail.push_str(&format!(" · {confidence}%"));
    }
    detail
}

fn nest(flat: Vec<(u8, DocumentSymbol)>) -> Vec<DocumentSymbol> {
    let mut roots: Vec<DocumentSymbol> = Vec::new();
    let mut stack: Vec<(u8, DocumentSymbol)> = Vec::new();
    fn close(stack: &mut Vec<(u8, DocumentSymbol)>, roots: &mut Vec<DocumentSymbol>) {
        if let Some((_, done)) = stack.pop() {
            match stack.last_mut() {
                Some((_, parent)) => parent.children.push(done),
                None => roots.push(done),
            }
        }
    }
    for (level, symbol) in flat {
        while stack
            .last()
            .is_some_and(|(l, s)| *l >= level || symbol.range.start > s.range.end)
        {
            close(&mut stack, &mut roots);
        }
        stack.push((level, symbol));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

/// A named thing of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    pub path: String,
    pub range: ByteRange,
    pub container: Option<String>,
}

/// A workspace-symbol query matched by nucleo (Helix's matcher): fuzzy,
/// smart case (a capital in the query matches only a capital), Unicode
/// normalised, with bonuses for word boundaries (`/`, `-`, `:`), runs of
/// consecutive characters and a prefix. Whitespace separates words that
/// must all match; no fzf syntax (`^`, `$`, `!`, `'` are plain characters).
pub struct SymbolQuery {
    pattern: Pattern,
    matcher: Matcher,
    buf: Vec<char>,
}

impl SymbolQuery {
    pub fn new(query: &str) -> Self {
        let mut config = Config::DEFAULT;
        config.prefer_prefix = true;
        SymbolQuery {
            pattern: Pattern::new(
                query,
                CaseMatching::Smart,
                Normalization::Smart,
                AtomKind::Fuzzy,
            ),
            matcher: Matcher::new(config),
            buf: Vec::new(),
        }
    }

    /// The score of `name`: `None` when it does not match, higher is
    /// better; every name matches an empty query with the same score.
    pub fn score(&mut self, name: &str) -> Option<u32> {
        self.pattern
            .score(Utf32Str::new(name, &mut self.buf), &mut self.matcher)
    }
}

/// Workspace symbols matching `query`, best first, at most `limit`.
pub fn workspace_symbols(snapshot: &Snapshot, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
    let mut query = SymbolQuery::new(query);
    let mut scored: Vec<(u32, WorkspaceSymbol)> = Vec::new();
    let mut consider = |score: Option<u32>, symbol: WorkspaceSymbol| {
        if let Some(score) = score {
            scored.push((score, symbol));
        }
    };
    for id in snapshot.assumptions.keys() {
        let Some((location, entry)) = snapshot.first_entry(id) else {
            continue;
        };
        consider(
            query.score(id),
            WorkspaceSymbol {
                name: format!("{id}: {}", entry.title),
                kind: SymbolKind::Assumption,
                path: location.file.clone(),
                range: entry.id_range.clone(),
                container: Some("assumptions".into()),
            },
        );
    }
    for dir in snapshot.threads.keys() {
        let name = thread_name(snapshot, dir).to_string();
        // Scored before the thread view is built (most threads do not match).
        let Some(score) = query.score(&name) else {
            continue;
        };
        let info = thread_info(snapshot, dir);
        let Some(entry) = crate::analysis::thread::thread_entry_file(snapshot, dir) else {
            continue;
        };
        consider(
            Some(score),
            WorkspaceSymbol {
                name,
                kind: SymbolKind::Thread,
                path: entry,
                range: 0..0,
                container: Some(thread_title(&info)),
            },
        );
    }
    for (id, files) in &snapshot.goals {
        let Some(path) = files.iter().next() else {
            continue;
        };
        let title = snapshot
            .files
            .get(&**path)
            .and_then(|f| f.facts.goal.as_ref())
            .map(|g| g.title.clone())
            .unwrap_or_default();
        consider(
            query.score(id),
            WorkspaceSymbol {
                name: id.clone(),
                kind: SymbolKind::Goal,
                path: path.to_string(),
                range: 0..0,
                container: Some(title),
            },
        );
    }
    for (number, files) in &snapshot.canvas {
        for path in files {
            let name = crate::paths::file_name(path)
                .trim_end_matches(".md")
                .to_string();
            consider(
                query.score(&name),
                WorkspaceSymbol {
                    name,
                    kind: SymbolKind::Canvas,
                    path: path.to_string(),
                    range: 0..0,
                    container: Some(format!("Canvas section {number:02}")),
                },
            );
        }
    }
    // Best score first, then by name.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    scored.into_iter().take(limit).map(|(_, s)| s).collect()
}

/// A resolvable link of a document and the workspace path it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentLink {
    pub range: ByteRange,
    pub target: String,
}

/// Every link of a file that resolves inside the root, with the file it
/// opens (a thread opens on its first stage file, a folder on its
/// `index.md`).
pub fn document_links(snapshot: &Snapshot, path: &str) -> Vec<DocumentLink> {
    use crate::analysis::definition::definition_of;
    use crate::analysis::target::{link_target, Target};
    let Some(file) = snapshot.files.get(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for link in &file.facts.links {
        let target = link_target(snapshot, path, link);
        if matches!(target, Target::Unresolved(_)) {
            continue;
        }
        if let Some(location) = definition_of(snapshot, &target).into_iter().next() {
            out.push(DocumentLink {
                range: link.range.clone(),
                target: location.path,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnostics::fixture::snapshot;

    fn outline(symbols: &[DocumentSymbol], depth: usize, out: &mut Vec<String>) {
        for s in symbols {
            out.push(format!("{}{:?} {}", "  ".repeat(depth), s.kind, s.name));
            outline(&s.children, depth + 1, out);
        }
    }

    #[test]
    fn assumptions_section_outline() {
        let snapshot = snapshot(
            r#"//- /strategy/canvas/10-assumptions.md
# Assumptions

## Core

### A1: One
**Status:** validated

### A2: Two

## Hypotheses

| ID | Assumption |
|---|---|
| H1 | Three |

- T1: Four
"#,
        );
        let file = &snapshot.files["strategy/canvas/10-assumptions.md"];
        let mut out = Vec::new();
        outline(&document_symbols(file), 0, &mut out);
        assert_eq!(
            out,
            [
                "Section Assumptions",
                "  Section Core",
                "    Assumption A1",
                "    Assumption A2",
                "  Section Hypotheses",
                "    Assumption H1",
                "    Assumption T1",
            ]
        );
        let a1 = &document_symbols(file)[0].children[0].children[0];
        assert_eq!(a1.detail.as_deref(), Some("One · VALIDATED"));
    }

    /// A section runs to the end of the content of the line before the
    /// next heading, whichever line end that line has: never between the
    /// `\r` and `\n` of a `\r\n`, which no LSP position can name.
    #[test]
    fn sections_end_before_the_line_end_of_their_last_line() {
        let text = "# One\r\nbody\r\n# Two\nx\n# Three\rend\r# Four\n";
        let snapshot = snapshot(&format!("//- /notes.md\n{text}"));
        let symbols = document_symbols(&snapshot.files["notes.md"]);
        let ranges: Vec<_> = symbols
            .iter()
            .map(|s| &text[s.range.start as usize..s.range.end as usize])
            .collect();
        assert_eq!(
            ranges,
            ["# One\r\nbody", "# Two\nx", "# Three\rend", "# Four\n"]
        );
    }

    #[test]
    fn metadata_fields_are_symbols() {
        let snapshot = snapshot(
            r#"//- /threads/s/a/meta.json
{"type": "sales", "stage": 2}
"#,
        );
        let symbols = document_symbols(&snapshot.files["threads/s/a/meta.json"]);
        let names: Vec<_> = symbols
            .iter()
            .map(|s| (s.name.as_str(), s.detail.as_deref()))
            .collect();
        assert_eq!(names, [("type", Some("sales")), ("stage", Some("2"))]);
    }

    #[test]
    fn fuzzy_matching_ranks_prefix_then_word_then_scattered() {
        let score = |query: &str, name: &str| SymbolQuery::new(query).score(name);
        let prefix = score("acm", "acme-pilot").unwrap();
        let word = score("acm", "sales/acme").unwrap();
        let scattered = score("acm", "sales/a-coffee-machine").unwrap();
        assert!(
            prefix > word && word > scattered,
            "{prefix} {word} {scattered}"
        );
        assert_eq!(score("xyz", "sales/acme"), None);
        // Smart case: a capital in the query matches only a capital.
        assert!(score("a4", "A4").is_some());
        assert_eq!(score("A4", "a4"), None);
        // Unicode: accents are normalised away, CJK matches itself.
        assert!(score("cafe", "sales/café").is_some());
        assert!(score("東京", "sales/東京-pilot").is_some());
        // Words must all match, in any order; fzf syntax is plain text.
        assert!(score("pilot sales", "sales/acme-pilot").is_some());
        assert_eq!(score("^acme", "acme"), None);
        assert_eq!(score("", "anything"), score("", "else"));
        let snapshot = snapshot(
            r#"//- /strategy/canvas/10-assumptions.md
### A4: White-label
//- /threads/sales/acme/1-input.md
**Thread:** Acme pilot
//- /threads/sales/beta/1-input.md
# x
//- /strategy/goals/active/g-acme.md
# Goal: Acme
"#,
        );
        let found = workspace_symbols(&snapshot, "acme", 10);
        let names: Vec<_> = found.iter().map(|s| (s.name.as_str(), s.kind)).collect();
        assert_eq!(
            names,
            [
                ("sales/acme", SymbolKind::Thread),
                ("g-acme", SymbolKind::Goal)
            ]
        );
        assert_eq!(found[0].container.as_deref(), Some("Acme pilot"));
        let found = workspace_symbols(&snapshot, "A4", 10);
        assert_eq!(found[0].name, "A4: White-label");
    }

    #[test]
    fn links_open_files_inside_the_root_only() {
        let snapshot = snapshot(
            r#"//- /threads/sales/acme/1-input.md
# Input
//- /threads/x/y/1-input.md
[a](../../sales/acme/) [b](../../../../etc/passwd) [c](missing.md) `threads/sales/acme/1-input.md`
"#,
        );
        let links = document_links(&snapshot, "threads/x/y/1-input.md");
        let targets: Vec<_> = links.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(
            targets,
            [
                "threads/sales/acme/1-input.md",
                "threads/sales/acme/1-input.md"
            ]
        );
    }
}
