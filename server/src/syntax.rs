//! The syntax layer: an [`Outline`] of byte ranges (headings, fences, list
//! items, table rows, links, code spans, frontmatter) that the lowering
//! reads line by line. Parsing never fails.
//!
//! Two producers, one shape:
//! - [`outline_of`] (pulldown-cmark, `cmark.rs`): what the lowering uses for
//!   every file, open or closed, so both give identical facts. It is the
//!   cheap one: the cold scan parses every byte of the workspace.
//! - [`tree_outline`] (tree-sitter-md block and inline trees, read through
//!   the queries in `grammars/queries/*.scm`): the incremental tree kept for
//!   open documents, for editor features that need syntax nodes. The inline
//!   grammar runs only on inline nodes that can hold a link or a code span.
//!   Where tree-sitter-md's block parser departs from CommonMark (list
//!   item indentation, ordered lists that cannot interrupt a paragraph,
//!   code block indentation), `containers.rs` reads the tree as CommonMark
//!   and pulldown-cmark place those blocks.
//!   Tests check that both producers agree on LeanOS files.
//!
//! The open document's tree also drives the editor features that need
//! block nodes: folding ranges (`folding.rs`) and selection ranges
//! (`selection.rs`), through queries of their own.

mod cmark;
mod containers;
mod folding;
mod selection;

pub use folding::{folds, Fold, FoldKind};
pub use selection::selection_ranges;

use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

use tree_sitter::{Node, Parser, Query, QueryCursor, StreamingIterator, Tree};

/// The block query (`grammars/queries/blocks.scm`).
pub const BLOCKS_QUERY: &str = include_str!("../../grammars/queries/blocks.scm");
/// The query naming the nodes the inline grammar parses.
pub const INLINE_NODES_QUERY: &str = include_str!("../../grammars/queries/inline_nodes.scm");
/// The inline query (`grammars/queries/inline.scm`).
pub const INLINE_QUERY: &str = include_str!("../../grammars/queries/inline.scm");
/// The folding query (`grammars/queries/folds.scm`).
pub const FOLDS_QUERY: &str = include_str!("../../grammars/queries/folds.scm");
/// The block steps of a selection (`grammars/queries/selection.scm`).
pub const SELECTION_QUERY: &str = include_str!("../../grammars/queries/selection.scm");
/// The inline steps of a selection (`grammars/queries/selection_inline.scm`).
pub const SELECTION_INLINE_QUERY: &str =
    include_str!("../../grammars/queries/selection_inline.scm");

/// A byte range in a file's text.
pub type ByteRange = Range<u32>;

/// A heading: level 1..=6, the range of its text (without `#` markers and
/// surrounding spaces) and of the whole heading line(s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingNode {
    pub level: u8,
    pub content: ByteRange,
    pub range: ByteRange,
}

/// A fenced (or indented) code block: its info string, if any, and the
/// range of its content lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FenceNode {
    pub info: Option<ByteRange>,
    pub content: ByteRange,
    pub range: ByteRange,
}

/// A pipe-table row with the ranges of its cells (trimmed of spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRowNode {
    pub header: bool,
    pub cells: Vec<ByteRange>,
    pub range: ByteRange,
}

impl TableRowNode {
    /// The text of each cell of this row in `text` (the file's text),
    /// trimmed of spaces and of `*` emphasis.
    pub fn cell_texts<'t>(&self, text: &'t str) -> Vec<&'t str> {
        self.cells
            .iter()
            .map(|r| {
                text[r.start as usize..r.end as usize]
                    .trim()
                    .trim_matches('*')
            })
            .collect()
    }
}

/// An inline link or image: the range of its destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkNode {
    pub destination: ByteRange,
    pub range: ByteRange,
}

