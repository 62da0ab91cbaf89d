//! Positions in the server's answers: every range, position, folding line
//! and semantic token an answer gives in an open document lies inside that
//! document's text as the client has it (UTF-16 columns, lines ended by
//! `\n`, `\r\n` or a lone `\r`). A client applies an edit at such a range
//! and draws a highlight there: one past the text is an error in most
//! editors, and one computed on an older text corrupts the document.
//!
//! Every file a workspace edit changes, creates, renames or deletes lies
//! under the root (SPEC: never create or write files outside it).
//!
//! A versioned edit of an open document names the version the client has:
//! a client refuses an edit for any other (the document changed in the
//! meantime).
//!
//! Closed files are not checked: the server reads them from disk, which
//! the session changes under it.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::BTreeMap;

use serde_json::Value;

use super::lines::Lines;

/// An open document as the client has it: its text (borrowed from the
/// session's model) and version, and the UTF-16 length of each of its
/// lines, computed on the first position checked in it and kept for the
/// rest of the request and its follow-ups.
pub struct Document<'a> {
    text: &'a str,
    version: i32,
    lines: OnceCell<Vec<u64>>,
}

impl<'a> Document<'a> {
    pub fn new(text: &'a str, version: i32) -> Self {
        Document {
            text,
            version,
            lines: OnceCell::new(),
        }
    }

    /// The UTF-16 length of each line ([`Lines::lengths`]).
    fn lines(&self) -> &[u64] {
        self.lines.get_or_init(|| Lines::new(self.text).lengths())
    }
}

/// The open documents by URI (percent-decoded).
pub type Open<'a> = BTreeMap<String, Document<'a>>;

/// Panics unless every position of `answer` (the result of `method` for
/// the document `uri`) in an open document of `open` lies inside its text.
/// Ranges belong to the innermost `uri` (or a `changes` key, a
/// `textDocument`'s `uri`, a link's `targetUri`) around them, else to
/// `uri`; `fromRanges` (whose document depends on the direction of a call
/// hierarchy request) and `data` (opaque to a client) are not read.
/// `root` is the root's URI (without a final `/`).
pub fn check_answer(method: &str, uri: &str, answer: &Value, open: &Open<'_>, root: &str) {
    let checker = Checker { method, open, root };
    if method == "textDocument/foldingRange" {
        checker.folds(uri, answer);
    } else if method == "textDocument/semanticTokens/full" {
        checker.tokens(uri, answer);
    } else {
        checker.walk(uri, answer);
    }
}

struct Checker<'a> {
    method: &'a str,
    open: &'a Open<'a>,
    root: &'a str,
}

