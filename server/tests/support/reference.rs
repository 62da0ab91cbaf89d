//! The fast reference of the model-checking test: a fresh `Snapshot` of each
//! root built in one batch from the model (the disk as the scan walks and
//! reads it, the open documents' texts laid over it under the same ingest
//! policy), its workspace diagnostics converted as the server converts
//! them, and definition, references and hover answered from it as the
//! handlers answer. Lowering is a pure function of a file's path, content,
//! version and configuration, so lowered files are reused across steps;
//! the index, the invalidation and the publication are what is compared.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{json, Value};
use tower_lsp_server::ls_types::{
    GotoDefinitionResponse, Hover, HoverContents, LocationLink, MarkupContent, MarkupKind, Position,
};

use leanos_lsp::analysis::diagnostics::file_diagnostics;
use leanos_lsp::analysis::{definition, hover, references};
use leanos_lsp::config::{parse_client_settings, DEFAULT_MAX_FILE_SIZE};
use leanos_lsp::index::{effective_config, FileData, Snapshot};
use leanos_lsp::ingest::{Content, Kind, Policy};
use leanos_lsp::line_index::ColumnUnit;
use leanos_lsp::lsp::convert;
use leanos_lsp::lsp::query::Query;
use leanos_lsp::vfs::{self, FileRead};

use super::model::{Model, ROOTS};

/// A lowered file is the same for the same configuration, path, version,
/// origin (editor or disk) and content.
type Key = (String, String, Option<i32>, bool, Vec<u8>);

/// Lowered files kept across the steps of one run.
#[derive(Default)]
pub struct Reference {
    lowered: HashMap<Key, Arc<FileData>>,
}

/// The snapshots of the roots the client has open, by root.
pub struct Snapshots {
    roots: Vec<(PathBuf, Snapshot)>,
    unit: ColumnUnit,
    links: bool,
}

impl Reference {
    /// Fresh snapshots of the model's roots.
    pub fn snapshots(&mut self, model: &Model, links: bool) -> Snapshots {
        let settings = parse_client_settings(&model.settings).0;
        let mut roots = Vec::new();
        for &index in &model.roots {
            let root = model.absolute(ROOTS[index]);
            let toml = match vfs::read_file(&root, "leanos.toml", DEFAULT_MAX_FILE_SIZE) {
                Ok(FileRead::Bytes(bytes)) => Some(vfs::decode(&bytes).text.to_string()),
                _ => None,
            };
            let config = effective_config(&settings, toml.as_deref());
            let config_key = format!("{}\u{0}{toml:?}", model.settings);
            let policy = Policy::new(&config);
            let ignore = config.ignore_matcher();
            let prefix = format!("{}/", ROOTS[index]);
            let open: BTreeMap<&str, _> = model
                .open
                .iter()
                .filter_map(|(path, doc)| Some((path.strip_prefix(&prefix)?, doc)))
                .collect();
            let mut files: BTreeMap<String, Arc<FileData>> = BTreeMap::new();
            let mut others: Vec<String> = Vec::new();
            for path in vfs::walk(&root, &|path| ignore.is_match(path)).files {
                if open.contains_key(path.as_str()) {
                    continue;
                }
                match policy.kind(&path) {
                    Kind::Ignored => {}
                    Kind::Other => others.push(path),
                    Kind::Source => {
                        let Ok(read) = vfs::read_walked_file(&root, &path, config.max_file_size)
                        else {
                            continue;
                        };
                        let file = match read {
                            FileRead::Bytes(bytes) => {
                                let key = (config_key.clone(), path.clone(), None, false, bytes);
                                self.lower(&policy, key)
                            }
                            too_large => {
                                Arc::new(policy.lower(&path, Content::Disk(too_large), None))
                            }
                        };
                        files.insert(path, file);
                    }
                }
            }
            for (path, doc) in open {
                match policy.kind(path) {
                    Kind::Ignored => {}
                    Kind::Other => others.push(path.to_string()),
                    Kind::Source => {
                        let key = (
                            config_key.clone(),
                            path.to_string(),
                            Some(doc.version),
                            true,
                            doc.text.clone().into_bytes(),
                        );
                        files.insert(path.to_string(), self.lower(&policy, key));
                    }
                }
            }
            let snapshot = Snapshot::build(config.clone(), files.into_values().collect(), &others);
            roots.push((root, snapshot));
        }
        let unit = if model.utf8 {
            ColumnUnit::Utf8
        } else {
            ColumnUnit::Utf16
        };
        Snapshots { roots, unit, links }
    }

