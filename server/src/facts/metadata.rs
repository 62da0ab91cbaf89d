//! Thread and goal metadata: `meta.json`, `metadata.yaml` and YAML
//! frontmatter, parsed into top-level fields with the byte ranges of their
//! keys and values (leanos-formats.md §4). Parsing never fails: a syntax
//! error becomes a [`MetaProblem`] at the error's position.

use serde_json::Value;
use smol_str::SmolStr;

use crate::syntax::ByteRange;

/// A top-level metadata value.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaValue {
    Null,
    Bool(bool),
    Number(f64),
    String(SmolStr),
    /// A list; string items keep their ranges, other items are skipped.
    List(Vec<(SmolStr, ByteRange)>),
    /// An object or anything else the rules do not read.
    Other,
}

impl MetaValue {
    /// The value as text when it is a string (shared, not copied) or a
    /// number or boolean (printed).
    pub fn as_text(&self) -> Option<SmolStr> {
        match self {
            MetaValue::String(s) => Some(s.clone()),
            MetaValue::Number(n) => Some(n.to_string().into()),
            MetaValue::Bool(b) => Some(b.to_string().into()),
            _ => None,
        }
    }
}

/// One top-level `key: value` of a metadata document.
#[derive(Debug, Clone, PartialEq)]
pub struct MetaField {
    pub key: SmolStr,
    pub key_range: ByteRange,
    pub value: MetaValue,
    /// The value's text (for strings, inside the quotes).
    pub value_range: ByteRange,
}

/// A parsed metadata document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub fields: Vec<MetaField>,
    /// The whole document's range (for frontmatter, inside the markers).
    pub range: ByteRange,
}

impl Metadata {
    /// The first field named `key`.
    pub fn get(&self, key: &str) -> Option<&MetaField> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The text of the first field named `key`, when it is a non-empty
    /// string or number.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key)
            .and_then(|f| f.value.as_text())
            .filter(|s| !s.trim().is_empty())
            .map(String::from)
    }
}

/// A metadata syntax problem at `range` (offsets in the file's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaProblem {
    pub message: String,
    pub range: ByteRange,
    /// True when the document is empty (a 0-byte `meta.json`), which is
    /// reported as a warning rather than an error.
    pub empty: bool,
}

fn offset_of(text: &str, line: usize, column: usize) -> u32 {
    // `line` and `column` are 1-based; columns count characters.
    let mut offset = 0usize;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col: usize = l
                .char_indices()
                .nth(column.saturating_sub(1))
                .map(|(b, _)| b)
                .unwrap_or(l.trim_end_matches('\n').len());
            return (offset + col) as u32;
        }
        offset += l.len();
    }
    text.len() as u32
}

fn error_range(text: &str, base: u32, offset: u32) -> ByteRange {
    // Cover the token at the error (up to the end of the line), at least
    // one character so the editor shows a squiggle; never half of a
    // `\r\n`, which no position can name.
    let start = crate::line_index::snap_offset(text, offset as usize) as u32;
    let rest = &text[start as usize..];
    let len = match rest.find(['\r', '\n', ' ', ',', '}', ']']) {
        Some(0) if rest.starts_with("\r\n") => 2,
        Some(0) => rest.chars().next().map_or(0, char::len_utf8),
        Some(len) => len,
        None => rest.len(),
    };
    base + start..base + start + len as u32
}

/// Parses `meta.json` text. `base` is the offset of `text` in the file.
pub fn parse_json(text: &str, base: u32) -> Result<Metadata, MetaProblem> {
    if text.trim().is_empty() {
        return Err(MetaProblem {
            message: "meta.json is empty: expected a JSON object".into(),
            range: base..base,
            empty: true,
        });
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            let offset = offset_of(text, error.line(), error.column());
            let message = error.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map(|(m, _)| m.to_string())
                .unwrap_or(message);
            return Err(MetaProblem {
                message: format!("meta.json is not valid JSON: {message}"),
                range: error_range(text, base, offset),
                empty: false,
            });
        }
    };
    let Value::Object(_) = value else {
        return Err(MetaProblem {
            message: "meta.json must hold a JSON object".into(),
            range: base..base + text.trim_end().len() as u32,
            empty: false,
        });
    };
    Ok(Metadata {
        fields: json_fields(text, base),
        range: base..base + text.len() as u32,
    })
}