impl Checker<'_> {
    fn walk(&self, uri: &str, value: &Value) {
        match value {
            Value::Array(items) => items.iter().for_each(|item| self.walk(uri, item)),
            Value::Object(object) => {
                let own = object
                    .get("uri")
                    .or_else(|| object.get("textDocument").and_then(|d| d.get("uri")))
                    .and_then(Value::as_str)
                    .unwrap_or(uri);
                if let Some(range) = as_range(value) {
                    self.range(own, range);
                }
                if object.contains_key("changes") || object.contains_key("documentChanges") {
                    self.edit_targets(object);
                }
                if object.contains_key("edits") {
                    self.version(own, &object["textDocument"]["version"]);
                }
                for (key, inner) in object {
                    match key.as_str() {
                        "data" | "fromRanges" => {}
                        "changes" => {
                            for (target, edits) in inner.as_object().into_iter().flatten() {
                                self.walk(target, edits);
                            }
                        }
                        "targetRange" | "targetSelectionRange" => {
                            let target = object["targetUri"].as_str().unwrap_or(own);
                            self.walk(target, inner);
                        }
                        "originSelectionRange" => self.walk(uri, inner),
                        "position" => {
                            if let Some(position) = as_position(inner) {
                                self.position(own, position, "position");
                            }
                        }
                        _ => self.walk(own, inner),
                    }
                }
            }
            _ => {}
        }
    }

    /// The line lengths of `uri` if it is open.
    fn lines(&self, uri: &str) -> Option<&[u64]> {
        self.open.get(&*decode(uri)).map(Document::lines)
    }

    /// Panics unless every file the workspace edit `edit` touches is under
    /// the root: the keys of `changes`, and in `documentChanges` each text
    /// document edit's document and each creation's, rename's and
    /// deletion's files.
    fn edit_targets(&self, edit: &serde_json::Map<String, Value>) {
        let mut targets: Vec<&str> = Vec::new();
        if let Some(changes) = edit.get("changes").and_then(Value::as_object) {
            targets.extend(changes.keys().map(String::as_str));
        }
        for change in edit
            .get("documentChanges")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for uri in [
                &change["textDocument"]["uri"],
                &change["uri"],
                &change["oldUri"],
                &change["newUri"],
            ] {
                targets.extend(uri.as_str());
            }
        }
        for target in targets {
            let decoded = decode(target);
            let inside = decoded
                .strip_prefix(self.root)
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|rest| {
                    !rest.is_empty() && !rest.split('/').any(|s| s == ".." || s == ".")
                });
            assert!(
                inside,
                "{}: a workspace edit touches {target}, outside the root {}",
                self.method, self.root
            );
        }
    }

    /// A text document edit's `version` (null: whatever the client has).
    fn version(&self, uri: &str, version: &Value) {
        let (Some(document), Some(version)) = (self.open.get(&*decode(uri)), version.as_i64())
        else {
            return;
        };
        let current = document.version;
        assert_eq!(
            version,
            i64::from(current),
            "{}: an edit of {uri} for version {version}, where the client has version {current}",
            self.method
        );
    }

    fn range(&self, uri: &str, (start, end): ((u64, u64), (u64, u64))) {
        let Some(lines) = self.lines(uri) else {
            return;
        };
        self.inside(uri, lines, start, "range start");
        self.inside(uri, lines, end, "range end");
        assert!(
            start <= end,
            "{}: a range of {uri} ends at {end:?} before its start {start:?}",
            self.method
        );
    }

    fn position(&self, uri: &str, position: (u64, u64), what: &str) {
        if let Some(lines) = self.lines(uri) {
            self.inside(uri, lines, position, what);
        }
    }

    /// Panics unless `line`:`character` lies inside the text of `uri`,
    /// whose lines are `lines` long.
    fn inside(&self, uri: &str, lines: &[u64], (line, character): (u64, u64), what: &str) {
        let Some(length) = lines.get(line as usize) else {
            panic!(
                "{}: {what} {line}:{character} of {uri} is past its last line ({} lines)",
                self.method,
                lines.len()
            );
        };
        assert!(
            character <= *length,
            "{}: {what} {line}:{character} of {uri} is past the end of its line ({length} UTF-16 units)",
            self.method
        );
    }

    fn folds(&self, uri: &str, answer: &Value) {
        let Some(lines) = self.lines(uri) else {
            return;
        };
        let lines = lines.len() as u64;
        for fold in answer.as_array().into_iter().flatten() {
            let (start, end) = (fold["startLine"].as_u64(), fold["endLine"].as_u64());
            let (Some(start), Some(end)) = (start, end) else {
                panic!("{}: a folding range without lines: {fold}", self.method);
            };
            assert!(
                start <= end && end < lines,
                "{}: folding range {start}..={end} of {uri} ({lines} lines)",
                self.method
            );
        }
    }

    /// Semantic tokens: relative (line, start) pairs, each token inside
    /// its line (the client declared no multiline tokens).
    fn tokens(&self, uri: &str, answer: &Value) {
        let Some(lengths) = self.lines(uri) else {
            return;
        };
        let data: Vec<u64> = answer["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_u64)
            .collect();
        let (mut line, mut start) = (0u64, 0u64);
        for token in data.chunks(5) {
            let [delta_line, delta_start, length, ..] = token else {
                panic!("{}: a token of {} numbers", self.method, token.len());
            };
            line += delta_line;
            start = if *delta_line == 0 {
                start + delta_start
            } else {
                *delta_start
            };
            let line_length = lengths.get(line as usize).copied().unwrap_or_else(|| {
                panic!(
                    "{}: a token on line {line} of {uri}, past its last line",
                    self.method
                )
            });
            assert!(
                start + length <= line_length,
                "{}: token {line}:{start} (length {length}) of {uri} is past the end of its line ({line_length} UTF-16 units)",
                self.method
            );
        }
    }
}

/// `{ "start": position, "end": position }` as two (line, character) pairs.
fn as_range(value: &Value) -> Option<((u64, u64), (u64, u64))> {
    Some((
        as_position(value.get("start")?)?,
        as_position(value.get("end")?)?,
    ))
}

fn as_position(value: &Value) -> Option<(u64, u64)> {
    Some((
        value.get("line")?.as_u64()?,
        value.get("character")?.as_u64()?,
    ))
}

