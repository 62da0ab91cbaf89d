//! `textDocument/codeAction`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::actions;
use crate::lsp::convert;
use crate::lsp::server::{Backend, FIX_ALL_KIND, SPAWN_KIND};

pub(crate) async fn code_action(
    server: &Backend,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let flags = server.lock().flags;
    let versions = server.lock().document_versions();
    let range = params.range;
    let only = params.context.only.clone();
    let client_diagnostics = params.context.diagnostics.clone();
    let response = server
        .query(&params.text_document.uri, range.start, move |q| {
            let file = q.snapshot.files.get(q.path.as_str())?;
            let end = convert::offset(&file.line_index, &file.text(), range.end, q.unit);
            let wanted = |kind: &str| match &only {
                None => true,
                Some(kinds) => kinds
                    .iter()
                    .any(|k| kind == k.as_str() || kind.starts_with(&format!("{}.", k.as_str()))),
            };
            let today = crate::clock::today();
            let mut found: Vec<actions::Action> = Vec::new();
            if wanted("quickfix") {
                found.extend(actions::quick_fixes(
                    &q.snapshot,
                    &q.path,
                    &(q.offset..end),
                    &today,
                ));
            }
            if wanted(SPAWN_KIND) {
                found.extend(actions::spawn::spawn_actions(
                    &q.snapshot,
                    &q.path,
                    q.offset,
                    &today,
                ));
            }
            if wanted(FIX_ALL_KIND) {
                found.extend(actions::fix_all(&q.snapshot, &q.path, &today));
            }
            let mut out = Vec::new();
            let mut skipped: Vec<String> = Vec::new();
            for action in found {
                let title = action.title.clone();
                match convert::code_action(
                    q,
                    &action,
                    flags.document_changes,
                    flags.create_files,
                    flags.rename_files,
                    &versions,
                    &client_diagnostics,
                ) {
                    Some(converted) => out.push(CodeActionOrCommand::CodeAction(converted)),
                    None => skipped.push(title),
                }
            }
            Some((out, skipped))
        })
        .await?
        .flatten();
    let Some((actions, skipped)) = response else {
        return Ok(None);
    };
    if !skipped.is_empty() {
        let message = format!(
            "leanos: this editor cannot create or rename files through a code action (it declares no `workspaceEdit.resourceOperations`), so these fixes are unavailable: {}",
            skipped.join("; ")
        );
        server.outbox.log_message(MessageType::INFO, &message).await;
        // Said to the user once per session: a log line alone goes unseen
        // in editors that discard it (eglot).
        let first = !std::mem::replace(&mut server.lock().told_no_file_operations, true);
        if first {
            server
                .outbox
                .show_message(MessageType::WARNING, message)
                .await;
        }
    }
    Ok(Some(actions))
}
