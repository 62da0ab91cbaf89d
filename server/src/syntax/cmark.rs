//! The outline of a markdown text from pulldown-cmark (CommonMark with
//! tables, task lists and YAML frontmatter). This is what the lowering
//! reads for every file, open or closed: one pass over the text, about 40
//! times cheaper than a tree-sitter-md parse (see BENCHMARKS.md), so the
//! cold scan of a large workspace stays within its budget.

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{ByteRange, FenceNode, HeadingNode, LinkNode, Outline, TableRowNode};

fn trimmed(text: &str, start: usize, end: usize) -> ByteRange {
    let slice = &text[start..end];
    let s = start + (slice.len() - slice.trim_start().len());
    let e = end - (slice.len() - slice.trim_end().len());
    s as u32..e.max(s) as u32
}

fn line_end(text: &str, from: usize) -> usize {
    text[from..]
        .find('\n')
        .map(|i| from + i)
        .unwrap_or(text.len())
}

/// The text of an ATX heading line without its `#` markers and closing
/// sequence, or of a setext heading without its underline.
fn heading_content(text: &str, range: &std::ops::Range<usize>) -> ByteRange {
    let first_end = line_end(text, range.start).min(range.end);
    let line = &text[range.start..first_end];
    let indent = line.len() - line.trim_start().len();
    let body = &line[indent..];
    if body.starts_with('#') {
        let hashes = body.bytes().take_while(|b| *b == b'#').count();
        let start = range.start + indent + hashes;
        let mut end = first_end;
        let content = text[start..end].trim_end();
        let without_closing = content.trim_end_matches('#');
        if without_closing.len() < content.len()
            && (without_closing.is_empty() || without_closing.ends_with([' ', '\t']))
        {
            end = start + without_closing.len();
        } else {
            end = start + content.len();
        }
        trimmed(text, start, end)
    } else {
        // Setext: the lines before the underline.
        let underline_start = text[..range.end.min(text.len())]
            .trim_end()
            .rfind('\n')
            .map(|i| i + 1)
            .unwrap_or(range.start)
            .max(range.start);
        trimmed(text, range.start, underline_start.max(range.start))
    }
}

/// Whether `line` (without its newline) is `marker` followed by spaces only.
fn is_delimiter_line(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker).is_some_and(|rest| {
        rest.trim_start_matches(' ')
            .trim_end_matches('\r')
            .is_empty()
    })
}