/// Everything the lowering reads from the trees, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// The YAML between the `---` lines of a frontmatter block.
    pub frontmatter: Option<ByteRange>,
    pub headings: Vec<HeadingNode>,
    pub fences: Vec<FenceNode>,
    /// The range of each list item's first line: from the indentation of
    /// its marker (inside its container) to its last non-space character.
    pub list_items: Vec<ByteRange>,
    pub table_rows: Vec<TableRowNode>,
    pub html_blocks: Vec<ByteRange>,
    pub links: Vec<LinkNode>,
    /// Content ranges of code spans (without the backticks).
    pub code_spans: Vec<ByteRange>,
}

/// The compiled queries, shared by every thread: compiling them takes
/// longer than parsing a page (tree-sitter analyses each pattern), and a
/// worker thread of the runtime's blocking pool lives only while busy.
struct Queries {
    blocks: Query,
    inline_nodes: Query,
    inline: Query,
    folds: Query,
    selection: Query,
    selection_inline: Query,
}

/// What one thread parses with: its parsers and query cursor, and the
/// process's queries.
struct Parsers {
    block: Parser,
    inline: Parser,
    queries: &'static Queries,
    cursor: QueryCursor,
}

/// `None` if a query does not compile against the grammar (the test
/// `queries_compile` says which).
static QUERIES: OnceLock<Option<Queries>> = OnceLock::new();

fn compile_queries() -> Option<Queries> {
    let block_language: tree_sitter::Language = tree_sitter_md::LANGUAGE.into();
    let inline_language: tree_sitter::Language = tree_sitter_md::INLINE_LANGUAGE.into();
    Some(Queries {
        blocks: Query::new(&block_language, BLOCKS_QUERY).ok()?,
        inline_nodes: Query::new(&block_language, INLINE_NODES_QUERY).ok()?,
        inline: Query::new(&inline_language, INLINE_QUERY).ok()?,
        folds: Query::new(&block_language, FOLDS_QUERY).ok()?,
        selection: Query::new(&block_language, SELECTION_QUERY).ok()?,
        selection_inline: Query::new(&inline_language, SELECTION_INLINE_QUERY).ok()?,
    })
}

thread_local! {
    static PARSERS: RefCell<Option<Parsers>> = const { RefCell::new(None) };
}

fn new_parsers() -> Option<Parsers> {
    let block_language: tree_sitter::Language = tree_sitter_md::LANGUAGE.into();
    let inline_language: tree_sitter::Language = tree_sitter_md::INLINE_LANGUAGE.into();
    let mut block = Parser::new();
    block.set_language(&block_language).ok()?;
    let mut inline = Parser::new();
    inline.set_language(&inline_language).ok()?;
    let queries = QUERIES.get_or_init(compile_queries).as_ref()?;
    Some(Parsers {
        block,
        inline,
        queries,
        cursor: QueryCursor::new(),
    })
}

fn with_parsers<T>(f: impl FnOnce(&mut Parsers) -> T) -> Option<T> {
    PARSERS.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = new_parsers();
        }
        slot.as_mut().map(f)
    })
}

/// Parses the block structure of `text`, reusing `old` (already edited to
/// match `text`) when given. `None` only if tree-sitter gives up.
pub fn parse_blocks(text: &str, old: Option<&Tree>) -> Option<Tree> {
    with_parsers(|parsers| parsers.block.parse(text, old)).flatten()
}

/// The outline of `text` from pulldown-cmark: what the lowering reads.
pub fn outline_of(text: &str) -> Outline {
    cmark::outline(text)
}

/// Where the markdown after a leading YAML frontmatter block starts (a
/// byte offset just past its closing line), if `text` starts with one;
/// the same rules as the outline's.
pub fn frontmatter_end(text: &str) -> Option<u32> {
    cmark::frontmatter(text).map(|(_, end)| end as u32)
}

/// Parses `text` with tree-sitter-md and returns the tree's outline.
pub fn tree_outline_of(text: &str) -> Outline {
    match parse_blocks(text, None) {
        Some(tree) => tree_outline(text, &tree),
        None => Outline::default(),
    }
}

fn range_of(node: &Node) -> ByteRange {
    node.start_byte() as u32..node.end_byte() as u32
}

