//! The protocol's framing over byte streams: a reader thread turns
//! `Content-Length` frames into messages (a malformed one becomes an error
//! to answer, and reading goes on), a writer thread writes the answers.

use std::io::{self, BufRead, Read, Write};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message};
use serde_json::Value as Json;

/// The largest message read; a Markdown file's full text is far smaller.
const MAX_MESSAGE: usize = 256 << 20;

/// What the reader thread hands the main loop.
pub(crate) enum Incoming {
    Message(Message),
    /// A message that could not be read: answered with an error.
    Malformed {
        id: Json,
        code: ErrorCode,
        message: String,
    },
}

pub(crate) enum Outgoing {
    Message(Message),
    /// An error response whose id may be `null` (which `lsp_server`'s
    /// `RequestId` cannot express).
    Raw(Json),
}

pub(crate) fn read_messages(mut input: impl BufRead, tx: &Sender<Incoming>) {
    loop {
        let incoming = match read_frame(&mut input) {
            Ok(Some(Ok(body))) => parse_message(&body),
            Ok(Some(Err(problem))) => Incoming::Malformed {
                id: Json::Null,
                code: ErrorCode::ParseError,
                message: problem,
            },
            Ok(None) | Err(_) => return,
        };
        let is_exit =
            matches!(&incoming, Incoming::Message(Message::Notification(n)) if n.method == "exit");
        if tx.send(incoming).is_err() || is_exit {
            return;
        }
    }
}

/// Reads one `Content-Length`-framed body. `Ok(None)` at the end of input;
/// `Ok(Some(Err(_)))` for a frame that was consumed but is unusable.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Result<Vec<u8>, String>>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = String::new();
    let mut saw_header = false;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(if saw_header {
                Some(Err("the input ended inside a message header".into()))
            } else {
                None
            });
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if saw_header {
                break;
            }
            // Stray blank lines between messages are harmless.
            continue;
        }
        saw_header = true;
        let Some((name, value)) = header.split_once(':') else {
            length = Some(Err(format!("malformed header line {header:?}")));
            continue;
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .trim()
                    .parse()
                    .map_err(|_| format!("invalid Content-Length {:?}", value.trim())),
            );
        }
    }
    let length = match length {
        Some(Ok(length)) => length,
        Some(Err(problem)) => return Ok(Some(Err(problem))),
        None => return Ok(Some(Err("the message has no Content-Length header".into()))),
    };
    if length > MAX_MESSAGE {
        // Skip it without holding it: a bogus length must not exhaust memory.
        io::copy(&mut Read::take(&mut *input, length as u64), &mut io::sink())?;
        return Ok(Some(Err(format!(
            "a message of {length} bytes is over the limit of {MAX_MESSAGE}"
        ))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(Ok(body)))
}

fn parse_message(body: &[u8]) -> Incoming {
    let json: Json = match serde_json::from_slice(body) {
        Ok(json) => json,
        Err(error) => {
            return Incoming::Malformed {
                id: Json::Null,
                code: ErrorCode::ParseError,
                message: format!("invalid JSON: {error}"),
            }
        }
    };
    let id = match json.get("id") {
        Some(id @ (Json::Number(_) | Json::String(_))) => id.clone(),
        _ => Json::Null,
    };
    let valid_shape =
        json.is_object() && (json.get("method").is_some_and(Json::is_string) || !id.is_null());
    match serde_json::from_value::<Message>(json) {
        Ok(message) if valid_shape => Incoming::Message(message),
        Ok(_) => Incoming::Malformed {
            id,
            code: ErrorCode::InvalidRequest,
            message: "not a JSON-RPC request, notification or response".into(),
        },
        Err(error) => Incoming::Malformed {
            id,
            code: ErrorCode::InvalidRequest,
            message: format!("not a JSON-RPC message: {error}"),
        },
    }
}

pub(crate) fn write_messages(mut output: impl Write, rx: &Receiver<Outgoing>) {
    for outgoing in rx {
        let written = match outgoing {
            Outgoing::Message(message) => message.write(&mut output),
            Outgoing::Raw(json) => {
                let text = json.to_string();
                write!(output, "Content-Length: {}\r\n\r\n{text}", text.len())
                    .and_then(|()| output.flush())
            }
        };
        if written.is_err() {
            // The client is gone; the main loop ends at the end of input.
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_frames_are_reported_and_reading_goes_on() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "Content-Length: 5\r\n\r\n{{oops\r\nX-Nonsense\r\n\r\nContent-Length: {}\r\n\r\n{good}",
            good.len()
        );
        let mut reader = io::Cursor::new(input.into_bytes());
        let first = read_frame(&mut reader).unwrap().unwrap().unwrap();
        assert!(matches!(
            parse_message(&first),
            Incoming::Malformed {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(read_frame(&mut reader).unwrap().unwrap().is_err());
        let third = read_frame(&mut reader).unwrap().unwrap().unwrap();
        assert!(matches!(
            parse_message(&third),
            Incoming::Message(Message::Notification(_))
        ));
        assert!(read_frame(&mut reader).unwrap().is_none());
        // A huge length is refused without allocating it.
        let mut huge = io::Cursor::new(b"Content-Length: 999999999999\r\n\r\n{}".to_vec());
        assert!(read_frame(&mut huge).unwrap().unwrap().is_err());
        assert!(matches!(
            parse_message(br#"{"jsonrpc":"2.0","id":4}"#),
            Incoming::Malformed {
                code: ErrorCode::InvalidRequest,
                ..
            } | Incoming::Message(Message::Response(_))
        ));
    }
}
