//! The forms a name written in a label file may take, most literal first.
//! Matching opens nothing, so a name is normalised liberally: a URL loses its
//! scheme and host, an absolute path its root, an escaped name is decoded.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The forms of `name` to try, in order, without repeats:
/// 1. as written, with `\` as `/`, leading `./` dropped, in NFC;
/// 2. without its location: a URL's `scheme://host/` (`s3://bucket/` too),
///    Label Studio's `/data/local-files/?d=` and `/data/upload/N/`, a drive
///    letter, leading `/`, and `..` above the start; `.` and `x/..` folded;
/// 3. percent-decoded, when every `%` starts an escape and the bytes are UTF-8
///    (so `50% [` stays as it is);
/// 4. without Label Studio's upload prefix (8 hex digits and `-`) on the file name.
pub fn name_forms(name: &str) -> Vec<String> {
    let written = written_form(name);
    let stripped = fold_dots(without_location(&written));
    let mut forms = vec![written];
    push_new(&mut forms, stripped);
    let decoded = forms
        .last()
        .and_then(|last| percent_decoded(last))
        .map(|d| fold_dots(&d));
    if let Some(decoded) = decoded {
        push_new(&mut forms, decoded);
    }
    if let Some(plain) = forms.last().and_then(|last| without_upload_prefix(last)) {
        push_new(&mut forms, plain);
    }
    forms
}

fn push_new(forms: &mut Vec<String>, form: String) {
    if !form.is_empty() && !forms.contains(&form) {
        forms.push(form);
    }
}

/// `name` with `/` separators, leading `./` dropped, in NFC.
pub fn written_form(name: &str) -> String {
    let slashed = name.replace('\\', "/");
    let mut rest = slashed.as_str();
    while let Some(after) = rest.strip_prefix("./") {
        rest = after;
    }
    nfc(rest)
}

pub fn nfc(text: &str) -> String {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text.to_string(),
        _ => text.nfc().collect(),
    }
}

/// The path a URL or an absolute path carries, relative to an unknown root.
fn without_location(written: &str) -> &str {
    let mut rest = written;
    let mut url = false;
    if let Some((scheme, after)) = rest.split_once("://")
        && !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        // The host (or bucket) goes with the scheme.
        rest = after.split_once('/').map_or("", |(_, path)| path);
        url = true;
    }
    rest = without_root(rest);
    if let Some(local) = local_files_path(rest) {
        return without_root(local);
    }
    if url {
        rest = rest.split(['?', '#']).next().unwrap_or_default();
    }
    upload_path(rest).unwrap_or(rest)
}

/// `path` without a drive letter (`C:`) and leading `/`.
fn without_root(path: &str) -> &str {
    let bytes = path.as_bytes();
    let path = if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        &path[2..]
    } else {
        path
    };
    path.trim_start_matches('/')
}

/// The `d` parameter of Label Studio's `data/local-files/?d=dir/name.jpg`.
fn local_files_path(path: &str) -> Option<&str> {
    let query = path
        .strip_prefix("data/local-files")?
        .trim_start_matches('/')
        .strip_prefix('?')?;
    query.split('&').find_map(|param| param.strip_prefix("d="))
}

/// What follows Label Studio's `data/upload/` and the project number after it.
fn upload_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("data/upload/")?;
    match rest.split_once('/') {
        Some((project, name)) if project.bytes().all(|b| b.is_ascii_digit()) => Some(name),
        _ => Some(rest),
    }
}

