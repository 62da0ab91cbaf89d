//! `workspace/didChangeWatchedFiles`: the client's report of changes on
//! disk, fed to the one change path ([`Backend::apply_disk_changes`]).

use tower_lsp_server::ls_types::*;

use crate::lsp::server::Backend;

pub(crate) async fn did_change_watched_files(
    server: &Backend,
    params: DidChangeWatchedFilesParams,
) {
    let paths = params
        .changes
        .iter()
        .filter_map(|change| change.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    server.apply_disk_changes(paths).await;
}
