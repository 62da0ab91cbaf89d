//! Runs a sequence of [`Step`]s against the real server and, after every
//! step, compares it with a fresh server started on the same files (the
//! same roots, settings and open documents): every diagnostic published
//! for every file, and definition, references and hover at sampled
//! positions. The first divergence is returned with the step it followed.

use serde_json::{json, Value};

use super::actions::{self, Action, Change, File, Step, Text, FILES, INSERTS, RENAMES};
use super::client::Client;
use super::model::{self, Model, ROOTS};
use super::reference::{Reference, Snapshots};

/// What a client is: its position encoding, whether the server asks it for
/// settings (`workspace/configuration`) or takes them from
/// `didChangeConfiguration`, and whether definitions come as links.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub utf8: bool,
    pub configuration: bool,
    pub links: bool,
    /// Compare with a fresh server every this many steps (and after the
    /// last); after every step with the fresh snapshot reference.
    pub fresh_every: usize,
}

/// A divergence: the index of the step after which it was seen, and what.
#[derive(Debug)]
pub struct Failure {
    pub step: usize,
    pub message: String,
}

fn capabilities(options: Options) -> Value {
    let encodings = if options.utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    json!({
        "general": {"positionEncodings": encodings},
        "workspace": {
            "didChangeWatchedFiles": {"dynamicRegistration": true},
            "configuration": options.configuration,
            "workspaceFolders": true,
        },
        "textDocument": {"definition": {"linkSupport": options.links}},
    })
}

/// Runs `steps` from the seed workspace; `Err` at the first divergence,
/// else how many steps were compared with a fresh server too.
pub async fn run(steps: &[Step], options: Options) -> Result<usize, Failure> {
    let mut model = Model::new(options.utf8);
    let capabilities = capabilities(options);
    let mut server = Client::start(capabilities.clone(), &model.folders(), Value::Null).await;
    server.settle().await;
    let mut reference = Reference::default();
    let mut fresh = 0;
    let mut result = Ok(());
    for (index, step) in steps.iter().enumerate() {
        apply(&mut model, &mut server, &step.action).await;
        server.settle().await;
        let snapshots = reference.snapshots(&model, options.links);
        let mut checked = compare_snapshots(&model, &mut server, &snapshots, step).await;
        let fresh_now = (index + 1) % options.fresh_every.max(1) == 0 || index + 1 == steps.len();
        if checked.is_ok() && fresh_now {
            fresh += 1;
            checked = compare(&model, &mut server, &capabilities, step).await;
        }
        if let Err(message) = checked {
            result = Err(Failure {
                step: index,
                message,
            });
            break;
        }
    }
    server.stop().await;
    result.map(|()| fresh)
}

fn path_of(file: File) -> String {
    format!(
        "{}/{}",
        ROOTS[file.root as usize % ROOTS.len()],
        FILES[file.file as usize % FILES.len()]
    )
}

fn language(path: &str) -> &'static str {
    if path.ends_with(".json") {
        "json"
    } else if path.ends_with(".yaml") {
        "yaml"
    } else {
        "markdown"
    }
}