/// `path` with empty parts and `.` dropped and `x/..` folded; a `..` above
/// the start is dropped (the folders above are unknown anyway).
pub fn fold_dots(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// `text` with its `%XX` escapes decoded, if it has any, all of them are
/// escapes, and the result is UTF-8; in NFC.
fn percent_decoded(text: &str) -> Option<String> {
    if !text.contains('%') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let high = (hex[0] as char).to_digit(16)?;
            let low = (hex[1] as char).to_digit(16)?;
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().map(|s| nfc(&s))
}

/// `path` with the `3f2a9c1b-` that Label Studio puts before uploaded file
/// names removed, if it has one.
fn without_upload_prefix(path: &str) -> Option<String> {
    let (dir, file) = match path.rsplit_once('/') {
        Some((dir, file)) => (Some(dir), file),
        None => (None, path),
    };
    let bytes = file.as_bytes();
    let prefixed =
        bytes.len() > 9 && bytes[..8].iter().all(u8::is_ascii_hexdigit) && bytes[8] == b'-';
    if !prefixed {
        return None;
    }
    Some(match dir {
        Some(dir) => format!("{dir}/{}", &file[9..]),
        None => file[9..].to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::name_forms;

    fn forms(name: &str) -> Vec<String> {
        name_forms(name)
    }

    #[test]
    fn a_plain_name_has_one_form_with_slashes_and_no_leading_dot_slash() {
        assert_eq!(forms("././sub\\a.jpg"), ["sub/a.jpg"]);
        assert_eq!(forms("a/b.jpg"), ["a/b.jpg"]);
    }

    #[test]
    fn written_forms_are_nfc() {
        assert_eq!(forms("cafe\u{301}.jpg"), ["caf\u{e9}.jpg"]);
    }

    #[test]
    fn roots_drive_letters_and_climbing_are_dropped_after_the_written_form() {
        assert_eq!(forms("/etc/a.jpg"), ["/etc/a.jpg", "etc/a.jpg"]);
        assert_eq!(
            forms("C:\\Users\\me\\a.jpg"),
            ["C:/Users/me/a.jpg", "Users/me/a.jpg"]
        );
        assert_eq!(
            forms("../../images/a.jpg"),
            ["../../images/a.jpg", "images/a.jpg"]
        );
        assert_eq!(forms("a/./b/../c.jpg"), ["a/./b/../c.jpg", "a/c.jpg"]);
        assert_eq!(
            forms("\\\\server\\share\\a.jpg"),
            ["//server/share/a.jpg", "server/share/a.jpg"]
        );
    }

    #[test]
    fn urls_lose_scheme_host_and_query() {
        assert_eq!(
            forms("https://host:8080/media/a.jpg?sig=1#x"),
            ["https://host:8080/media/a.jpg?sig=1#x", "media/a.jpg"]
        );
        assert_eq!(forms("s3://bucket/dir/a.jpg")[1], "dir/a.jpg");
        assert_eq!(forms("gs://bucket/dir/a.jpg")[1], "dir/a.jpg");
        assert_eq!(forms("file:///C:/data/a.jpg")[1], "data/a.jpg");
    }

    #[test]
    fn label_studio_local_files_keep_the_d_parameter() {
        assert_eq!(
            forms("/data/local-files/?d=/real/bus.jpg")[1],
            "real/bus.jpg"
        );
        assert_eq!(
            forms("/data/local-files/?d=real/bus.jpg")[1],
            "real/bus.jpg"
        );
        assert_eq!(
            forms("/data/local-files?d=real/bus.jpg&x=1")[1],
            "real/bus.jpg"
        );
        assert_eq!(
            forms("http://localhost:8080/data/local-files/?d=images/a%20b.jpg"),
            [
                "http://localhost:8080/data/local-files/?d=images/a%20b.jpg",
                "images/a%20b.jpg",
                "images/a b.jpg"
            ]
        );
    }

    #[test]
    fn label_studio_uploads_are_decoded_and_lose_their_prefix_last() {
        assert_eq!(
            forms("/data/upload/7/3f2a9c1b-%E8%B7%AF.jpg"),
            [
                "/data/upload/7/3f2a9c1b-%E8%B7%AF.jpg",
                "3f2a9c1b-%E8%B7%AF.jpg",
                "3f2a9c1b-路.jpg",
                "路.jpg"
            ]
        );
        assert_eq!(
            forms("/data/upload/3f2a9c1b-a.jpg"),
            ["/data/upload/3f2a9c1b-a.jpg", "3f2a9c1b-a.jpg", "a.jpg"]
        );
        assert_eq!(forms("images/3f2a9c1b-a.jpg")[1], "images/a.jpg");
        assert_eq!(forms("my-a.jpg"), ["my-a.jpg"]);
    }

    #[test]
    fn only_names_made_of_escapes_are_decoded() {
        assert_eq!(forms("50% [a].jpg"), ["50% [a].jpg"]);
        assert_eq!(forms("a%2.jpg"), ["a%2.jpg"]);
        assert_eq!(forms("a%ff.jpg"), ["a%ff.jpg"], "not UTF-8");
        assert_eq!(forms("50%25.jpg"), ["50%25.jpg", "50%.jpg"]);
    }
}
