//! The language server over stdio: the only code that knows LSP types.
//! `server` holds the session and handlers; `convert` turns byte ranges
//! into positions in the negotiated encoding; `transport` frames messages
//! on stdio and decides the exit status.

pub mod capabilities;
mod catch_ups;
mod changes;
pub mod convert;
mod dependents;
pub mod document;
pub mod framing;
mod handlers;
mod moves;
mod outbox;
mod publish;
pub mod query;
mod scan;
pub mod server;
mod session;
mod survey;
pub mod transport;
mod watcher;

pub use server::Backend;

/// Runs the server on stdin/stdout until the client exits; returns the
/// process exit status: 0 after `shutdown` then `exit` (or the end of the
/// input), 1 when the session ended without a `shutdown` or on input that
/// cannot be read, 2 when the runtime cannot start. See [`transport`].
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
    let code = runtime.block_on(async {
        let (outlet, output) = transport::output();
        let (service, socket) = Backend::stdio_service(outlet);
        let (stdin, stdout) = (tokio::io::stdin(), std::io::stdout());
        transport::serve(stdin, stdout, service, socket, output).await
    });
    // Background work (a scan, a diagnostics pass) is not waited for.
    runtime.shutdown_background();
    code
}