/// Applies one action to the model (disk and client) and tells the server.
pub async fn apply(model: &mut Model, server: &mut Client, action: &Action) {
    match action {
        Action::Open(file, text) => {
            let path = path_of(*file);
            if model.open.contains_key(&path) {
                return;
            }
            let text = model.read(&path).unwrap_or_else(|| text.render(&path));
            let doc = model::Doc { version: 1, text };
            server
                .notify(
                    "textDocument/didOpen",
                    json!({"textDocument": {"uri": model.uri(&path), "languageId": language(&path), "version": doc.version, "text": doc.text}}),
                )
                .await;
            model.open.insert(path, doc);
        }
        Action::Edit { doc, changes } => {
            let Some(path) = nth_open(model, *doc) else {
                return;
            };
            let utf8 = model.utf8;
            let uri = model.uri(&path);
            let Some(doc) = model.open.get_mut(&path) else {
                return;
            };
            let mut sent = Vec::new();
            for change in changes {
                sent.push(edit(&mut doc.text, change, utf8, &path));
            }
            doc.version += 1;
            let params = json!({"textDocument": {"uri": uri, "version": doc.version}, "contentChanges": sent});
            server.notify("textDocument/didChange", params).await;
        }
        Action::Close { doc } => {
            let Some(path) = nth_open(model, *doc) else {
                return;
            };
            model.open.remove(&path);
            server
                .notify(
                    "textDocument/didClose",
                    json!({"textDocument": {"uri": model.uri(&path)}}),
                )
                .await;
        }
        Action::Write(file, text) => {
            let path = path_of(*file);
            let created = model.read(&path).is_none();
            model.write(&path, &text.render(&path));
            watched(model, server, &[(&path, if created { 1 } else { 2 })]).await;
        }
        Action::Delete(file) => {
            let path = path_of(*file);
            let _ = std::fs::remove_file(model.absolute(&path));
            watched(model, server, &[(&path, 3)]).await;
        }
        Action::Rename { root, pair } => {
            let root = ROOTS[*root as usize % ROOTS.len()];
            let (a, b) = RENAMES[*pair as usize % RENAMES.len()];
            let (a, b) = (format!("{root}/{a}"), format!("{root}/{b}"));
            let (from, to) = match (model.absolute(&a).exists(), model.absolute(&b).exists()) {
                (true, false) => (a, b),
                (false, true) => (b, a),
                _ => return,
            };
            std::fs::rename(model.absolute(&from), model.absolute(&to)).expect("a rename");
            watched(model, server, &[(&from, 3), (&to, 1)]).await;
        }
        Action::Toml { root, sections } => {
            let path = format!("{}/leanos.toml", ROOTS[*root as usize % ROOTS.len()]);
            match sections {
                Some(sections) => {
                    let created = model.read(&path).is_none();
                    model.write(&path, &actions::toml(sections));
                    watched(model, server, &[(&path, if created { 1 } else { 2 })]).await;
                }
                None => {
                    let _ = std::fs::remove_file(model.absolute(&path));
                    watched(model, server, &[(&path, 3)]).await;
                }
            }
        }
        Action::Settings { sections } => {
            model.settings = actions::settings(sections);
            server.set_settings(model.settings.clone());
            server
                .notify(
                    "workspace/didChangeConfiguration",
                    json!({"settings": {"leanos": model.settings}}),
                )
                .await;
        }
        Action::Root { root } => {
            let root = *root as usize % ROOTS.len();
            let folder = json!([{"uri": model.uri(ROOTS[root]), "name": ROOTS[root]}]);
            let event = if model.roots.remove(&root) {
                json!({"added": [], "removed": folder})
            } else {
                model.roots.insert(root);
                json!({"added": folder, "removed": []})
            };
            server
                .notify(
                    "workspace/didChangeWorkspaceFolders",
                    json!({"event": event}),
                )
                .await;
        }
    }
}

/// The path of the `n`-th open document (modulo their number).
fn nth_open(model: &Model, n: u8) -> Option<String> {
    let count = model.open.len();
    if count == 0 {
        return None;
    }
    model.open.keys().nth(n as usize % count).cloned()
}

/// Applies `change` to `text` as the protocol says and returns it as sent.
fn edit(text: &mut String, change: &Change, utf8: bool, path: &str) -> Value {
    if change.whole {
        let insert = change.insert;
        *text = Text {
            heading: insert,
            fragments: vec![insert, insert / 2],
        }
        .render(path);
        return json!({"text": text});
    }
    let lines = model::Lines::new(text).starts().len();
    // One line past the end, and columns past a line's end, now and then.
    let line = change.line as usize % (lines + 1);
    let column = change.column as usize % (model::line_width(text, line, utf8) + 3);
    let end_line = line + change.lines as usize;
    let end_column = if change.lines == 0 {
        column + change.end_column as usize % 8
    } else {
        change.end_column as usize % (model::line_width(text, end_line, utf8) + 2)
    };
    let insert = INSERTS[change.insert as usize % INSERTS.len()];
    let start = model::offset_of(text, line as u32, column as u32, utf8);
    let end = model::offset_of(text, end_line as u32, end_column as u32, utf8).max(start);
    text.replace_range(start..end, insert);
    json!({
        "range": {
            "start": {"line": line, "character": column},
            "end": {"line": end_line, "character": end_column},
        },
        "text": insert,
    })
}

/// Tells the server of changes on disk (`1` created, `2` changed, `3`
/// deleted).
async fn watched(model: &Model, server: &mut Client, changes: &[(&str, u8)]) {
    let changes: Vec<Value> = changes
        .iter()
        .map(|(path, kind)| json!({"uri": model.uri(path), "type": kind}))
        .collect();
    server
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": changes}),
        )
        .await;
}

