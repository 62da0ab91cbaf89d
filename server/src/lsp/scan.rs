//! The scan of a root (its first and every full reload) and the client's
//! settings.

use std::path::PathBuf;

use tower_lsp_server::ls_types::*;

use crate::lsp::server::{Backend, StatusNotification};
use crate::lsp::watcher::server_watches;
use crate::vfs;

impl Backend {
    /// Loads every root that is not ready (all of them when `all`) from
    /// disk, then lays open documents over it. Reports `$/progress` when
    /// the client supports it.
    pub(in crate::lsp) async fn scan(&self, all: bool) {
        // Counted until the index is installed and its status sent (not
        // while waiting on the client's progress answer).
        let busy = self.busy();
        let (roots, settings, progress) = {
            let mut session = self.lock();
            let mut roots: Vec<(PathBuf, u64)> = Vec::new();
            for workspace in session.workspaces.iter_mut().filter(|w| w.wants_scan(all)) {
                let ticket = workspace.start_scan();
                roots.push((workspace.root.clone(), ticket));
            }
            (
                roots,
                session.settings.clone(),
                session.flags.work_done_progress,
            )
        };
        if roots.is_empty() {
            if self.lock().workspaces.is_empty() {
                self.outbox
                    .log_message(
                        MessageType::WARNING,
                        "leanos: no workspace folder; nothing to index",
                    )
                    .await;
            }
            return;
        }
        let token = NumberOrString::String(format!(
            "leanos-scan-{}-{}",
            std::process::id(),
            self.lock().generation
        ));
        // Progress is created beside the scan, never before it: a client
        // that answers `window/workDoneProgress/create` late (or never)
        // must not hold the index back.
        let progress_task = {
            let client = self.client.clone();
            tokio::spawn(async move {
                if !progress
                    || client
                        .create_work_done_progress(token.clone())
                        .await
                        .is_err()
                {
                    return None;
                }
                Some(
                    client
                        .progress(token, "LeanOS")
                        .with_message("indexing the workspace")
                        .begin()
                        .await,
                )
            })
        };
        self.outbox
            .notify::<StatusNotification>(serde_json::json!({"state": "indexing"}))
            .await;
        let mut summaries = Vec::new();
        for (root, ticket) in roots {
            // The server's own watcher is registered once the scan is
            // installed, not before it nor beside it: registering a large
            // tree takes as long as reading it, and a watched folder
            // reports every file the scan opens. A change the watcher was
            // not there to see is caught up with once the registration
            // ends (the files' stamps as the scan read them against the
            // disk).
            let mode = {
                let toml = match vfs::read_file(
                    &root,
                    "leanos.toml",
                    crate::config::DEFAULT_MAX_FILE_SIZE,
                ) {
                    Ok(vfs::FileRead::Bytes(bytes)) => Some(vfs::decode(&bytes).text),
                    _ => None,
                };
                crate::index::effective_config(&settings, toml.as_deref()).watcher
            };
            let client_can_watch = self.lock().flags.watched_files_dynamic;
            let watch = server_watches(mode, client_can_watch);
            let scan_root = root.clone();
            let scan_settings = settings.clone();
            // Stamps only for the catch-up of a watcher registered after.
            let stamped = watch;
            let loaded = tokio::task::spawn_blocking(move || {
                if stamped {
                    crate::load::load_workspace_stamped(&scan_root, &scan_settings)
                } else {
                    let (snapshot, stats) = crate::load::load_workspace(&scan_root, &scan_settings);
                    (snapshot, stats, crate::load::Stamps::new())
                }
            })
            .await;
            let Ok((snapshot, stats, stamps)) = loaded else {
                if let Some(workspace) = self.lock().workspaces.iter_mut().find(|w| w.root == root)
                {
                    workspace.abandon_scan(ticket);
                }
                self.outbox
                    .log_message(
                        MessageType::ERROR,
                        format!("leanos: indexing {} failed", root.display()),
                    )
                    .await;
                continue;
            };
            for warning in stats.warnings() {
                let message = format!("leanos: {}: {warning}", root.display());
                self.outbox
                    .show_message(MessageType::WARNING, message)
                    .await;
            }
            let summary = format!(
                "indexed {} files ({} threads) in {} ms",
                stats.files, stats.threads, stats.millis
            );
            tracing::info!(root = %root.display(), "{summary}");
            summaries.push(summary);
            let mut session = self.lock();
            if let Some(workspace) = session.workspaces.iter_mut().find(|w| w.root == root) {
                if workspace.install(snapshot, ticket) && watch {
                    workspace.watch_after_publishing = Some(stamps);
                }
            }
            self.schedule_after(&mut session, std::time::Duration::ZERO);
            drop(session);
        }
        let summary = summaries.join("; ");
        let counts = {
            let session = self.lock();
            let workspaces = session.workspaces.iter().filter(|w| w.ready);
            let (mut files, mut threads) = (0, 0);
            for w in workspaces {
                files += w.snapshot.files.len();
                threads += w.snapshot.threads.len();
            }
            (files, threads)
        };
        self.send_status(counts.0, counts.1).await;
        drop(busy);
        let mut progress_task = progress_task;
        // The index is installed already: waiting here delays only the
        // progress end and the status line, never an answer.
        match tokio::time::timeout(std::time::Duration::from_secs(10), &mut progress_task).await {
            Ok(Ok(Some(ongoing))) => ongoing.finish_with_message(summary.clone()).await,
            Ok(_) => {}
            Err(_) => {
                // No progress begins after the scan it would report.
                progress_task.abort();
                tracing::warn!("the client did not answer window/workDoneProgress/create");
            }
        }
        self.outbox
            .log_message(MessageType::INFO, format!("leanos: {summary}"))
            .await;
    }

