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
        tower_lsp_server::Server::new(tokio::io::stdin(), SyncStdout(std::io::stdout()), socket)
            .serve(service)
            .await;
    });
    0
}

/// Standard output written in place, without a hop to tokio's blocking
/// pool for every write and flush: each message is one `write` of its
/// header and one of its body, on the thread that serves the protocol.
/// A client that stops reading stalls that thread (and so the reading of
/// its input), which is the backpressure LSP expects.
struct SyncStdout(std::io::Stdout);

impl tokio::io::AsyncWrite for SyncStdout {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        bytes: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        use std::io::Write;
        std::task::Poll::Ready(self.0.lock().write(bytes))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::io::Write;
        std::task::Poll::Ready(self.0.lock().flush())
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.poll_flush(context)
    }
}
