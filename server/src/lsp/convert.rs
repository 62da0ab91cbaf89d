//! The one place byte ranges become LSP positions (and back), in the
//! negotiated position encoding, and workspace paths become URIs.

use std::path::Path;

use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use crate::analysis::diagnostics::Diagnostic;
use crate::index::{FileData, Snapshot};
use crate::line_index::{ColumnUnit, LineCol, LineIndex};
use crate::rules::Severity;

/// An LSP position for byte `offset` of the text `index` indexes.
pub fn position(index: &LineIndex, offset: u32, unit: ColumnUnit) -> lsp::Position {
    let LineCol { line, col } = index.position(offset, unit);
    lsp::Position::new(line, col)
}

/// An LSP range for a byte range of a file (from its line index: the
/// file's text is not read).
pub fn range(file: &FileData, range: &std::ops::Range<u32>, unit: ColumnUnit) -> lsp::Range {
    lsp::Range::new(
        position(&file.line_index, range.start, unit),
        position(&file.line_index, range.end, unit),
    )
}

/// The byte offset of an LSP position in `text` (clamped, never panics).
pub fn offset(index: &LineIndex, text: &str, position: lsp::Position, unit: ColumnUnit) -> u32 {
    index.offset(
        text,
        LineCol {
            line: position.line,
            col: position.character,
        },
        unit,
    )
}

/// The URI of a workspace path under `root`.
pub fn uri(root: &Path, path: &str) -> Option<Uri> {
    Uri::from_file_path(crate::paths::absolute_path(root, path))
}

/// `text` with each markdown link destination `<leanos-path:PATH>` (how
/// analyses link to workspace files, [`crate::analysis::hover::PATH_LINK`])
/// replaced by the URI of that path under `root`. A path that is no
/// workspace path (it climbs out of the root, it is absolute) keeps its
/// label only, so text a user wrote in that form never links outside the
/// root.
pub fn path_links(text: &str, root: &Path) -> String {
    let marker = format!("](<{}", crate::analysis::hover::PATH_LINK);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&marker) {
        out.push_str(&rest[..at]);
        let after = &rest[at + marker.len()..];
        let Some(end) = after.find(">)") else {
            out.push_str(&rest[at..]);
            return out;
        };
        let path = &after[..end];
        let uri = crate::paths::normalize(path)
            .filter(|normal| normal == path)
            .and_then(|normal| uri(root, &normal));
        match uri {
            Some(uri) => out.push_str(&format!("]({})", uri.as_str())),
            None => out.push_str("]()"),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The workspace path of a `file:` URI under `root`; `None` for other
/// schemes and files outside the root.
pub fn workspace_path(root: &Path, uri: &Uri) -> Option<String> {
    let path = uri.to_file_path()?;
    crate::paths::workspace_path(root, &path)
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// Converts a domain diagnostic of `file` to LSP.
pub fn diagnostic(
    root: &Path,
    snapshot: &Snapshot,
    file: &FileData,
    diagnostic: &Diagnostic,
    unit: ColumnUnit,
) -> lsp::Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .related
        .iter()
        .filter_map(|related| {
            let target = snapshot.files.get(related.path.as_str())?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    uri(root, &related.path)?,
                    range(target, &related.range, unit),
                ),
                message: related.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: range(file, &diagnostic.range, unit),
        severity: Some(severity(diagnostic.severity)),
        code: Some(NumberOrString::String(diagnostic.code.to_string())),
        code_description: snapshot
            .config
            .documentation_url
            .as_deref()
            .zip(crate::rules::rule(diagnostic.code))
            .and_then(|(template, rule)| rule.url(template).parse().ok())
            .map(|href| lsp::CodeDescription { href }),
        source: Some("leanos".into()),
        message: diagnostic.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The LSP kind of a domain symbol.
pub fn symbol_kind(kind: crate::analysis::symbols::SymbolKind) -> lsp::SymbolKind {
    use crate::analysis::symbols::SymbolKind as Domain;
    match kind {
        Domain::Section => lsp::SymbolKind::NAMESPACE,
        Domain::Assumption => lsp::SymbolKind::CONSTANT,
        Domain::Field => lsp::SymbolKind::PROPERTY,
        Domain::Thread => lsp::SymbolKind::MODULE,
        Domain::Goal | Domain::Subgoal => lsp::SymbolKind::EVENT,
        Domain::Canvas => lsp::SymbolKind::FILE,
    }
}

/// Converts a document symbol (and its children) of `file`.
#[allow(deprecated)]
pub fn document_symbol(
    file: &FileData,
    symbol: &crate::analysis::symbols::DocumentSymbol,
    unit: ColumnUnit,
) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: if symbol.name.is_empty() {
            " ".into()
        } else {
            symbol.name.clone()
        },
        detail: symbol.detail.clone(),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: range(file, &symbol.range, unit),
        selection_range: range(file, &symbol.selection, unit),
        children: Some(
            symbol
                .children
                .iter()
                .map(|child| document_symbol(file, child, unit))
                .collect(),
        ),
    }
}

/// Converts a completion item; `range` is its replace range in LSP
/// positions. Snippets become plain text for clients without snippets.
pub fn completion_item(
    item: crate::analysis::completion::Completion,
    range: lsp::Range,
    snippets: bool,
) -> lsp::CompletionItem {
    use crate::analysis::completion::CompletionKind as Domain;
    let kind = match item.kind {
        Domain::Assumption => lsp::CompletionItemKind::CONSTANT,
        Domain::File => lsp::CompletionItemKind::FILE,
        Domain::Folder => lsp::CompletionItemKind::FOLDER,
        Domain::Goal => lsp::CompletionItemKind::EVENT,
        Domain::Value => lsp::CompletionItemKind::ENUM_MEMBER,
        Domain::Key => lsp::CompletionItemKind::PROPERTY,
        Domain::Snippet => lsp::CompletionItemKind::SNIPPET,
    };
    let (new_text, format) = if item.snippet && snippets {
        (item.insert, lsp::InsertTextFormat::SNIPPET)
    } else if item.snippet {
        (
            crate::analysis::stage_template::snippet_to_plain(&item.insert),
            lsp::InsertTextFormat::PLAIN_TEXT,
        )
    } else {
        (item.insert, lsp::InsertTextFormat::PLAIN_TEXT)
    };
    lsp::CompletionItem {
        filter_text: Some(item.label.clone()),
        label: item.label,
        kind: Some(kind),
        detail: item.detail,
        documentation: item.documentation.map(|value| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value,
            })
        }),
        sort_text: Some(item.sort_text),
        insert_text_format: Some(format),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
            range, new_text,
        ))),
        data: item
            .resolve
            .map(|id| serde_json::json!({ "assumption": id })),
        ..Default::default()
    }
}

