//! The requests a client sends with what an answer hands it: a completion
//! item to resolve, a call hierarchy item to expand, a code lens's or code
//! action's command to execute. Their parameters come only from the
//! server's answer, so the `session` target reaches these methods the way
//! an editor does.

use serde_json::{json, Value};

/// At most this many items of one answer are followed up: a completion
/// can list every assumption of the Canvas.
const MOST: usize = 4;

/// The follow-up requests (method, parameters) to the answer `result` of
/// `method`, for at most [`MOST`] of its items from the `from`-th on
/// (modulo their number): `completionItem/resolve` for completion items,
/// `callHierarchy/incomingCalls` and `outgoingCalls` for call hierarchy
/// items, `workspace/executeCommand` for the commands of code lenses and
/// code actions. Empty for any other method or an answer of another shape.
pub fn follow_ups(method: &str, result: &Value, from: usize) -> Vec<(&'static str, Value)> {
    let items = match method {
        "textDocument/completion" => result.get("items").unwrap_or(result),
        _ => result,
    };
    let Some(items) = items.as_array().filter(|items| !items.is_empty()) else {
        return Vec::new();
    };
    let chosen = items.iter().cycle().skip(from % items.len());
    let mut requests = Vec::new();
    for item in chosen.take(MOST.min(items.len())) {
        match method {
            "textDocument/completion" => requests.push(("completionItem/resolve", item.clone())),
            "textDocument/prepareCallHierarchy" => {
                let params = json!({ "item": item });
                requests.push(("callHierarchy/incomingCalls", params.clone()));
                requests.push(("callHierarchy/outgoingCalls", params));
            }
            "textDocument/codeLens" | "textDocument/codeAction" => {
                // A code action carries its command under `command`; a bare
                // command is itself one (its `command` is the name).
                let command = match &item["command"] {
                    Value::String(_) => item,
                    other => other,
                };
                if let Some(name) = command["command"].as_str() {
                    let arguments = command.get("arguments").cloned().unwrap_or(json!([]));
                    requests.push((
                        "workspace/executeCommand",
                        json!({ "command": name, "arguments": arguments }),
                    ));
                }
            }
            _ => {}
        }
    }
    requests
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_lists_and_arrays_are_resolved_from_the_chosen_item() {
        let items: Vec<Value> = (0..6)
            .map(|i| json!({ "label": format!("A{i}") }))
            .collect();
        let list = json!({ "isIncomplete": false, "items": items });
        let labels = |requests: Vec<(&str, Value)>| {
            requests
                .into_iter()
                .map(|(method, params)| format!("{method} {}", params["label"]))
                .collect::<Vec<_>>()
        };
        let resolved = labels(follow_ups("textDocument/completion", &list, 4));
        assert_eq!(
            resolved,
            [
                "completionItem/resolve \"A4\"",
                "completionItem/resolve \"A5\"",
                "completionItem/resolve \"A0\"",
                "completionItem/resolve \"A1\"",
            ]
        );
        let array = json!(items[..2]);
        assert_eq!(
            labels(follow_ups("textDocument/completion", &array, 9)).len(),
            2
        );
    }

    #[test]
    fn call_hierarchy_items_are_expanded_both_ways() {
        let item = json!({ "name": "A1", "data": { "id": "A1" } });
        let requests = follow_ups("textDocument/prepareCallHierarchy", &json!([item]), 0);
        assert_eq!(
            requests,
            [
                ("callHierarchy/incomingCalls", json!({ "item": item })),
                ("callHierarchy/outgoingCalls", json!({ "item": item })),
            ]
        );
    }

    #[test]
    fn commands_of_lenses_and_actions_are_executed() {
        let lens = json!({ "range": {}, "command": { "title": "3 references", "command": "leanos.showReferences", "arguments": ["u", {}, []] } });
        let action = json!({ "title": "Fix", "edit": {} });
        let bare = json!({ "title": "Loop", "command": "leanos.loop" });
        assert_eq!(
            follow_ups("textDocument/codeLens", &json!([lens]), 0),
            [(
                "workspace/executeCommand",
                json!({ "command": "leanos.showReferences", "arguments": ["u", {}, []] })
            )]
        );
        assert_eq!(
            follow_ups("textDocument/codeAction", &json!([action, bare]), 0),
            [(
                "workspace/executeCommand",
                json!({ "command": "leanos.loop", "arguments": [] })
            )]
        );
    }

    #[test]
    fn other_answers_have_none() {
        assert!(follow_ups("textDocument/hover", &json!([{ "command": "x" }]), 0).is_empty());
        assert!(follow_ups("textDocument/completion", &Value::Null, 0).is_empty());
        assert!(follow_ups("textDocument/codeLens", &json!([]), 3).is_empty());
    }
}