    fn lower(&mut self, policy: &Policy, key: Key) -> Arc<FileData> {
        if let Some(file) = self.lowered.get(&key) {
            return file.clone();
        }
        let (_, path, version, editor, bytes) = &key;
        let content = if *editor {
            Content::Editor(Arc::from(String::from_utf8_lossy(bytes).as_ref()))
        } else {
            Content::Disk(FileRead::Bytes(bytes.clone()))
        };
        let file = Arc::new(policy.lower(path, content, *version));
        self.lowered.insert(key, file.clone());
        file
    }
}

impl Snapshots {
    /// URI -> `{"version", "diagnostics"}` for every file with diagnostics,
    /// as the server publishes them.
    pub fn published(&self) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for (root, snapshot) in &self.roots {
            for (path, file) in snapshot.files.iter() {
                let diagnostics: Vec<_> = file_diagnostics(snapshot, path)
                    .iter()
                    .map(|d| convert::diagnostic(root, snapshot, file, d, self.unit))
                    .collect();
                if diagnostics.is_empty() {
                    continue;
                }
                let Some(uri) = convert::uri(root, path) else {
                    continue;
                };
                out.insert(
                    uri.as_str().to_string(),
                    json!({"version": file.version, "diagnostics": diagnostics}),
                );
            }
        }
        out
    }

    /// The query of the handlers at `position` of the file at `uri`.
    fn query(&self, uri: &str, position: Position) -> Option<Query> {
        let absolute = PathBuf::from(uri.strip_prefix("file://")?);
        let (root, snapshot) = self
            .roots
            .iter()
            .filter(|(root, _)| absolute.starts_with(root))
            .max_by_key(|(root, _)| root.as_os_str().len())?;
        let path = leanos_lsp::paths::workspace_path(root, &absolute)?;
        let file = snapshot.files.get(path.as_str())?;
        let offset = convert::offset(&file.line_index, &file.text(), position, self.unit);
        Some(Query {
            snapshot: snapshot.clone(),
            root: root.clone(),
            path,
            offset,
            unit: self.unit,
        })
    }

    /// The answer to a request the test samples (`textDocument/definition`,
    /// `references` with the declaration, `hover`), as the server's
    /// handler gives it.
    pub fn answer(&self, method: &str, params: &Value) -> Value {
        let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
        let position: Position =
            serde_json::from_value(params["position"].clone()).unwrap_or_default();
        let Some(q) = self.query(uri, position) else {
            return Value::Null;
        };
        let answer = match method {
            "textDocument/definition" => self.definition(&q).map(|r| json!(r)),
            "textDocument/references" => Some(json!(q.locations(&references::references(
                &q.snapshot,
                &q.path,
                q.offset,
                true
            )))),
            "textDocument/hover" => {
                hover::hover(&q.snapshot, &q.path, q.offset).map(|(range, text)| {
                    json!(Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: leanos_lsp::lsp::convert::path_links(&text, &q.root),
                        }),
                        range: Some(q.range(&q.path, &range)),
                    })
                })
            }
            _ => None,
        };
        answer.unwrap_or(Value::Null)
    }

    fn definition(&self, q: &Query) -> Option<GotoDefinitionResponse> {
        let (origin, locations) = definition::definition(&q.snapshot, &q.path, q.offset)?;
        if locations.is_empty() {
            return None;
        }
        let origin = q.range(&q.path, &origin);
        if !self.links {
            return Some(GotoDefinitionResponse::Array(q.locations(&locations)));
        }
        let links = locations
            .iter()
            .filter_map(|l| {
                Some(LocationLink {
                    origin_selection_range: Some(origin),
                    target_uri: convert::uri(&q.root, &l.path)?,
                    target_range: q.range(&l.path, &l.range),
                    target_selection_range: q.range(&l.path, &l.selection),
                })
            })
            .collect();
        Some(GotoDefinitionResponse::Link(links))
    }
}