/// Compares `server` with a fresh server on the model's files.
async fn compare(
    model: &Model,
    server: &mut Client,
    capabilities: &Value,
    step: &Step,
) -> Result<(), String> {
    let mut fresh = Client::start(
        capabilities.clone(),
        &model.folders(),
        model.settings.clone(),
    )
    .await;
    for (path, doc) in &model.open {
        fresh
            .notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": model.uri(path), "languageId": language(path), "version": doc.version, "text": doc.text}}),
            )
            .await;
    }
    fresh.settle().await;
    let mut result = diagnostics_agree(&server.published, &fresh.published)
        .map_err(|message| format!("against a fresh server: {message}"));
    if result.is_ok() {
        for (method, params) in samples(model, step) {
            let incremental = server.result(method, params.clone()).await;
            let expected = fresh.result(method, params.clone()).await;
            if incremental != expected {
                result = Err(format!(
                    "{method} at {params}:\n  incremental: {incremental}\n  fresh server: {expected}"
                ));
                break;
            }
        }
    }
    fresh.stop().await;
    result
}

/// Compares `server` with fresh snapshots of the model's files.
async fn compare_snapshots(
    model: &Model,
    server: &mut Client,
    snapshots: &Snapshots,
    step: &Step,
) -> Result<(), String> {
    diagnostics_agree(&server.published, &snapshots.published())
        .map_err(|message| format!("against a fresh snapshot: {message}"))?;
    for (method, params) in samples(model, step) {
        let incremental = server.result(method, params.clone()).await;
        let expected = snapshots.answer(method, &params);
        if incremental != expected {
            return Err(format!(
                "{method} at {params}:\n  incremental: {incremental}\n  fresh snapshot: {expected}"
            ));
        }
    }
    Ok(())
}

fn diagnostics_agree(
    incremental: &std::collections::BTreeMap<String, Value>,
    fresh: &std::collections::BTreeMap<String, Value>,
) -> Result<(), String> {
    let mut differences = Vec::new();
    let uris: std::collections::BTreeSet<&String> =
        incremental.keys().chain(fresh.keys()).collect();
    for uri in uris {
        let (a, b) = (incremental.get(uri), fresh.get(uri));
        if !publications_agree(a, b) {
            differences.push(format!(
                "{uri}:\n  incremental: {}\n  fresh:       {}",
                a.map_or("none".into(), Value::to_string),
                b.map_or("none".into(), Value::to_string)
            ));
        }
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(format!("diagnostics differ:\n{}", differences.join("\n")))
    }
}

/// Whether the client's last publication of a file, `shown`, shows what a
/// fresh computation finds, `fresh` (`{"version", "diagnostics"}`, `None`
/// for no diagnostics). The server does not send a set again when only the
/// document's version changed, so `shown` may carry an older version of an
/// open document, never a newer one; a closed document's has none, as a
/// document opened or closed is always sent again.
fn publications_agree(shown: Option<&Value>, fresh: Option<&Value>) -> bool {
    let (Some(shown), Some(fresh)) = (shown, fresh) else {
        return shown.is_none() && fresh.is_none();
    };
    let versions = match (shown["version"].as_i64(), fresh["version"].as_i64()) {
        (None, None) => true,
        (Some(shown), Some(fresh)) => shown <= fresh,
        _ => false,
    };
    versions && shown["diagnostics"] == fresh["diagnostics"]
}

/// The requests made at the step's sampled positions: definition,
/// references and hover on an ID, a link or a path of some file.
fn samples(model: &Model, step: &Step) -> Vec<(&'static str, Value)> {
    static PATTERN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(
            r"\b[AHT][0-9]+\b|SG[0-9]|g-growth|[0-9]{2}[-.][a-z]+\.md|(sales|engineering|marketing)/[a-z0-9-]+|[0-9]-[a-z]+\.md",
        )
        .expect("a valid pattern")
    });
    let mut candidates: Vec<(String, usize)> = Vec::new();
    let mut texts = std::collections::BTreeMap::new();
    for path in model.files() {
        let Some(text) = model.text(&path) else {
            continue;
        };
        for found in pattern.find_iter(&text) {
            // Inside the token: its second byte (tokens are ASCII).
            candidates.push((path.clone(), found.start() + 1));
        }
        texts.insert(path, text);
    }
    if candidates.is_empty() {
        return Vec::new();
    }
    let mut requests = Vec::new();
    for seed in step.samples {
        let (path, offset) = &candidates[seed as usize % candidates.len()];
        let (line, character) = model::position_of(&texts[path], *offset, model.utf8);
        let at = json!({"textDocument": {"uri": model.uri(path)}, "position": {"line": line, "character": character}});
        let mut references = at.clone();
        references["context"] = json!({"includeDeclaration": true});
        requests.push(("textDocument/definition", at.clone()));
        requests.push(("textDocument/references", references));
        requests.push(("textDocument/hover", at));
    }
    requests
}