/// The YAML frontmatter at the very start of `text`: the range of the lines
/// between the markers, and where the markdown after the closing line
/// starts. The rules are pulldown-cmark's for a YAML metadata block (`---`
/// alone on the first line, a first line of YAML that is neither blank nor
/// a closing line, closed by `---` or `...`), but only at the start of the
/// file, as GFM, Jekyll and tree-sitter-md have it: pulldown-cmark takes
/// such a block anywhere (pulldown-cmark#1000), so a thematic break
/// followed by text and another `---` line would swallow that text.
pub fn frontmatter(text: &str) -> Option<(ByteRange, usize)> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next()?;
    let opening = first.strip_prefix("---")?;
    if !opening.bytes().all(|b| b.is_ascii_whitespace()) || !first.ends_with('\n') {
        return None;
    }
    let body_start = first.len();
    let mut offset = body_start;
    for (index, line) in lines.enumerate() {
        let bare = line.strip_suffix('\n').unwrap_or(line);
        let closing = is_delimiter_line(bare, "---") || is_delimiter_line(bare, "...");
        if index == 0 && (closing || bare.trim().is_empty()) {
            return None;
        }
        if closing {
            return Some((body_start as u32..offset as u32, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

/// A code block being read: start, end, info string, content span.
type OpenFence = (usize, usize, Option<ByteRange>, Option<(usize, usize)>);

/// The outline of `text` (see [`Outline`]).
pub fn outline(text: &str) -> Outline {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
    let mut outline = Outline::default();
    // The markdown after a frontmatter is parsed on its own, so that no
    // later `---` line can be read as metadata; ranges are shifted back.
    let body_start = match frontmatter(text) {
        Some((yaml, body_start)) => {
            outline.frontmatter = Some(yaml);
            body_start
        }
        None => 0,
    };
    let mut fence: Option<OpenFence> = None;
    let mut row: Option<(bool, usize, usize, Vec<ByteRange>)> = None;
    let mut in_head = false;
    let events = Parser::new_ext(&text[body_start..], options)
        .into_offset_iter()
        .map(|(event, range)| (event, range.start + body_start..range.end + body_start));
    for (event, range) in events {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                outline.headings.push(HeadingNode {
                    level: level as u8,
                    content: heading_content(text, &range),
                    range: trimmed(text, range.start, range.end),
                });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match &kind {
                    CodeBlockKind::Fenced(info) if !info.is_empty() => {
                        let first = &text[range.start..line_end(text, range.start)];
                        first.find(info.as_ref()).map(|i| {
                            let s = range.start + i;
                            s as u32..(s + info.len()) as u32
                        })
                    }
                    _ => None,
                };
                fence = Some((range.start, range.end, info, None));
            }
            Event::Text(_) if fence.is_some() => {
                if let Some((_, _, _, content)) = fence.as_mut() {
                    *content = Some(match *content {
                        Some((s, _)) => (s, range.end),
                        None => (range.start, range.end),
                    });
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((start, end, info, content)) = fence.take() {
                    let content = content
                        .map(|(s, e)| s as u32..e as u32)
                        .unwrap_or(end as u32..end as u32);
                    outline.fences.push(FenceNode {
                        info,
                        content,
                        range: start as u32..end as u32,
                    });
                }
            }
            Event::Start(Tag::Item) => {
                let end = line_end(text, range.start).min(range.end.max(range.start));
                outline
                    .list_items
                    .push(range.start as u32..text[..end].trim_end().len().max(range.start) as u32);
            }
            Event::Start(Tag::TableHead) => {
                in_head = true;
                row = Some((true, range.start, range.end, Vec::new()));
            }
            Event::Start(Tag::TableRow) => {
                row = Some((in_head, range.start, range.end, Vec::new()))
            }
            Event::Start(Tag::TableCell) => {
                if let Some((_, _, _, cells)) = row.as_mut() {
                    cells.push(trimmed(text, range.start, range.end));
                }
            }
            Event::End(TagEnd::TableHead) | Event::End(TagEnd::TableRow) => {
                in_head = false;
                if let Some((header, start, end, cells)) = row.take() {
                    outline.table_rows.push(TableRowNode {
                        header,
                        cells,
                        range: trimmed(text, start, end),
                    });
                }
            }
            Event::Start(Tag::HtmlBlock) => outline
                .html_blocks
                .push(range.start as u32..range.end as u32),
            Event::Start(Tag::Link { link_type, .. })
            | Event::Start(Tag::Image { link_type, .. })
                if matches!(link_type, LinkType::Inline) =>
            {
                // `[text](destination "title")`: the destination follows the
                // last `](` of the link's source.
                let source = &text[range.start..range.end];
                if let Some(open) = source.rfind("](") {
                    let start = range.start + open + 2;
                    let rest = &text[start..range.end.saturating_sub(1).max(start)];
                    let skip = rest.len() - rest.trim_start().len();
                    let rest = rest.trim_start();
                    let (s, len) = if let Some(inner) = rest.strip_prefix('<') {
                        (start + skip + 1, inner.find('>').unwrap_or(inner.len()))
                    } else {
                        (
                            start + skip,
                            rest.find(char::is_whitespace).unwrap_or(rest.len()),
                        )
                    };
                    outline.links.push(LinkNode {
                        destination: s as u32..(s + len) as u32,
                        range: range.start as u32..range.end as u32,
                    });
                }
            }
            Event::Code(_) => {
                let source = &text[range.start..range.end];
                let ticks = source.bytes().take_while(|b| *b == b'`').count();
                if source.len() >= 2 * ticks {
                    outline
                        .code_spans
                        .push((range.start + ticks) as u32..(range.end - ticks) as u32);
                }
            }
            _ => {}
        }
    }
    outline.links.sort_by_key(|l| l.range.start);
    outline.code_spans.sort_by_key(|r| r.start);
    outline
}
