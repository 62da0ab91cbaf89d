//! `workspace/executeCommand`: `leanos.showReferences` (hands the
//! locations it carries back) and `leanos.loop` (`loop_command.rs`).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::server::{Backend, LOOP, SHOW_REFERENCES};

pub(crate) async fn execute_command(
    server: &Backend,
    params: ExecuteCommandParams,
) -> Result<Option<LSPAny>> {
    if params.command == LOOP {
        return super::loop_command::loop_page(server, &params.arguments).await;
    }
    if params.command != SHOW_REFERENCES {
        return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
            "unknown command `{}`",
            params.command
        )));
    }
    // The locations travel with the command: hand them back.
    Ok(params.arguments.get(2).cloned())
}