fn trim_range(text: &str, range: ByteRange) -> ByteRange {
    let slice = &text[range.start as usize..range.end as usize];
    let start = range.start + (slice.len() - slice.trim_start().len()) as u32;
    let end = range.end - (slice.len() - slice.trim_end().len()) as u32;
    start..end.max(start)
}

/// Flattens a tree-sitter-md block tree of `text` into an [`Outline`],
/// running the inline grammar where links or code spans can stand.
pub fn tree_outline(text: &str, tree: &Tree) -> Outline {
    with_parsers(|parsers| build_outline(parsers, text, tree)).unwrap_or_default()
}

fn build_outline(parsers: &mut Parsers, text: &str, tree: &Tree) -> Outline {
    let mut outline = Outline::default();
    let bytes = text.as_bytes();
    let root = tree.root_node();
    let Parsers {
        inline,
        queries,
        cursor,
        ..
    } = parsers;
    let names = queries.blocks.capture_names();
    let mut containers = containers::Containers::new(text);
    let mut matches = cursor.matches(&queries.blocks, root, bytes);
    while let Some(found) = matches.next() {
        for capture in found.captures() {
            let node = capture.node;
            match names[capture.index as usize] {
                "frontmatter" => {
                    // `---\n...\n---`: keep the lines between the markers.
                    let range = range_of(&node);
                    let slice = &text[range.start as usize..range.end as usize];
                    let body_start = slice.find('\n').map(|i| i + 1).unwrap_or(slice.len());
                    let trimmed = slice.trim_end();
                    let body_end = trimmed.rfind('\n').map(|i| i + 1).unwrap_or(body_start);
                    outline.frontmatter = Some(
                        range.start + body_start as u32
                            ..range.start + body_end.max(body_start) as u32,
                    );
                }
                "heading" => outline.headings.push(heading(text, &node)),
                "fence" | "code" => outline.fences.push(fence(text, &node, &mut containers)),
                "list_item" => {
                    if containers.is_paragraph_continuation(&node) {
                        continue;
                    }
                    // The item's first line, as the cmark producer reads it:
                    // from the marker's indentation, without trailing spaces.
                    let start = containers.item_start(&node);
                    let end = node.end_byte().max(start);
                    let line_end = text[start..end].find('\n').map_or(end, |i| start + i);
                    let line_end = start + text[start..line_end].trim_end().len();
                    outline.list_items.push(start as u32..line_end as u32);
                }
                "table_header" | "table_row" => {
                    let mut cells = Vec::new();
                    let mut walker = node.walk();
                    for child in node.named_children(&mut walker) {
                        if child.kind() == "pipe_table_cell" {
                            cells.push(trim_range(text, range_of(&child)));
                        }
                    }
                    outline.table_rows.push(TableRowNode {
                        header: names[capture.index as usize] == "table_header",
                        cells,
                        range: range_of(&node),
                    });
                }
                "html" => outline.html_blocks.push(range_of(&node)),
                _ => {}
            }
        }
    }
    drop(matches);

    // Inline trees, only where a link or a code span can stand.
    let mut inline_nodes = Vec::new();
    let mut matches = cursor.matches(&queries.inline_nodes, root, bytes);
    while let Some(found) = matches.next() {
        for capture in found.captures() {
            let node = capture.node;
            let slice = &bytes[node.start_byte()..node.end_byte()];
            if slice.contains(&b'`') || slice.windows(2).any(|w| w == b"](") {
                inline_nodes.push(node);
            }
        }
    }
    drop(matches);
    let inline_names = queries.inline.capture_names();
    for node in inline_nodes {
        let ranges = inline_ranges(&node);
        if inline.set_included_ranges(&ranges).is_err() {
            continue;
        }
        let Some(inline_tree) = inline.parse(text, None) else {
            continue;
        };
        let mut matches = cursor.matches(&queries.inline, inline_tree.root_node(), bytes);
        while let Some(found) = matches.next() {
            let mut link_range = None;
            let mut destination = None;
            for capture in found.captures() {
                match inline_names[capture.index as usize] {
                    "link" => link_range = Some(range_of(&capture.node)),
                    "destination" => destination = Some(range_of(&capture.node)),
                    "code_span" => {
                        let range = range_of(&capture.node);
                        let slice = &text[range.start as usize..range.end as usize];
                        let ticks = slice.bytes().take_while(|b| *b == b'`').count() as u32;
                        if range.end - range.start >= 2 * ticks {
                            outline
                                .code_spans
                                .push(range.start + ticks..range.end - ticks);
                        }
                    }
                    _ => {}
                }
            }
            if let (Some(range), Some(destination)) = (link_range, destination) {
                outline.links.push(LinkNode { destination, range });
            }
        }
    }
    let _ = inline.set_included_ranges(&[]);
    outline.links.sort_by_key(|l| l.range.start);
    outline.code_spans.sort_by_key(|r| r.start);
    outline
}