/// A small scanner over already-valid JSON that finds the top-level keys
/// and the byte ranges of their values.
fn json_fields(text: &str, base: u32) -> Vec<MetaField> {
    let bytes = text.as_bytes();
    let mut fields = Vec::new();
    let mut i = skip_ws(bytes, 0);
    if bytes.get(i) != Some(&b'{') {
        return fields;
    }
    i += 1;
    loop {
        i = skip_ws(bytes, i);
        match bytes.get(i) {
            Some(b'"') => {}
            _ => return fields,
        }
        let (key, key_range, next) = json_string(text, i);
        i = skip_ws(bytes, next);
        if bytes.get(i) != Some(&b':') {
            return fields;
        }
        i = skip_ws(bytes, i + 1);
        let value_start = i;
        let value_end = skip_value(bytes, i);
        let raw = &text[value_start..value_end];
        let (value, value_range) = match bytes.get(value_start) {
            Some(b'"') => {
                let (s, range, _) = json_string(text, value_start);
                (MetaValue::String(s.into()), range)
            }
            Some(b'[') => {
                let mut items = Vec::new();
                let mut j = skip_ws(bytes, value_start + 1);
                while j < value_end {
                    if bytes[j] == b'"' {
                        let (s, range, next) = json_string(text, j);
                        items.push((s.into(), base + range.start..base + range.end));
                        j = next;
                    } else {
                        j = skip_value(bytes, j);
                    }
                    j = skip_ws(bytes, j);
                    if bytes.get(j) == Some(&b',') {
                        j = skip_ws(bytes, j + 1);
                    } else {
                        break;
                    }
                }
                (MetaValue::List(items), value_start as u32..value_end as u32)
            }
            _ => {
                let value = match serde_json::from_str::<Value>(raw) {
                    Ok(Value::Null) => MetaValue::Null,
                    Ok(Value::Bool(b)) => MetaValue::Bool(b),
                    Ok(Value::Number(n)) => MetaValue::Number(n.as_f64().unwrap_or(0.0)),
                    _ => MetaValue::Other,
                };
                (value, value_start as u32..value_end as u32)
            }
        };
        fields.push(MetaField {
            key: key.into(),
            key_range: base + key_range.start..base + key_range.end,
            value,
            value_range: base + value_range.start..base + value_range.end,
        });
        i = skip_ws(bytes, value_end);
        if bytes.get(i) == Some(&b',') {
            i += 1;
        } else {
            return fields;
        }
    }
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Reads the JSON string starting at the quote at `start`: its value, the
/// range inside the quotes, and the index after the closing quote.
fn json_string(text: &str, start: usize) -> (String, ByteRange, usize) {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != b'"' {
        if bytes[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    let end = i.min(bytes.len());
    let raw = &text[start..(end + 1).min(text.len())];
    let value =
        serde_json::from_str::<String>(raw).unwrap_or_else(|_| text[start + 1..end].to_string());
    (value, (start + 1) as u32..end as u32, end + 1)
}

fn skip_value(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0i32;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if depth == 0 {
                    return (i + 1).min(bytes.len());
                }
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
                if depth < 0 {
                    return i;
                }
            }
            b',' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    let mut end = bytes.len();
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// Parses YAML (`metadata.yaml` or frontmatter). `base` is the offset of
/// `text` in the file; `what` names the document in messages.
pub fn parse_yaml(text: &str, base: u32, what: &str) -> Result<Metadata, MetaProblem> {
    if text.trim().is_empty() {
        return Ok(Metadata {
            fields: Vec::new(),
            range: base..base + text.len() as u32,
        });
    }
    let value: Result<Value, _> = serde_saphyr::from_str(text);
    match value {
        Ok(Value::Object(_)) => Ok(Metadata {
            fields: yaml_fields(text, base),
            range: base..base + text.len() as u32,
        }),
        Ok(Value::Null) => Ok(Metadata {
            fields: Vec::new(),
            range: base..base + text.len() as u32,
        }),
        Ok(_) => Err(MetaProblem {
            message: format!("{what} must be a YAML mapping of keys to values"),
            range: base..base + text.trim_end().len() as u32,
            empty: false,
        }),
        Err(error) => {
            let offset = error
                .location()
                .map(|l| offset_of(text, l.line() as usize, l.column() as usize))
                .unwrap_or(0);
            let rendered = error.to_string();
            let first = rendered.lines().next().unwrap_or("syntax error").trim();
            Err(MetaProblem {
                message: format!("{what} is not valid YAML: {first}"),
                range: error_range(text, base, offset),
                empty: false,
            })
        }
    }
}

fn yaml_scalar(raw: &str) -> (MetaValue, usize, usize) {
    // Returns the value and its start/end inside `raw` (quotes excluded).
    let trimmed_start = raw.len() - raw.trim_start().len();
    let mut body = raw.trim();
    // A trailing comment is not part of the value.
    if let Some(i) = body.find(" #") {
        if !body.starts_with('"') && !body.starts_with('\'') {
            body = body[..i].trim_end();
        }
    }
    let start = trimmed_start;
    if body.len() >= 2
        && (body.starts_with('"') && body.ends_with('"')
            || body.starts_with('\'') && body.ends_with('\''))
    {
        let inner = &body[1..body.len() - 1];
        return (
            MetaValue::String(inner.into()),
            start + 1,
            start + body.len() - 1,
        );
    }
    let value = match body {
        "" | "~" | "null" => MetaValue::Null,
        "true" => MetaValue::Bool(true),
        "false" => MetaValue::Bool(false),
        other => match other.parse::<f64>() {
            Ok(n) => MetaValue::Number(n),
            Err(_) => MetaValue::String(other.into()),
        },
    };
    (value, start, start + body.len())
}

fn flow_items(raw: &str, offset: u32) -> Vec<(SmolStr, ByteRange)> {
    let mut items = Vec::new();
    let mut position = 0usize;
    for part in raw.split(',') {
        let (value, start, end) = yaml_scalar(part);
        if let Some(text) = value.as_text() {
            items.push((
                text,
                offset + (position + start) as u32..offset + (position + end) as u32,
            ));
        }
        position += part.len() + 1;
    }
    items
}

/// Finds top-level `key: value` lines of a YAML mapping (already known to
/// parse) with the ranges of keys and scalar values; block and flow lists
/// of scalars keep their items' ranges.
fn yaml_fields(text: &str, base: u32) -> Vec<MetaField> {
    let mut fields: Vec<MetaField> = Vec::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let line_start = offset;
        offset += line.len();
        if content.trim().is_empty() || content.trim_start().starts_with('#') {
            continue;
        }
        let indented = content.starts_with([' ', '\t']);
        if indented || content.starts_with('-') {
            // A block list item of the previous key.
            let trimmed = content.trim_start();
            if let Some(item) = trimmed
                .strip_prefix("- ")
                .or_else(|| trimmed.strip_prefix('-'))
            {
                if let Some(field) = fields.last_mut() {
                    let item_offset = line_start + (content.len() - item.len());
                    if matches!(field.value, MetaValue::Null) {
                        field.value = MetaValue::List(Vec::new());
                    }
                    if let MetaValue::List(items) = &mut field.value {
                        let (value, start, end) = yaml_scalar(item);
                        if let (Some(text), false) = (value.as_text(), item.contains(": ")) {
                            items.push((
                                text,
                                base + (item_offset + start) as u32
                                    ..base + (item_offset + end) as u32,
                            ));
                        }
                        field.value_range.end = base + (line_start + content.len()) as u32;
                    }
                }
            } else if let Some(field) = fields.last_mut() {
                if matches!(field.value, MetaValue::Null) {
                    field.value = MetaValue::Other;
                }
            }
            continue;
        }
        let Some(colon) = content.find(':') else {
            continue;
        };
        let key = content[..colon].trim().trim_matches(['"', '\'']);
        let rest = &content[colon + 1..];
        let rest_offset = line_start + colon + 1;
        let (value, start, end) = if rest.trim_start().starts_with('[') {
            let open = rest.find('[').unwrap_or(0);
            let close = rest.rfind(']').unwrap_or(rest.len());
            let inner = &rest[open + 1..close.max(open + 1)];
            let items = flow_items(inner, base + (rest_offset + open + 1) as u32);
            (MetaValue::List(items), open, (close + 1).min(rest.len()))
        } else if rest.trim_start().starts_with('{') {
            let s = rest.len() - rest.trim_start().len();
            (MetaValue::Other, s, rest.trim_end().len())
        } else {
            yaml_scalar(rest)
        };
        // The key is a slice of the line (quotes and spaces trimmed): its
        // range is where it is, not where the line's text starts.
        let key_start = line_start + (key.as_ptr() as usize - content.as_ptr() as usize);
        fields.push(MetaField {
            key: key.into(),
            key_range: base + key_start as u32..base + (key_start + key.len()) as u32,
            value,
            value_range: base + (rest_offset + start) as u32..base + (rest_offset + end) as u32,
        });
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, range: &ByteRange) -> String {
        text[range.start as usize..range.end as usize].to_string()
    }

    /// A quoted YAML key's range is the key's, inside its quotes (found by
    /// fuzzing: `'�':` gave a range from the quote, splitting the
    /// character).
    #[test]
    fn quoted_yaml_keys_are_ranged_inside_their_quotes() {
        let text = "'\u{FFFD}': x\n \"type\": sales\n";
        let fields = yaml_fields(text, 0);
        assert_eq!(fields.len(), 1, "{fields:?}");
        let text = "'\u{FFFD}': x\n\"type\" : sales\n";
        let fields = yaml_fields(text, 0);
        assert_eq!(fields.len(), 2, "{fields:?}");
        for field in &fields {
            assert_eq!(slice(text, &field.key_range), field.key);
        }
    }

    #[test]
    fn json_fields_with_ranges() {
        let text = "{\n  \"type\": \"sales\",\n  \"stage\": 3,\n  \"canvas_assumptions\": [\"A4\", \"A7\"],\n  \"goal_id\": null,\n  \"x\": {\"a\": [1]}\n}\n";
        let meta = parse_json(text, 0).unwrap();
        let keys: Vec<_> = meta.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            ["type", "stage", "canvas_assumptions", "goal_id", "x"]
        );
        assert_eq!(slice(text, &meta.get("type").unwrap().value_range), "sales");
        assert_eq!(meta.get("stage").unwrap().value, MetaValue::Number(3.0));
        let MetaValue::List(items) = &meta.get("canvas_assumptions").unwrap().value else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        assert_eq!(slice(text, &items[1].1), "A7");
        assert_eq!(meta.get("goal_id").unwrap().value, MetaValue::Null);
    }

    #[test]
    fn json_errors() {
        let problem = parse_json("", 0).unwrap_err();
        assert!(problem.empty);
        let text = "{\"type\": \"sales\",\n \"stage\": }";
        let problem = parse_json(text, 0).unwrap_err();
        assert!(!problem.empty);
        assert_eq!(problem.range.start, text.find('}').unwrap() as u32);
        assert!(parse_json("[1,2]", 0).is_err());
    }

    #[test]
    fn json_error_ranges_never_end_inside_a_crlf() {
        // A token up to a CRLF ends before the `\r`.
        let text = "{\n  \"type\": (\"sales\r\n\"}";
        let problem = parse_json(text, 0).unwrap_err();
        assert_eq!(
            &text[problem.range.start as usize..problem.range.end as usize],
            "(\"sales"
        );
        // A string broken by a CRLF: the error is at the control character.
        let text = "{\n  \"type\": \"sales\r\n\"}";
        let problem = parse_json(text, 0).unwrap_err();
        assert_eq!(
            &text[problem.range.start as usize..problem.range.end as usize],
            "\r\n"
        );
        // An error right at a CRLF covers the whole line end.
        assert_eq!(error_range("ab\r\ncd", 3, 2), 5..7);
        assert_eq!(error_range("ab\rcd", 0, 2), 2..3);
        assert_eq!(error_range("ab", 0, 2), 2..2);
    }

    #[test]
    fn yaml_fields_and_errors() {
        let text = "source: \"marketing/content/x/\"\nlinked_assumptions: [A1, A4]\ncanvas_assumptions:\n  - A7\n  - \"H1\"\nstage: 2 # comment\n";
        let meta = parse_yaml(text, 10, "metadata.yaml").unwrap();
        assert_eq!(meta.text("source").as_deref(), Some("marketing/content/x/"));
        assert_eq!(
            slice(
                &format!("{}{text}", " ".repeat(10)),
                &meta.get("source").unwrap().value_range
            ),
            "marketing/content/x/"
        );
        let MetaValue::List(items) = &meta.get("linked_assumptions").unwrap().value else {
            panic!()
        };
        assert_eq!(
            items.iter().map(|i| i.0.as_str()).collect::<Vec<_>>(),
            ["A1", "A4"]
        );
        assert_eq!(
            slice(&format!("{}{text}", " ".repeat(10)), &items[1].1),
            "A4"
        );
        let MetaValue::List(items) = &meta.get("canvas_assumptions").unwrap().value else {
            panic!()
        };
        assert_eq!(
            items.iter().map(|i| i.0.as_str()).collect::<Vec<_>>(),
            ["A7", "H1"]
        );
        assert_eq!(meta.get("stage").unwrap().value, MetaValue::Number(2.0));
        let problem = parse_yaml("a: [1, 2\nb: c", 0, "frontmatter").unwrap_err();
        assert!(
            problem.message.starts_with("frontmatter is not valid YAML"),
            "{}",
            problem.message
        );
    }
}
