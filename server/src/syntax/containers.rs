//! Where CommonMark puts list items and code blocks inside their containers,
//! read from a tree-sitter-md block tree. The tree's nodes are right about
//! which blocks exist, mostly, but not always about the bytes around them:
//!
//! - The indentation before a list marker (up to three spaces) belongs to
//!   the item, but tree-sitter-md gives it to the first item only; on the
//!   lines of later items it is swallowed by the previous sibling while the
//!   scanner tries to continue that sibling. An item therefore starts where
//!   its marker's indentation starts, which is found by walking back over
//!   spaces to the content column of the innermost container.
//! - An ordered list whose start number is not 1, or an item that begins
//!   with a blank line, cannot interrupt a paragraph of the same container
//!   (CommonMark 0.31, "List items": the line is paragraph continuation
//!   text), but tree-sitter-md starts a list there. Those items are not
//!   list items. Blocks that such an item holds after a blank line stay
//!   where the tree puts them (CommonMark would read them outside it); the
//!   lowering reads pulldown-cmark's outline, so only the open document's
//!   tree features see that difference.
//! - A fenced code block indented N spaces loses up to N spaces of
//!   indentation from its content lines, and an indented code block four
//!   columns; tree-sitter-md keeps them, and counts the container prefix of
//!   the closing fence line (`> `, or a list item's indentation) as content.
//!
//! Columns are counted CommonMark's way: a tab advances to the next
//! multiple of four.

use std::collections::HashMap;

use tree_sitter::Node;

/// The byte after the newline that ends the line before `at`.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

/// The column of byte `at`, counted from `line` (the start of its line).
fn column(text: &str, line: usize, at: usize) -> usize {
    text.as_bytes()[line..at].iter().fold(0, |column, byte| {
        if *byte == b'\t' {
            column + 4 - column % 4
        } else {
            column + 1
        }
    })
}

/// The byte of `at`'s line nearest to `at` at column `target`, moving only
/// over indentation: forward over spaces and tabs while `at` is left of
/// `target` (past a tab that reaches beyond it, as pulldown-cmark's ranges
/// do), back over spaces while it is right of it.
fn seek_column(text: &str, at: usize, target: usize) -> usize {
    let bytes = text.as_bytes();
    let line = line_start(text, at);
    let mut at = at;
    let mut col = column(text, line, at);
    while col < target {
        col = match bytes.get(at) {
            Some(b' ') => col + 1,
            Some(b'\t') => col + 4 - col % 4,
            _ => break,
        };
        at += 1;
    }
    while col > target && at > line && bytes[at - 1] == b' ' {
        at -= 1;
        col -= 1;
    }
    at
}

/// Children that mark containers rather than hold content.
fn is_marker(kind: &str) -> bool {
    kind == "block_continuation"
        || kind == "block_quote_marker"
        || kind.starts_with("list_marker")
        || kind.starts_with("task_list_marker")
}

/// The last child of `item` that is a block of its content.
fn last_content_block<'tree>(item: &Node<'tree>) -> Option<Node<'tree>> {
    let mut walker = item.walk();
    item.named_children(&mut walker)
        .filter(|child| !is_marker(child.kind()))
        .last()
}

/// The row of a paragraph's last line of text.
fn last_text_row(paragraph: &Node) -> usize {
    let mut walker = paragraph.walk();
    let last_inline = paragraph
        .named_children(&mut walker)
        .filter(|child| child.kind() == "inline")
        .last();
    match last_inline {
        Some(inline) => inline.end_position().row,
        None => paragraph.end_position().row,
    }
}

/// Whether the paragraph `open` (when it is one) has its last line just
/// above `item`, so that `item`'s line would otherwise continue it.
fn continues_paragraph(open: Option<Node>, item: &Node) -> bool {
    open.is_some_and(|block| {
        block.kind() == "paragraph" && last_text_row(&block) + 1 == item.start_position().row
    })
}