/// The ranges of an inline node minus its named children (block
/// continuations such as `> ` markers), as tree-sitter-md computes them.
fn inline_ranges(node: &Node) -> Vec<tree_sitter::Range> {
    let mut range = node.range();
    let mut ranges = Vec::new();
    let mut walker = node.walk();
    for child in node.named_children(&mut walker) {
        let child_range = child.range();
        ranges.push(tree_sitter::Range {
            start_byte: range.start_byte,
            start_point: range.start_point,
            end_byte: child_range.start_byte,
            end_point: child_range.start_point,
        });
        range.start_byte = child_range.end_byte;
        range.start_point = child_range.end_point;
    }
    ranges.push(range);
    ranges
}

fn heading(text: &str, node: &Node) -> HeadingNode {
    let mut level = 1;
    let mut content = None;
    let mut walker = node.walk();
    for child in node.children(&mut walker) {
        let kind = child.kind();
        if let Some(n) = kind
            .strip_prefix("atx_h")
            .and_then(|rest| rest.strip_suffix("_marker"))
        {
            level = n.parse().unwrap_or(1);
        } else if kind == "setext_h2_underline" {
            level = 2;
        } else if kind == "inline" || kind == "paragraph" {
            content = Some(trim_range(text, range_of(&child)));
        }
    }
    let range = range_of(node);
    let content = content.unwrap_or(range.end..range.end);
    // ATX closing sequences (`## Title ##`) are not part of the title.
    let slice = &text[content.start as usize..content.end as usize];
    let without_closing = slice.trim_end_matches('#');
    let content = if without_closing.len() < slice.len()
        && (without_closing.is_empty() || without_closing.ends_with(' '))
    {
        trim_range(
            text,
            content.start..content.start + without_closing.len() as u32,
        )
    } else {
        content
    };
    HeadingNode {
        level,
        content,
        range: trim_range(text, range_of(node)),
    }
}

