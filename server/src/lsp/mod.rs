//! The language server over stdio: the only code that knows LSP types.
//! `server` holds the session and handlers; `convert` turns byte ranges
//! into positions in the negotiated encoding.

pub mod convert;
pub mod document;
pub mod server;

pub use server::Backend;

/// Runs the server on stdin/stdout until the client exits; returns the
/// process exit status.
pub fn serve_stdio() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!("cannot start the async runtime: {error}");
            return 2;
        }
    };
    runtime.block_on(async {
        let (service, socket) = tower_lsp_server::LspService::new(Backend::new);
        tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    0
}