/// CommonMark: only an ordered item starting at 1, and only an item whose
/// first line has content after the marker, may interrupt a paragraph.
fn may_interrupt_paragraph(text: &str, item: &Node) -> bool {
    let Some(marker) = item
        .named_child(0)
        .filter(|m| m.kind().starts_with("list_marker"))
    else {
        return true;
    };
    let marker_text = text[marker.start_byte()..marker.end_byte()].trim();
    let digits: String = marker_text
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if !digits.is_empty() && digits.parse::<u64>().ok() != Some(1) {
        return false;
    }
    let rest = &text[marker.end_byte()..];
    let first_line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    !first_line.trim().is_empty()
}

/// The bytes of `node` from its first to its last character of content:
/// without leading and trailing whitespace, and without the container
/// prefixes of the lines after its content (`> ` of a block quote, the
/// indentation of the next item), which tree-sitter-md leaves at the end
/// of a node as `block_continuation` children.
pub(super) fn content_range(text: &str, node: &Node) -> (usize, usize) {
    let start = node.start_byte();
    let end = content_end(text, node).max(start);
    let slice = &text[start..end];
    (start + slice.len() - slice.trim_start().len(), end)
}

fn content_end(text: &str, node: &Node) -> usize {
    let start = node.start_byte();
    let mut end = node.end_byte();
    let mut walker = node.walk();
    let children: Vec<Node> = node.named_children(&mut walker).collect();
    for child in children.iter().rev() {
        if child.end_byte() > end || child.start_byte() < start {
            break;
        }
        // Text after the last named child (a table row's closing `|`, an
        // inline's text after a continuation) is content; whitespace is
        // not.
        let tail = text[child.end_byte()..end].trim_end();
        if !tail.is_empty() {
            return child.end_byte() + tail.len();
        }
        if child.kind() == "block_continuation" {
            end = child.start_byte();
            continue;
        }
        let inner = content_end(text, child);
        if inner > child.start_byte() {
            return inner;
        }
        // A child with no content: the content ends before it.
        end = child.start_byte();
    }
    start + text[start..end].trim_end().len()
}

/// Reads list items and code blocks from one tree as CommonMark places
/// them. Remembers, per list, where its items stop being paragraph
/// continuation text.
pub(super) struct Containers<'text> {
    text: &'text str,
    /// List node id -> start byte of its first item that is a real item.
    first_real_item: HashMap<usize, usize>,
}

impl<'text> Containers<'text> {
    pub(super) fn new(text: &'text str) -> Self {
        Containers {
            text,
            first_real_item: HashMap::new(),
        }
    }

    /// Whether `item` is, for CommonMark, a line of the paragraph above it
    /// (the leading items of a list that could not interrupt it).
    pub(super) fn is_paragraph_continuation(&mut self, item: &Node) -> bool {
        item.parent()
            .is_some_and(|list| item.start_byte() < self.first_real_item(&list))
    }

    /// The start of the first item of `list` that is a list item for
    /// CommonMark, or the list's end when none is.
    pub(super) fn first_real_item(&mut self, list: &Node) -> usize {
        if let Some(start) = self.first_real_item.get(&list.id()) {
            return *start;
        }
        // Only a paragraph of the same container can be interrupted: a line
        // that leaves the paragraph's container (a lazy line) may start a
        // list of any kind. A list made only of such continuation lines
        // leaves the paragraph open.
        let mut before = list.prev_named_sibling();
        while let Some(block) = before.filter(|block| is_marker(block.kind())) {
            before = block.prev_named_sibling();
        }
        let mut open = match before {
            Some(block)
                if block.kind() == "list" && self.first_real_item(&block) == block.end_byte() =>
            {
                let mut walker = block.walk();
                let last_item = block
                    .named_children(&mut walker)
                    .filter(|c| c.kind() == "list_item")
                    .last();
                last_item.and_then(|item| last_content_block(&item))
            }
            other => other,
        };
        let mut first_real = list.end_byte();
        let mut walker = list.walk();
        for item in list
            .named_children(&mut walker)
            .filter(|child| child.kind() == "list_item")
        {
            if !continues_paragraph(open, &item) || may_interrupt_paragraph(self.text, &item) {
                first_real = item.start_byte();
                break;
            }
            open = last_content_block(&item);
        }
        self.first_real_item.insert(list.id(), first_real);
        first_real
    }

