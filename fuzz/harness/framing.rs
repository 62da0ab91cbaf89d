//! The `framing` target: the bytes a client writes to the server's
//! standard input, as the base protocol's frame reader
//! (`leanos_lsp::lsp::framing`) delimits them. Input: a byte choosing the
//! read buffer's capacity (1 to 64 bytes, so frames straddle its
//! refills), a byte choosing the mode, then the rest:
//!
//! - even mode byte: the rest is the stream as it is;
//! - odd: the rest is bodies, each `[length byte][body]`, written as
//!   well-formed frames (the header's letter case, `\r\n` or `\n` line
//!   ends, a UTF-8 `Content-Type`, blank lines between frames chosen by
//!   the mode byte's other bits).
//!
//! Checks: no panic; reading ends (`Eof` or `Broken`) after at most one
//! frame per byte of input; the frames are the same whatever the buffer's
//! capacity; and well-formed frames give back exactly their bodies, then
//! `Eof`.

use leanos_lsp::lsp::framing::{Frame, FrameReader};

/// Every frame of `input` read through a buffer of `capacity` bytes, up
/// to and including the one that ends the input.
fn frames(input: &[u8], capacity: usize) -> Vec<Frame> {
    let buffered = tokio::io::BufReader::with_capacity(capacity, input);
    let mut reader = FrameReader::new(buffered);
    let mut out = Vec::new();
    futures::executor::block_on(async {
        loop {
            let frame = reader.next().await;
            let end = matches!(frame, Frame::Eof | Frame::Broken(_));
            out.push(frame);
            assert!(
                out.len() <= input.len() + 2,
                "more frames than bytes: the reader does not advance ({} bytes)",
                input.len()
            );
            if end {
                return;
            }
        }
    });
    out
}

/// Well-formed frames holding `bodies`, written as the mode byte says.
fn encode(bodies: &[&[u8]], mode: u8) -> Vec<u8> {
    let end: &[u8] = if mode & 0x02 != 0 { b"\n" } else { b"\r\n" };
    let name = if mode & 0x04 != 0 {
        "content-length"
    } else {
        "Content-Length"
    };
    let mut out = Vec::new();
    for body in bodies {
        if mode & 0x08 != 0 {
            out.extend_from_slice(end);
        }
        out.extend_from_slice(format!("{name}: {}", body.len()).as_bytes());
        out.extend_from_slice(end);
        if mode & 0x10 != 0 {
            out.extend_from_slice(b"Content-Type: application/vscode-jsonrpc; charset=utf-8");
            out.extend_from_slice(end);
        }
        out.extend_from_slice(end);
        out.extend_from_slice(body);
    }
    out
}

/// Runs the `framing` checks on one input (panics on a violation).
pub fn check(data: &[u8]) {
    let [capacity, mode, rest @ ..] = data else {
        return;
    };
    let capacity = 1 + usize::from(*capacity % 64);
    if mode & 1 == 0 {
        let whole = frames(rest, rest.len().max(1));
        assert_eq!(
            frames(rest, capacity),
            whole,
            "the frames depend on the read buffer's capacity ({capacity} bytes)"
        );
        return;
    }
    let mut bodies: Vec<&[u8]> = Vec::new();
    let mut rest = rest;
    while let Some((&length, tail)) = rest.split_first() {
        let (body, tail) = tail.split_at(usize::from(length).min(tail.len()));
        bodies.push(body);
        rest = tail;
    }
    let stream = encode(&bodies, *mode);
    let mut expected: Vec<Frame> = bodies.iter().map(|b| Frame::Body(b.to_vec())).collect();
    expected.push(Frame::Eof);
    assert_eq!(frames(&stream, capacity), expected, "well-formed frames");
}
