//! The one place byte ranges become LSP positions (and back), in the
//! negotiated position encoding, and workspace paths become URIs.

use std::path::Path;

use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use crate::analysis::diagnostics::Diagnostic;
use crate::config::Severity;
use crate::index::{FileData, Snapshot};
use crate::line_index::{ColumnUnit, LineCol, LineIndex};

/// An LSP position for byte `offset` of `text`.
pub fn position(index: &LineIndex, text: &str, offset: u32, unit: ColumnUnit) -> lsp::Position {
    let LineCol { line, col } = index.position(text, offset, unit);
    lsp::Position::new(line, col)
}

/// An LSP range for a byte range of a file.
pub fn range(file: &FileData, range: &std::ops::Range<u32>, unit: ColumnUnit) -> lsp::Range {
    lsp::Range::new(
        position(&file.line_index, &file.text, range.start, unit),
        position(&file.line_index, &file.text, range.end, unit),
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
    Uri::from_file_path(crate::vfs::absolute_path(root, path))
}

/// The workspace path of a `file:` URI under `root`; `None` for other
/// schemes and files outside the root.
pub fn workspace_path(root: &Path, uri: &Uri) -> Option<String> {
    let path = uri.to_file_path()?;
    crate::vfs::workspace_path(root, &path)
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
            let target = snapshot.files.get(&related.path)?;
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
        code_description: None,
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
            crate::analysis::completion::snippet_to_plain(&item.insert),
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
