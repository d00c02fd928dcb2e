//! The document store: the text and version of every buffer the editor
//! has open, kept in step with `didOpen` / `didChange` / `didClose`, and
//! the mapping between `file:` URIs and paths.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::position::LineMap;

/// One open buffer.
#[derive(Clone, Debug)]
pub struct Document {
    /// The URI the editor names it by.
    pub uri: Uri,
    /// Its file, for `file:` URIs.
    pub path: Option<PathBuf>,
    /// The editor's version, increasing with every change.
    pub version: i32,
    /// The text as the editor holds it (a byte-order mark included, if the
    /// editor keeps one).
    pub text: Arc<str>,
}

/// Every open buffer, by URI.
#[derive(Debug, Default)]
pub struct Documents {
    docs: HashMap<Uri, Document>,
}

impl Documents {
    /// Records a buffer the editor opened.
    pub fn open(&mut self, uri: Uri, version: i32, text: String) {
        let path = uri_to_path(&uri);
        self.docs.insert(
            uri.clone(),
            Document {
                uri,
                path,
                version,
                text: Arc::from(text),
            },
        );
    }

    /// Applies the editor's changes (whole text or ranges, in order) and
    /// takes the new version. `false` when the buffer is not open.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> bool {
        let Some(doc) = self.docs.get_mut(uri) else {
            return false;
        };
        let mut text = doc.text.to_string();
        for change in changes {
            apply_change(&mut text, change);
        }
        doc.text = Arc::from(text);
        doc.version = version;
        true
    }

    /// Forgets a buffer the editor closed.
    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.docs.remove(uri)
    }

    /// The open buffer at `uri`.
    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri)
    }

    /// Every open buffer.
    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.docs.values()
    }
}

/// Applies one content change to `text`. A range change replaces the
/// text between its positions (clamped to the text); a change without a
/// range replaces everything.
pub fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent) {
    let Some(range) = change.range else {
        *text = change.text;
        return;
    };
    let (start, end) = {
        let map = LineMap::new(text);
        let start = map.offset(range.start);
        let end = map.offset(range.end).max(start);
        (start, end)
    };
    text.replace_range(start..end, &change.text);
}

/// The file a `file:` URI names (percent-decoded); `None` for other
/// schemes and for URIs that do not decode to a path.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///p` and `file://localhost/p` name the local file `/p`.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode(path)?;
    // Windows drive letters: `/C:/x` is `C:/x`.
    let bytes = decoded.as_bytes();
    if bytes.len() >= 3 && bytes[2] == b':' && bytes[1].is_ascii_alphabetic() {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of an absolute path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?.replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"/-._~:".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    Uri::from_str(&out).ok()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn uri(text: &str) -> Uri {
        Uri::from_str(text).unwrap()
    }

    #[test]
    fn uris_and_paths_round_trip() {
        let path = Path::new("/work/repo/jobs/café run.sh");
        let u = path_to_uri(path).unwrap();
        assert_eq!(u.as_str(), "file:///work/repo/jobs/caf%C3%A9%20run.sh");
        assert_eq!(uri_to_path(&u).unwrap(), path);
        assert_eq!(
            uri_to_path(&uri("file://localhost/tmp/a.sh")).unwrap(),
            Path::new("/tmp/a.sh")
        );
        assert_eq!(
            uri_to_path(&uri("file:///c%3A/x/run.bat")).unwrap(),
            Path::new("c:/x/run.bat")
        );
        assert_eq!(uri_to_path(&uri("untitled:Untitled-1")), None);
        // Percent-encoded bytes that are not UTF-8 name no path we can read.
        assert_eq!(uri_to_path(&uri("file:///bad%FF")), None);
    }

    #[test]
    fn incremental_changes_use_utf16_positions() {
        let mut docs = Documents::default();
        let u = uri("file:///r/run.sh");
        docs.open(
            u.clone(),
            1,
            "# café 😀\r\nJAVA_HOME=/opt/jdk1.7.0_80\r\n".into(),
        );
        let change = |line, from, to, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(line, from),
                Position::new(line, to),
            )),
            range_length: None,
            text: text.into(),
        };
        // Replace the emoji (2 UTF-16 units at character 7).
        assert!(docs.change(&u, 2, vec![change(0, 7, 9, "ok")]));
        assert_eq!(
            &*docs.get(&u).unwrap().text,
            "# café ok\r\nJAVA_HOME=/opt/jdk1.7.0_80\r\n"
        );
        assert!(docs.change(&u, 3, vec![change(1, 18, 26, "17")]));
        let doc = docs.get(&u).unwrap();
        assert_eq!(&*doc.text, "# café ok\r\nJAVA_HOME=/opt/jdk17\r\n");
        assert_eq!(doc.version, 3);
        // Out-of-range positions are clamped, not a panic.
        assert!(docs.change(&u, 4, vec![change(40, 3, 1, "!")]));
        assert!(docs.get(&u).unwrap().text.ends_with("\r\n!"));
        assert!(!docs.change(&uri("file:///r/other.sh"), 1, Vec::new()));
    }
}
