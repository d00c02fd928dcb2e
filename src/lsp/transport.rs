//! JSON-RPC framing over a byte stream (`Content-Length` headers), on a
//! reader thread and a writer thread.
//!
//! lsp-server's own stdio transport ends its reader thread on the first
//! malformed message, which would leave the editor with a dead server.
//! This reader reports a bad frame or payload as [`Incoming::Malformed`]
//! and goes on with the next one; lsp-server's message types are used as
//! they are.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};

use lsp_server::{Message, RequestId};
use serde_json::Value;

/// The largest message read into memory (a whole-document `didOpen` of a
/// file at the default size limit fits many times over).
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;

/// What the reader got from the client.
#[derive(Debug)]
pub enum Incoming {
    /// A well-formed message.
    Message(Message),
    /// A frame that is not a message: the reason, and the request id when
    /// one could be read (so the error response can name it).
    Malformed {
        /// What is wrong, for the log.
        reason: String,
        /// JSON-RPC: invalid JSON is a parse error; valid JSON that is not
        /// a request, response or notification is an invalid request.
        parse_error: bool,
        /// The id of the broken request, if it had one.
        id: Option<RequestId>,
    },
    /// The stream ended (or failed): no more input.
    Closed(Option<io::Error>),
}

/// Starts the reader thread: every frame of `input` becomes an
/// [`Incoming`], wrapped by `wrap` and sent on `events`, until the input
/// ends, an `exit` notification passes, or `events` is dropped.
pub fn spawn_reader<E: Send + 'static>(
    input: Box<dyn Read + Send>,
    events: Sender<E>,
    wrap: fn(Incoming) -> E,
) -> io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name("connlint-lsp-reader".to_owned())
        .spawn(move || {
            let mut input = BufReader::new(input);
            loop {
                let incoming = match read_frame(&mut input) {
                    Ok(Some(Frame::Body(body))) => parse(&body),
                    Ok(Some(Frame::Bad(reason))) => Incoming::Malformed {
                        reason,
                        parse_error: true,
                        id: None,
                    },
                    Ok(None) => Incoming::Closed(None),
                    Err(error) => Incoming::Closed(Some(error)),
                };
                let last = matches!(&incoming, Incoming::Closed(_))
                    || matches!(&incoming, Incoming::Message(Message::Notification(n)) if n.method == "exit");
                if events.send(wrap(incoming)).is_err() || last {
                    return;
                }
            }
        })
}

/// Starts the writer thread: every JSON body sent on the returned channel
/// is framed and written, in order. The thread ends when the channel is
/// dropped (after writing what is queued) or writing fails.
pub fn spawn_writer(
    output: Box<dyn Write + Send>,
) -> io::Result<(Sender<String>, JoinHandle<io::Result<()>>)> {
    let (sender, receiver): (Sender<String>, Receiver<String>) = mpsc::channel();
    let handle = thread::Builder::new()
        .name("connlint-lsp-writer".to_owned())
        .spawn(move || {
            let mut output = output;
            for body in receiver {
                write!(output, "Content-Length: {}\r\n\r\n", body.len())?;
                output.write_all(body.as_bytes())?;
                output.flush()?;
            }
            Ok(())
        })?;
    Ok((sender, handle))
}

/// The JSON body of `message`, with the `"jsonrpc": "2.0"` member.
pub fn encode(message: &Message) -> String {
    let mut value = serde_json::to_value(message).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("jsonrpc".to_owned(), Value::from("2.0"));
    }
    value.to_string()
}

/// A JSON-RPC error response with a `null` id: the answer to a message
/// whose id could not be read.
pub fn error_without_id(code: i32, message: &str) -> String {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": code, "message": message},
    })
    .to_string()
}

enum Frame {
    Body(Vec<u8>),
    /// Headers that cannot be read; the stream resumes after them.
    Bad(String),
}

/// Reads one frame: headers up to an empty line, then `Content-Length`
/// bytes. `None` at the end of the input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    let mut saw_header = false;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between frames are tolerated.
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("bad Content-Length `{}`", value.trim())),
            );
        }
    }
    let length = match length {
        Some(Ok(length)) => length,
        Some(Err(reason)) => return Ok(Some(Frame::Bad(reason))),
        None => return Ok(Some(Frame::Bad("no Content-Length header".to_owned()))),
    };
    if length > MAX_MESSAGE_BYTES {
        // Skip the body, so the next frame is read from its start.
        io::copy(&mut input.take(length as u64), &mut io::sink())?;
        return Ok(Some(Frame::Bad(format!(
            "a message of {length} bytes is over the limit of {MAX_MESSAGE_BYTES} bytes"
        ))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(Frame::Body(body)))
}

/// A frame's body as a message, or why it is not one.
fn parse(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            return Incoming::Malformed {
                reason: format!("not JSON: {error}"),
                parse_error: true,
                id: None,
            };
        }
    };
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok());
    // A request or notification needs a string `method`; lsp-server's
    // untagged enum would otherwise read some of these as responses.
    let method_ok = value.get("method").is_none_or(Value::is_string);
    match serde_json::from_value::<Message>(value) {
        Ok(message) if method_ok => Incoming::Message(message),
        Ok(_) => Incoming::Malformed {
            reason: "`method` is not a string".to_owned(),
            parse_error: false,
            id,
        },
        Err(error) => Incoming::Malformed {
            reason: format!("not a JSON-RPC message: {error}"),
            parse_error: false,
            id,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Incoming> {
        let mut reader = io::Cursor::new(input.to_vec());
        let mut out = Vec::new();
        while let Some(frame) = read_frame(&mut reader).unwrap() {
            out.push(match frame {
                Frame::Body(body) => parse(&body),
                Frame::Bad(reason) => Incoming::Malformed {
                    reason,
                    parse_error: true,
                    id: None,
                },
            });
        }
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_frames_do_not_stop_the_stream() {
        let mut input = Vec::new();
        input.extend(frame("{not json").as_bytes());
        input.extend(b"Content-Length: 3\r\n\r\n\xff\xfe\xfd");
        input.extend(frame(r#"{"jsonrpc":"2.0","id":7,"params":1}"#).as_bytes());
        input.extend(b"Content-Length: x\r\n\r\n");
        input.extend(frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#).as_bytes());
        let got = frames(&input);
        assert_eq!(got.len(), 5);
        assert!(matches!(
            &got[0],
            Incoming::Malformed {
                parse_error: true,
                ..
            }
        ));
        assert!(matches!(
            &got[1],
            Incoming::Malformed {
                parse_error: true,
                ..
            }
        ));
        assert!(
            matches!(&got[2], Incoming::Malformed { parse_error: false, id: Some(id), .. } if *id == RequestId::from(7))
        );
        assert!(matches!(&got[3], Incoming::Malformed { .. }));
        assert!(
            matches!(&got[4], Incoming::Message(Message::Request(r)) if r.method == "shutdown")
        );
    }

    #[test]
    fn encode_adds_the_version() {
        let body = encode(&Message::Notification(lsp_server::Notification::new(
            "exit".to_owned(),
            Value::Null,
        )));
        assert_eq!(body, r#"{"jsonrpc":"2.0","method":"exit"}"#);
    }
}
