//! The outline of a markdown text from pulldown-cmark (CommonMark with
//! tables, task lists and YAML frontmatter). This is what the lowering
//! reads for every file, open or closed: one pass over the text, about 40
//! times cheaper than a tree-sitter-md parse (see BENCHMARKS.md), so the
//! cold scan of a large workspace stays within its budget.

use pulldown_cmark::{
    CodeBlockKind, Event, LinkType, MetadataBlockKind, Options, Parser, Tag, TagEnd,
};

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

/// A code block being read: start, end, info string, content span.
type OpenFence = (usize, usize, Option<ByteRange>, Option<(usize, usize)>);

/// The outline of `text` (see [`Outline`]).
pub fn outline(text: &str) -> Outline {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_STRIKETHROUGH;
    let mut outline = Outline::default();
    let mut fence: Option<OpenFence> = None;
    let mut row: Option<(bool, usize, usize, Vec<ByteRange>)> = None;
    let mut in_head = false;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::MetadataBlock(MetadataBlockKind::YamlStyle)) => {
                let body_start = line_end(text, range.start).saturating_add(1).min(range.end);
                let body_end = text[..range.end]
                    .trim_end()
                    .rfind('\n')
                    .map(|i| i + 1)
                    .unwrap_or(body_start)
                    .max(body_start);
                outline.frontmatter = Some(body_start as u32..body_end as u32);
            }
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
