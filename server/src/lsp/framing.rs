//! LSP's base protocol framing: `Content-Length` frames read from a byte
//! stream, with a bounded header line and body, resynchronising at the
//! next `Content-Length` header after a frame that cannot be delimited
//! (see [`super::transport`] for what the session does with each frame).

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

/// The largest message body read, in bytes (a `didOpen` of a file at the
/// 4 MiB size cap, escaped, is far below it).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The longest header line read, in bytes.
pub const MAX_HEADER_LINE: u64 = 8 * 1024;

/// What reading the input gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A delimited body.
    Body(Vec<u8>),
    /// A frame that is not a message; the input is positioned after it.
    Invalid(String),
    /// The input ended between frames.
    Eof,
    /// The input ended inside a frame or could not be read.
    Broken(String),
}

/// Reads base-protocol frames from a byte stream.
pub struct FrameReader<R> {
    input: R,
    /// A header line found while resynchronising, to be read first.
    pending: Option<Vec<u8>>,
}

/// Where `Content-Length:` starts in `line`, in any letter case.
fn content_length_at(line: &[u8]) -> Option<usize> {
    const NAME: &[u8] = b"content-length:";
    line.windows(NAME.len())
        .position(|w| w.eq_ignore_ascii_case(NAME))
}

impl<R: AsyncBufRead + Unpin> FrameReader<R> {
    pub fn new(input: R) -> FrameReader<R> {
        FrameReader {
            input,
            pending: None,
        }
    }

    /// Reads one line (at most [`MAX_HEADER_LINE`] bytes) into `line`;
    /// `Ok(false)` at the end of the input.
    async fn line(&mut self, line: &mut Vec<u8>) -> std::io::Result<bool> {
        line.clear();
        if let Some(pending) = self.pending.take() {
            *line = pending;
            return Ok(true);
        }
        let read = (&mut self.input)
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', line)
            .await?;
        Ok(read > 0)
    }

    /// Skips input up to the next `Content-Length` header, which the next
    /// [`FrameReader::next`] reads first. The end of the input stops it.
    async fn resynchronise(&mut self) -> std::io::Result<()> {
        let mut line = Vec::new();
        while self.line(&mut line).await? {
            if let Some(at) = content_length_at(&line) {
                self.pending = Some(line.split_off(at));
                break;
            }
        }
        Ok(())
    }

    /// An invalid frame after resynchronising (or a broken input if that
    /// fails).
    async fn invalid_then_resynchronise(&mut self, reason: String) -> Frame {
        match self.resynchronise().await {
            Ok(()) => Frame::Invalid(reason),
            Err(error) => Frame::Broken(format!("cannot read the input: {error}")),
        }
    }