    /// Numbers a change of the client's settings, in the order the
    /// client made them (taken before the handler awaits anything).
    pub(in crate::lsp) fn number_settings_change(&self) -> u64 {
        let mut session = self.lock();
        session.settings_changes += 1;
        session.settings_changes
    }

    /// Asks the client for its settings (`workspace/configuration`) and
    /// applies them as change `number` ([`Backend::apply_settings_value`]);
    /// false when the client has no settings to give or they changed
    /// nothing.
    pub(in crate::lsp) async fn fetch_settings(&self, number: u64) -> bool {
        if !self.lock().flags.configuration {
            return false;
        }
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("leanos".into()),
        }];
        let Ok(values) = self.client.configuration(items).await else {
            return false;
        };
        let value = values.into_iter().next().unwrap_or(serde_json::Value::Null);
        self.apply_settings_value(number, &value).await
    }

    /// Makes the client's `leanos` settings `value` those in force, as
    /// change `number` ([`Backend::number_settings_change`]), logging what
    /// is wrong in them; true when they differ from those in force. A
    /// change numbered before one already applied is dropped (changes are
    /// handled beside each other, and an older one, or the client's older
    /// answer, may come last).
    pub(in crate::lsp) async fn apply_settings_value(
        &self,
        number: u64,
        value: &serde_json::Value,
    ) -> bool {
        let (settings, problems) = crate::config::parse_client_settings(value);
        for problem in problems {
            self.outbox
                .log_message(MessageType::WARNING, format!("leanos: {problem}"))
                .await;
        }
        let mut session = self.lock();
        if number <= session.settings_applied {
            return false;
        }
        session.settings_applied = number;
        let changed = session.settings != settings;
        session.settings = settings;
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two settings changes handled beside each other, the older one
    /// applied last (its problems were being logged): the settings in
    /// force stay the newer ones, and the older is not a change.
    #[tokio::test]
    async fn an_older_settings_change_applied_last_is_dropped() {
        let (service, _socket) = tower_lsp_server::LspService::new(Backend::new);
        let backend = service.inner().clone();
        let (older, newer) = (
            backend.number_settings_change(),
            backend.number_settings_change(),
        );
        let ignoring = serde_json::json!({"files": {"ignore": ["threads/**"]}});
        assert!(
            !backend
                .apply_settings_value(newer, &serde_json::json!({}))
                .await
        );
        assert!(!backend.apply_settings_value(older, &ignoring).await);
        assert_eq!(backend.lock().settings, crate::config::Settings::default());
        let newest = backend.number_settings_change();
        assert!(backend.apply_settings_value(newest, &ignoring).await);
        assert_ne!(backend.lock().settings, crate::config::Settings::default());
    }
}