/// The workspace edit of `ops` (one builder for code actions and rename):
/// `documentChanges` when the client supports them, with `CreateFile` /
/// `RenameFile` that never overwrite and edits of open documents
/// versioned from `versions`; else plain `changes` (creations and renames
/// left out: callers offer such edits only to clients that apply them).
/// `None` when a path has no file URI.
pub fn workspace_edit(
    q: &super::query::Query,
    ops: &[crate::analysis::actions::FileOp],
    document_changes: bool,
    versions: &std::collections::HashMap<Uri, i32>,
) -> Option<lsp::WorkspaceEdit> {
    use crate::analysis::actions::FileOp;
    let text_edits = |path: &str, edits: &[(std::ops::Range<u32>, String)]| -> Vec<lsp::TextEdit> {
        edits
            .iter()
            .map(|(range, text)| lsp::TextEdit::new(q.range(path, range), text.clone()))
            .collect()
    };
    Some(if document_changes {
        let mut operations = Vec::new();
        for op in ops {
            match op {
                FileOp::Create { path, text } => {
                    let target = uri(&q.root, path)?;
                    operations.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(
                        lsp::CreateFile {
                            uri: target.clone(),
                            options: Some(lsp::CreateFileOptions {
                                overwrite: Some(false),
                                ignore_if_exists: Some(false),
                            }),
                            annotation_id: None,
                        },
                    )));
                    operations.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                        text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                            uri: target,
                            version: None,
                        },
                        edits: vec![lsp::OneOf::Left(lsp::TextEdit::new(
                            lsp::Range::default(),
                            text.clone(),
                        ))],
                    }));
                }
                FileOp::Rename { from, to } => {
                    operations.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Rename(
                        lsp::RenameFile {
                            old_uri: uri(&q.root, from)?,
                            new_uri: uri(&q.root, to)?,
                            options: Some(lsp::RenameFileOptions {
                                overwrite: Some(false),
                                ignore_if_exists: Some(false),
                            }),
                            annotation_id: None,
                        },
                    )));
                }
                FileOp::Edit { path, edits } => {
                    let target = uri(&q.root, path)?;
                    let version = versions.get(&target).copied();
                    operations.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                        text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                            uri: target,
                            version,
                        },
                        edits: text_edits(path, edits)
                            .into_iter()
                            .map(lsp::OneOf::Left)
                            .collect(),
                    }));
                }
            }
        }
        lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Operations(operations)),
            ..Default::default()
        }
    } else {
        let mut changes: std::collections::HashMap<Uri, Vec<lsp::TextEdit>> =
            std::collections::HashMap::new();
        for op in ops {
            if let FileOp::Edit { path, edits } = op {
                changes
                    .entry(uri(&q.root, path)?)
                    .or_default()
                    .extend(text_edits(path, edits));
            }
        }
        lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }
    })
}