    /// The next frame.
    pub async fn next(&mut self) -> Frame {
        let mut line = Vec::new();
        let mut content_length: Option<Result<usize, String>> = None;
        let mut bad_header: Option<String> = None;
        let mut in_header = false;
        loop {
            match self.line(&mut line).await {
                Ok(true) => {}
                Ok(false) if in_header => {
                    return Frame::Broken("the input ended inside a message header".into())
                }
                Ok(false) => return Frame::Eof,
                Err(error) => return Frame::Broken(format!("cannot read the input: {error}")),
            }
            if !line.ends_with(b"\n") && line.len() as u64 >= MAX_HEADER_LINE {
                let reason = format!("a header line is over {MAX_HEADER_LINE} bytes");
                return self.invalid_then_resynchronise(reason).await;
            }
            // A header glued after other bytes (the tail of a body whose
            // Content-Length was too short): those bytes are not a
            // message; the header starts the next frame.
            if let Some(at) = content_length_at(&line).filter(|at| *at > 0) {
                self.pending = Some(line.split_off(at));
                return Frame::Invalid(format!("{at} bytes that are not a message"));
            }
            let text = line.trim_ascii();
            if text.is_empty() {
                if in_header {
                    break;
                }
                continue; // blank lines between messages
            }
            in_header = true;
            let Some(colon) = text.iter().position(|&b| b == b':') else {
                let reason = "a message without a Content-Length header".to_string();
                return self.invalid_then_resynchronise(reason).await;
            };
            let (name, value) = (&text[..colon], text[colon + 1..].trim_ascii());
            let value = String::from_utf8_lossy(value);
            if name.eq_ignore_ascii_case(b"content-length") {
                content_length = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| format!("Content-Length `{value}` is not a length")),
                );
            } else if name.eq_ignore_ascii_case(b"content-type") {
                let charset = value
                    .split(';')
                    .skip(1)
                    .filter_map(|p| p.trim().strip_prefix("charset="))
                    .next();
                if !matches!(
                    charset.map(str::to_ascii_lowercase).as_deref(),
                    None | Some("utf-8" | "utf8")
                ) {
                    bad_header = Some(format!("Content-Type `{value}` is not UTF-8"));
                }
            }
        }
        let length = match content_length {
            None => {
                let reason = "a message without a Content-Length header".to_string();
                return self.invalid_then_resynchronise(reason).await;
            }
            Some(Err(reason)) => return self.invalid_then_resynchronise(reason).await,
            Some(Ok(length)) if length > MAX_MESSAGE_BYTES => {
                let reason = format!(
                    "a message of {length} bytes is over the {MAX_MESSAGE_BYTES} byte limit"
                );
                return self.invalid_then_resynchronise(reason).await;
            }
            Some(Ok(length)) => length,
        };
        let mut body = vec![0; length];
        if let Err(error) = self.input.read_exact(&mut body).await {
            return Frame::Broken(if error.kind() == std::io::ErrorKind::UnexpectedEof {
                format!("the input ended inside a message of {length} bytes")
            } else {
                format!("cannot read the input: {error}")
            });
        }
        match bad_header {
            Some(reason) => Frame::Invalid(reason),
            None => Frame::Body(body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = FrameReader::new(input);
        let mut out = Vec::new();
        loop {
            let frame = reader.next().await;
            let end = matches!(frame, Frame::Eof | Frame::Broken(_));
            out.push(frame);
            if end {
                return out;
            }
        }
    }

    fn body(text: &str) -> Frame {
        Frame::Body(text.as_bytes().to_vec())
    }

    #[tokio::test]
    async fn frames_are_delimited_and_garbage_is_skipped() {
        let input = b"Content-Length: 2\r\n\r\n{}\r\ncontent-length: 3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[1]";
        assert_eq!(frames(input).await, [body("{}"), body("[1]"), Frame::Eof]);
        // No Content-Length: resynchronised at the next one, even glued
        // to the body before it.
        let input = b"X-Other: 1\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}";
        let got = frames(input).await;
        assert!(matches!(&got[0], Frame::Invalid(r) if r.contains("Content-Length")));
        assert_eq!(got[1..], [body("{}"), Frame::Eof]);
        // A length far too large is refused without reading it.
        let input = b"Content-Length: 99999999999\r\n\r\n{}\nContent-Length: 2\r\n\r\n{}";
        let got = frames(input).await;
        assert!(matches!(&got[0], Frame::Invalid(r) if r.contains("over the")));
        assert_eq!(got[1..], [body("{}"), Frame::Eof]);
        // A length counted too short: the rest of the body, then the next
        // frame, which is not lost.
        let input = b"Content-Length: 7\r\n\r\n{\"a\":1}xyzContent-Length: 2\r\n\r\n{}";
        let got = frames(input).await;
        assert_eq!(got[0], body("{\"a\":1}"));
        assert!(matches!(&got[1], Frame::Invalid(r) if r.contains("3 bytes")));
        assert_eq!(got[2..], [body("{}"), Frame::Eof]);
        // A length that is not a number; a charset that is not UTF-8.
        let input = b"Content-Length: ten\r\n\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=latin1\r\n\r\n{}";
        let got = frames(input).await;
        assert!(matches!(&got[0], Frame::Invalid(r) if r.contains("`ten`")));
        assert!(matches!(&got[1], Frame::Invalid(r) if r.contains("latin1")));
        assert_eq!(got[2], Frame::Eof);
        // The input ends inside a body or a header.
        assert!(matches!(
            frames(b"Content-Length: 10\r\n\r\n{}").await[..],
            [Frame::Broken(_)]
        ));
        assert!(matches!(
            frames(b"Content-Length: 10\r\n").await[..],
            [Frame::Broken(_)]
        ));
    }
}
