//! `textDocument/prepareCallHierarchy`, `callHierarchy/incomingCalls` and `callHierarchy/outgoingCalls`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::lineage;
use crate::analysis::target::{file_target, target_at, Target};
use crate::analysis::thread::{thread_entry_file, thread_info, thread_name, thread_title};
use crate::lsp::convert;
use crate::lsp::handlers::data_str;
use crate::lsp::query::Query;
use crate::lsp::server::Backend;

pub(crate) async fn prepare_call_hierarchy(
    server: &Backend,
    params: CallHierarchyPrepareParams,
) -> Result<Option<Vec<CallHierarchyItem>>> {
    let position = params.text_document_position_params;
    let response = server
        .query(&position.text_document.uri, position.position, |q| {
            let target = target_at(&q.snapshot, &q.path, q.offset)
                .map(|hit| hit.target)
                .filter(|t| matches!(t, Target::Thread(_)))
                .or_else(|| file_target(&q.snapshot, &q.path));
            match target {
                Some(Target::Thread(dir)) => thread_item(q, &dir).map(|item| vec![item]),
                _ => None,
            }
        })
        .await?;
    Ok(response.flatten())
}

pub(crate) async fn incoming_calls(
    server: &Backend,
    params: CallHierarchyIncomingCallsParams,
) -> Result<Option<Vec<CallHierarchyIncomingCall>>> {
    let item = params.item;
    let Some(dir) = data_str(item.data.as_ref(), "thread") else {
        return Ok(None);
    };
    let response = server
        .query(&item.uri, Position::default(), move |q| {
            let calls = lineage::parents(&q.snapshot, &dir)
                .into_keys()
                .filter_map(|parent| {
                    let from = thread_item(q, &parent)?;
                    // Where the parent names this thread (a spawned
                    // back-link) in the parent's own entry file.
                    let ranges = lineage::children(&q.snapshot, &parent)
                        .remove(&dir)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|(path, _)| {
                            Some(path) == thread_entry_file(&q.snapshot, &parent).as_ref()
                        })
                        .map(|(path, range)| q.range(&path, &range))
                        .collect();
                    Some(CallHierarchyIncomingCall {
                        from,
                        from_ranges: ranges,
                    })
                })
                .collect::<Vec<_>>();
            Some(calls)
        })
        .await?;
    Ok(response.flatten())
}

pub(crate) async fn outgoing_calls(
    server: &Backend,
    params: CallHierarchyOutgoingCallsParams,
) -> Result<Option<Vec<CallHierarchyOutgoingCall>>> {
    let item = params.item;
    let Some(dir) = data_str(item.data.as_ref(), "thread") else {
        return Ok(None);
    };
    let response = server
        .query(&item.uri, Position::default(), move |q| {
            let entry = thread_entry_file(&q.snapshot, &dir);
            let calls = lineage::children(&q.snapshot, &dir)
                .into_iter()
                .filter_map(|(child, ranges)| {
                    let to = thread_item(q, &child)?;
                    let from_ranges = ranges
                        .into_iter()
                        .filter(|(path, _)| Some(path) == entry.as_ref())
                        .map(|(path, range)| q.range(&path, &range))
                        .collect();
                    Some(CallHierarchyOutgoingCall { to, from_ranges })
                })
                .collect::<Vec<_>>();
            Some(calls)
        })
        .await?;
    Ok(response.flatten())
}

/// The call-hierarchy item of a thread: named by its path under
/// `threads/`, opening on its first stage file, carrying its folder.
pub(in crate::lsp) fn thread_item(q: &Query, dir: &str) -> Option<CallHierarchyItem> {
    let entry = thread_entry_file(&q.snapshot, dir)?;
    let info = thread_info(&q.snapshot, dir);
    let range = q.range(&entry, &(0..0));
    Some(CallHierarchyItem {
        name: thread_name(&q.snapshot, dir).to_string(),
        kind: SymbolKind::MODULE,
        tags: None,
        detail: Some(thread_title(&info)),
        uri: convert::uri(&q.root, &entry)?,
        range,
        selection_range: range,
        data: Some(serde_json::json!({ "thread": dir })),
    })
}