/// Converts a code action: its operations become a workspace edit
/// (`documentChanges` when the client supports them, with `CreateFile` /
/// `RenameFile` that never overwrite and versioned edits of open
/// documents; else plain `changes`). `None` when the action needs a
/// resource operation the client cannot apply.
pub fn code_action(
    q: &super::query::Query,
    action: &crate::analysis::actions::Action,
    document_changes: bool,
    create_files: bool,
    rename_files: bool,
    versions: &std::collections::HashMap<Uri, i32>,
    client_diagnostics: &[lsp::Diagnostic],
) -> Option<lsp::CodeAction> {
    use crate::analysis::actions::{ActionKind, FileOp};
    let needs_create = action
        .ops
        .iter()
        .any(|op| matches!(op, FileOp::Create { .. }));
    let needs_rename = action
        .ops
        .iter()
        .any(|op| matches!(op, FileOp::Rename { .. }));
    if (needs_create || needs_rename) && !document_changes
        || needs_create && !create_files
        || needs_rename && !rename_files
    {
        return None;
    }
    let edit = workspace_edit(q, &action.ops, document_changes, versions)?;
    let kind = match action.kind {
        ActionKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
        ActionKind::Spawn => lsp::CodeActionKind::new(super::server::SPAWN_KIND),
        ActionKind::FixAll => lsp::CodeActionKind::new(super::server::FIX_ALL_KIND),
    };
    let diagnostics = action.diagnostic.as_ref().map(|(code, range)| {
        let lsp_range = q.range(&q.path, range);
        client_diagnostics
            .iter()
            .filter(|d| {
                d.range == lsp_range
                    && d.code == Some(lsp::NumberOrString::String(code.to_string()))
            })
            .cloned()
            .collect::<Vec<_>>()
    });
    Some(lsp::CodeAction {
        title: action.title.clone(),
        kind: Some(kind),
        diagnostics: diagnostics.filter(|d| !d.is_empty()),
        edit: Some(edit),
        command: None,
        is_preferred: action.preferred.then_some(true),
        disabled: None,
        data: None,
    })
}

/// The text of a markdown snippet without its markup, for clients that
/// show hover in plain text: emphasis and code marks dropped, a link as its
/// text, a blank line between paragraphs and headings, one line per list
/// item (`- `) and code line.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => out.push_str("- "),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                out.push_str("\n\n")
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            Event::End(TagEnd::List(_)) => out.push('\n'),
            Event::Rule => out.push_str("---\n\n"),
            _ => {}
        }
    }
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod plain_text_tests {
    #[test]
    fn plain_text_drops_the_markup() {
        assert_eq!(
            super::plain_text("**A4**: Enterprise *buyers* `prefer` [white-label](x.md)\n\n- one\n- two\n\n# Status"),
            "A4: Enterprise buyers prefer white-label\n\n- one\n- two\n\nStatus"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Workspace links become `file:` URIs (spaces and parentheses in the
    /// path included); a path climbing out of the root keeps its label only.
    #[test]
    fn path_links_become_uris_inside_the_root_only() {
        let root = Path::new("/ws");
        let text = "[a](<leanos-path:threads/sales/acme (old)/1-input.md>) and [b](<leanos-path:../../etc/passwd>) and [c](<leanos-path:/etc/passwd>)";
        assert_eq!(
            path_links(text, root),
            "[a](file:///ws/threads/sales/acme%20%28old%29/1-input.md) and [b]() and [c]()"
        );
        assert_eq!(
            path_links("[x](<leanos-path:unclosed", root),
            "[x](<leanos-path:unclosed"
        );
    }
}