fn fence(text: &str, node: &Node, containers: &mut containers::Containers) -> FenceNode {
    let mut info = None;
    let mut walker = node.walk();
    for child in node.children(&mut walker) {
        if child.kind() == "info_string" {
            info = Some(trim_range(text, range_of(&child)));
        }
    }
    let (content, range) = if node.kind() == "indented_code_block" {
        let content = containers.indented_code(node);
        (content, content)
    } else {
        let (content, range) = containers.fenced_code(node);
        (content.unwrap_or((range.1, range.1)), range)
    };
    FenceNode {
        info,
        content: content.0 as u32..content.1 as u32,
        range: range.0 as u32..range.1 as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_share_one_compilation_of_the_queries() {
        let here = with_parsers(|parsers| std::ptr::from_ref(parsers.queries) as usize);
        let there = std::thread::spawn(|| {
            with_parsers(|parsers| std::ptr::from_ref(parsers.queries) as usize)
        })
        .join()
        .expect("the thread ends");
        assert!(here.is_some());
        assert_eq!(here, there);
    }

    #[test]
    fn queries_compile() {
        let block: tree_sitter::Language = tree_sitter_md::LANGUAGE.into();
        let inline: tree_sitter::Language = tree_sitter_md::INLINE_LANGUAGE.into();
        for (name, language, source) in [
            ("blocks.scm", &block, BLOCKS_QUERY),
            ("inline_nodes.scm", &block, INLINE_NODES_QUERY),
            ("inline.scm", &inline, INLINE_QUERY),
            ("folds.scm", &block, FOLDS_QUERY),
            ("selection.scm", &block, SELECTION_QUERY),
            ("selection_inline.scm", &inline, SELECTION_INLINE_QUERY),
        ] {
            if let Err(error) = Query::new(language, source) {
                panic!("{name} does not compile: {error}");
            }
        }
    }

    fn slice<'a>(text: &'a str, range: &ByteRange) -> &'a str {
        &text[range.start as usize..range.end as usize]
    }

    const STAGE_FILE: &str = "---\nthread: x\nstage: 2\n---\n# Stage 2: Hypothesis ##\n\n\
                    **A7:** text [link](../a.md) and `strategy/canvas/10.md`.\n\n\
                    - A1: item\n- [x] done\n\n| ID | Text |\n|---|---|\n| A1 | `x` |\n\n\
                    ```text\nA7: code\n```\n";

    #[test]
    fn both_producers_read_a_stage_file() {
        for (name, outline) in [
            ("cmark", outline_of(STAGE_FILE)),
            ("tree-sitter", tree_outline_of(STAGE_FILE)),
        ] {
            check_stage_outline(name, STAGE_FILE, &outline);
        }
    }

    fn check_stage_outline(name: &str, text: &str, outline: &Outline) {
        assert_eq!(
            slice(text, &outline.frontmatter.clone().unwrap()),
            "thread: x\nstage: 2\n",
            "{name}"
        );
        assert_eq!(outline.headings.len(), 1, "{name}");
        assert_eq!(outline.headings[0].level, 1, "{name}");
        assert_eq!(
            slice(text, &outline.headings[0].content),
            "Stage 2: Hypothesis",
            "{name}"
        );
        assert_eq!(outline.links.len(), 1, "{name}");
        assert_eq!(
            slice(text, &outline.links[0].destination),
            "../a.md",
            "{name}"
        );
        let spans: Vec<_> = outline.code_spans.iter().map(|r| slice(text, r)).collect();
        assert_eq!(spans, ["strategy/canvas/10.md", "x"], "{name}");
        assert_eq!(outline.list_items.len(), 2, "{name}");
        assert_eq!(slice(text, &outline.list_items[0]), "- A1: item", "{name}");
        assert_eq!(outline.table_rows.len(), 2, "{name}");
        assert!(outline.table_rows[0].header, "{name}");
        let cells: Vec<_> = outline.table_rows[1]
            .cells
            .iter()
            .map(|r| slice(text, r))
            .collect();
        assert_eq!(cells, ["A1", "`x`"], "{name}");
        assert_eq!(outline.fences.len(), 1, "{name}");
        assert_eq!(
            slice(text, &outline.fences[0].content),
            "A7: code\n",
            "{name}"
        );
        assert_eq!(
            slice(text, outline.fences[0].info.as_ref().unwrap()),
            "text",
            "{name}"
        );
    }

    #[test]
    fn garbage_does_not_panic() {
        for text in [
            "",
            "\0\0\0",
            "```",
            "|||\n|-|\n",
            "---\n",
            "# \n#",
            "[x](",
            "`",
        ] {
            let _ = outline_of(text);
        }
    }

    /// Both producers' outlines of `text`, named.
    fn both(text: &str) -> [(&'static str, Outline); 2] {
        [
            ("cmark", outline_of(text)),
            ("tree-sitter", tree_outline_of(text)),
        ]
    }

    fn fence_contents<'a>(text: &'a str, outline: &Outline) -> Vec<&'a str> {
        outline
            .fences
            .iter()
            .map(|f| slice(text, &f.content))
            .collect()
    }

    fn item_lines<'a>(text: &'a str, outline: &Outline) -> Vec<&'a str> {
        outline.list_items.iter().map(|r| slice(text, r)).collect()
    }

    #[test]
    fn a_closing_fence_line_in_a_list_item_is_not_content() {
        // tree-sitter-md counts the item's indentation on the closing line
        // as content.
        let text = "1. Run:\n   ```sh\n   make\n   ```\n2. Done\n";
        for (name, outline) in both(text) {
            assert_eq!(fence_contents(text, &outline), ["make\n"], "{name}");
            assert_eq!(
                slice(text, &outline.fences[0].range),
                "```sh\n   make\n   ```",
                "{name}"
            );
        }
        let quoted = "> ```\n> x\n> ```\n";
        for (name, outline) in both(quoted) {
            assert_eq!(fence_contents(quoted, &outline), ["x\n"], "{name}");
        }
    }

    #[test]
    fn a_fence_loses_its_own_indentation_from_its_content() {
        // The fence is indented one space past the item's content column:
        // one space goes from each content line.
        let text = "   * Example:\n      ```\n      # a\n       b\n      ```\n";
        for (name, outline) in both(text) {
            assert_eq!(
                fence_contents(text, &outline),
                ["# a\n       b\n"],
                "{name}"
            );
        }
    }

    #[test]
    fn indented_code_starts_four_columns_in_and_ends_at_its_last_line() {
        let text = "para\n\n    def f():\n        pass\n\n\ntext\n";
        for (name, outline) in both(text) {
            assert_eq!(
                fence_contents(text, &outline),
                ["def f():\n        pass\n"],
                "{name}"
            );
            assert_eq!(outline.fences[0].range, outline.fences[0].content, "{name}");
        }
        let tabbed = "\tcode\n";
        for (name, outline) in both(tabbed) {
            assert_eq!(fence_contents(tabbed, &outline), ["code\n"], "{name}");
        }
    }

    #[test]
    fn every_item_of_an_indented_list_starts_at_its_indentation() {
        // tree-sitter-md gives the indentation of the second and later
        // items to the item before; nested items start at their marker
        // (the parent item's content column).
        let text =
            "Impact:\n   - a\n   - b  \n - c\n\n- x\n  - y\n   - z\n\n> - q\n>   - r\n>   - s\n";
        for (name, outline) in both(text) {
            assert_eq!(
                item_lines(text, &outline),
                ["   - a", "   - b", " - c", "- x", "- y", " - z", "- q", "- r", "- s"],
                "{name}"
            );
        }
    }

    #[test]
    fn an_ordered_list_not_at_one_does_not_interrupt_a_paragraph() {
        // CommonMark: "8." right under a paragraph line continues the
        // paragraph; so does an empty item. After a blank line, or at 1,
        // or when the line leaves the paragraph's block quote, a list
        // starts.
        let text = "**Specialists:**\n8. funding\n9. legal\n*\n\nSteps:\n1. one\n2. two\n\n10. ten\n\n> quoted\n3. three\n";
        for (name, outline) in both(text) {
            assert_eq!(
                item_lines(text, &outline),
                ["1. one", "2. two", "10. ten", "3. three"],
                "{name}"
            );
        }
    }

    #[test]
    fn frontmatter_stands_only_at_the_start() {
        let late = "\n---\nname: x\n---\n# Title\n";
        for (name, outline) in both(late) {
            assert_eq!(outline.frontmatter, None, "{name}");
        }
        // pulldown-cmark would read a block between two `---` lines
        // anywhere as metadata and drop the heading inside it.
        let text = "---\na: 1\n---\nIntro\n\n---\n## Inside\ntext\n---\n";
        for (name, outline) in both(text) {
            assert_eq!(
                slice(text, &outline.frontmatter.clone().unwrap()),
                "a: 1\n",
                "{name}"
            );
            let titles: Vec<_> = outline
                .headings
                .iter()
                .map(|h| slice(text, &h.content))
                .collect();
            assert_eq!(titles, ["Inside", "text"], "{name}");
        }
    }
}