/// `uri` with its `%XX` escapes decoded (as far as they form UTF-8),
/// borrowed when it has no `%`.
pub fn decode(uri: &str) -> Cow<'_, str> {
    if !uri.contains('%') {
        return Cow::Borrowed(uri);
    }
    let bytes = uri.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| uri.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_or(Cow::Borrowed(uri), Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ROOT: &str = "file:///r";

    fn open(text: &str) -> Open<'_> {
        Open::from([("file:///r/a.md".to_string(), Document::new(text, 3))])
    }

    fn range(a: (u64, u64), b: (u64, u64)) -> Value {
        json!({ "start": { "line": a.0, "character": a.1 }, "end": { "line": b.0, "character": b.1 } })
    }

    #[test]
    fn ranges_inside_the_text_pass() {
        let text = open("# A1 🚀\nx\n");
        let symbols = json!([{ "name": "A1", "range": range((0, 0), (0, 7)), "selectionRange": range((2, 0), (2, 0)) }]);
        check_answer(
            "textDocument/documentSymbol",
            "file:///r/a.md",
            &symbols,
            &text,
            ROOT,
        );
    }

    #[test]
    #[should_panic(expected = "past the end of its line")]
    fn a_range_past_the_line_fails() {
        let answer = json!({ "contents": "", "range": range((0, 0), (0, 8)) });
        check_answer(
            "textDocument/hover",
            "file:///r/a.md",
            &answer,
            &open("# A1 🚀\n"),
            ROOT,
        );
    }

    #[test]
    #[should_panic(expected = "past its last line")]
    fn an_edit_past_the_last_line_of_an_open_document_fails() {
        let edit = json!({ "changes": { "file:///r/a.md": [{ "range": range((3, 0), (3, 0)), "newText": "x" }] } });
        check_answer(
            "textDocument/rename",
            "file:///r/b.md",
            &edit,
            &open("a\n"),
            ROOT,
        );
    }

    #[test]
    fn edits_for_the_clients_version_or_none_pass() {
        let edit = |version: Value| json!({ "documentChanges": [{ "textDocument": { "uri": "file:///r/a.md", "version": version }, "edits": [{ "range": range((0, 0), (0, 1)), "newText": "b" }] }] });
        check_answer(
            "textDocument/rename",
            "file:///r/a.md",
            &edit(json!(3)),
            &open("a"),
            ROOT,
        );
        check_answer(
            "textDocument/rename",
            "file:///r/a.md",
            &edit(Value::Null),
            &open("a"),
            ROOT,
        );
    }

    #[test]
    #[should_panic(expected = "for version 2, where the client has version 3")]
    fn an_edit_for_an_older_version_fails() {
        let edit = json!({ "documentChanges": [{ "textDocument": { "uri": "file:///r/a.md", "version": 2 }, "edits": [] }] });
        check_answer(
            "textDocument/codeAction",
            "file:///r/a.md",
            &json!([{ "title": "t", "edit": edit }]),
            &open("a"),
            ROOT,
        );
    }

    #[test]
    fn closed_documents_and_opaque_data_are_not_read() {
        let far = range((90, 0), (90, 9));
        let answer = json!([
            { "uri": "file:///r/closed.md", "range": far },
            { "label": "A1", "data": { "range": far } },
        ]);
        check_answer(
            "textDocument/references",
            "file:///r/a.md",
            &answer,
            &open("a"),
            ROOT,
        );
    }

    #[test]
    #[should_panic(expected = "token")]
    fn a_token_past_its_line_fails() {
        let answer = json!({ "data": [0, 2, 5, 0, 0] });
        check_answer(
            "textDocument/semanticTokens/full",
            "file:///r/a.md",
            &answer,
            &open("abcdef\n"),
            ROOT,
        );
    }

    #[test]
    #[should_panic(expected = "folding range")]
    fn a_fold_past_the_last_line_fails() {
        let answer = json!([{ "startLine": 0, "endLine": 2 }]);
        check_answer(
            "textDocument/foldingRange",
            "file:///r/a.md",
            &answer,
            &open("a\nb"),
            ROOT,
        );
    }

    /// Checks the workspace edit `edit` as a code action's.
    fn check_edit(edit: Value) {
        let actions = json!([{ "title": "fix", "edit": edit }]);
        check_answer(
            "textDocument/codeAction",
            "file:///r/a.md",
            &actions,
            &open("a"),
            ROOT,
        );
    }

    #[test]
    fn edits_inside_the_root_pass() {
        let edit = json!({ "documentChanges": [
            { "kind": "create", "uri": "file:///r/threads/b/1-input.md" },
            { "kind": "rename", "oldUri": "file:///r/a.md", "newUri": "file:///r/b%20c.md" },
            { "textDocument": { "uri": "file:///r/a.md", "version": null }, "edits": [] },
        ], "changes": { "file:///r/x.md": [] } });
        check_edit(edit);
    }

    #[test]
    #[should_panic(expected = "outside the root")]
    fn a_creation_beside_the_root_fails() {
        let edit = json!({ "documentChanges": [{ "kind": "create", "uri": "file:///r2/a.md" }] });
        check_edit(edit);
    }

    #[test]
    #[should_panic(expected = "outside the root")]
    fn an_edit_through_dot_dot_fails() {
        let edit = json!({ "changes": { "file:///r/threads/%2E%2E/../x.md": [] } });
        check_edit(edit);
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(decode("file:///r/a%20b%C3%A9.md"), "file:///r/a bé.md");
        assert_eq!(decode("file:///r/100%"), "file:///r/100%");
    }
}
