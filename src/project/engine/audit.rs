//! The audit trail's words for an edit: its kind (`undo:` or `redo:` before
//! it when it is one), the item when it touched only one, and its JSON, or a
//! count when that is large, so a bulk import doesn't copy itself into the
//! trail.

use crate::model::{Edit, ItemId};
use crate::project::store::AddedTexts;

/// Edits whose JSON is longer than this are logged as a summary.
const MAX_LOGGED_DETAIL: usize = 4096;

/// The logged kind: the edit's, marked when it is an undo or a redo.
pub(super) fn kind(kind: &str, origin: &str) -> String {
    if origin == "edit" {
        kind.to_string()
    } else {
        format!("{origin}:{kind}")
    }
}

/// The item an entry is about, when the edit touched exactly one.
pub(super) fn log_item(touched: &[ItemId]) -> Option<ItemId> {
    match touched {
        [one] => Some(*one),
        _ => None,
    }
}

/// The audit-trail text of an edit: its JSON, or a count when it is large.
pub(super) fn detail(edit: &Edit) -> String {
    // Serialise into a buffer that refuses to grow past the limit, so a
    // million-annotation import is summarised without first being written out whole.
    let mut json = Capped(Vec::with_capacity(MAX_LOGGED_DETAIL));
    if serde_json::to_writer(&mut json, edit).is_ok()
        && let Ok(text) = String::from_utf8(json.0)
    {
        return text;
    }
    let count = match edit {
        Edit::AddAnnotations(v) => v.len(),
        Edit::RestoreAnnotations(v) => v.len(),
        Edit::DeleteAnnotations(v) => v.len(),
        Edit::CopyAnnotations(v) => v.len(),
        Edit::AddProposals(v) => v.len(),
        Edit::RestoreProposals(v) => v.len(),
        Edit::DeleteProposals(v) => v.len(),
        Edit::AcceptProposals(v) => v.len(),
        Edit::UnacceptProposals(v) => v.len(),
        Edit::RestoreAccepted(v) => v.len(),
        Edit::Batch(v) => v.len(),
        _ => 1,
    };
    count_detail(edit.kind(), count)
}

/// The audit-trail summary of a large edit.
pub(super) fn count_detail(kind: &str, count: usize) -> String {
    serde_json::json!({ "kind": kind, "count": count }).to_string()
}

/// The summary of a labelled text import: what the new texts brought, and
/// the spans and items of the edit of texts already there.
pub(super) fn labelled_texts_detail(
    kind: &str,
    added: &AddedTexts,
    labelled_spans: usize,
    labelled_items: usize,
) -> String {
    serde_json::json!({
        "kind": kind,
        "items": added.items.len(),
        "spans": added.spans.len() + labelled_spans,
        "classified": added.classified.len(),
        "labelled_items": labelled_items,
    })
    .to_string()
}

/// A writer that fails once more than [`MAX_LOGGED_DETAIL`] bytes are written.
struct Capped(Vec<u8>);

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_LOGGED_DETAIL {
            return Err(std::io::Error::other("too long for the edit log"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