    /// The column where the content of `node`'s innermost container starts
    /// on `node`'s first line.
    fn container_column(&mut self, node: &Node) -> usize {
        let mut ancestor = node.parent();
        while let Some(container) = ancestor {
            match container.kind() {
                "list_item" if !self.is_paragraph_continuation(&container) => {
                    return self.item_content_column(&container);
                }
                "block_quote" => {
                    // After this quote's `>` on the node's line and one
                    // optional space (none on a lazy continuation line).
                    let line = line_start(self.text, node.start_byte());
                    let prefix = &self.text[line..node.start_byte()];
                    return match prefix.rfind('>') {
                        Some(i) => {
                            let after = line + i + 1;
                            let space = usize::from(prefix[i + 1..].starts_with([' ', '\t']));
                            column(self.text, line, after) + space
                        }
                        None => 0,
                    };
                }
                _ => ancestor = container.parent(),
            }
        }
        0
    }

    /// The content column of a list item: its marker's column and width
    /// plus one to four spaces (one when there are more, or nothing else on
    /// the line).
    fn item_content_column(&self, item: &Node) -> usize {
        let bytes = self.text.as_bytes();
        let Some(marker) = item
            .named_child(0)
            .filter(|m| m.kind().starts_with("list_marker"))
        else {
            return 0;
        };
        let line = line_start(self.text, marker.start_byte());
        let mut at = marker.start_byte();
        while matches!(bytes.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        let marker_column = column(self.text, line, at);
        let mut end = at;
        while bytes.get(end).is_some_and(|b| !b" \t\r\n".contains(b)) {
            end += 1;
        }
        let content_start = end;
        let mut content = content_start;
        while matches!(bytes.get(content), Some(b' ' | b'\t')) {
            content += 1;
        }
        let spaces = column(self.text, line, content) - column(self.text, line, content_start);
        let blank = matches!(bytes.get(content), None | Some(b'\r' | b'\n'));
        let spaces = if blank || !(1..=4).contains(&spaces) {
            1
        } else {
            spaces
        };
        marker_column + (end - at) + spaces
    }

    /// Where a list item starts: at its marker's indentation, which
    /// tree-sitter-md leaves to the previous sibling.
    pub(super) fn item_start(&mut self, item: &Node) -> usize {
        let floor = self.container_column(item);
        seek_column(self.text, item.start_byte(), floor).min(item.start_byte())
    }

    /// The content and whole range of a fenced code block.
    pub(super) fn fenced_code(&mut self, fence: &Node) -> (Option<(usize, usize)>, (usize, usize)) {
        let mut walker = fence.walk();
        let children: Vec<Node> = fence.children(&mut walker).collect();
        let mut delimiters = children
            .iter()
            .filter(|c| c.kind() == "fenced_code_block_delimiter");
        let opening = delimiters.next();
        let closing = delimiters.next();
        let bytes = self.text.as_bytes();
        let mut fence_start = opening.map_or(fence.start_byte(), |o| o.start_byte());
        while matches!(bytes.get(fence_start), Some(b' ' | b'\t')) {
            fence_start += 1;
        }
        let fence_end = closing.map_or(fence.end_byte(), |c| c.end_byte());
        let content = children
            .iter()
            .find(|c| c.kind() == "code_fence_content")
            .map(|content| {
                // Up to the fence's own indentation is removed from each line.
                let container = self.container_column(fence);
                let line = line_start(self.text, fence_start);
                let indent = column(self.text, line, fence_start).saturating_sub(container);
                let start = seek_column(self.text, content.start_byte(), container + indent);
                // The closing fence's line, prefix included, is not content.
                let end = match closing {
                    Some(closing) => line_start(self.text, closing.start_byte()),
                    None => content.end_byte(),
                };
                (start, end.max(start))
            });
        (content, (fence_start, fence_end))
    }

    /// The content of an indented code block: from four columns past its
    /// container's content column to the end of its last non-blank line.
    pub(super) fn indented_code(&mut self, code: &Node) -> (usize, usize) {
        let container = self.container_column(code);
        let start = seek_column(self.text, code.start_byte(), container + 4);
        let body = &self.text[start..code.end_byte().max(start)];
        let last = start + body.trim_end().len();
        let end = self.text[last..]
            .find('\n')
            .map(|i| last + i + 1)
            .unwrap_or(self.text.len());
        (start, end.max(start))
    }
}
