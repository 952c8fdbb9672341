//! The password file libpq reads (`~/.pgpass`, `%APPDATA%\postgresql\pgpass.conf`
//! on Windows, or `PGPASSFILE`), read the way libpq's `passwordFromFile` does
//! so that one file serves `psql` and Shugu alike: lines of
//! `hostname:port:database:username:password`; `#` at the start of a line
//! makes it a comment; a field that is exactly `*` matches anything; `\`
//! escapes the next character (`\:` and `\\`); the first matching line wins.
//! On Unix a file that is not a plain file, or that its group or others may
//! read or write, is ignored with a warning, as libpq does. We only read it.

use std::path::{Path, PathBuf};

/// What the file said for one connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PassFileAnswer {
    /// The password of the first matching line (1-based).
    Found { password: String, line: usize },
    /// No file, or no line matched.
    NotFound,
    /// The file is there but unsafe to use; the warning says why.
    Ignored(String),
}

/// The connection a password is looked up for. `port` is compared as text,
/// as libpq does.
#[derive(Clone, Copy, Debug)]
pub struct PassKey<'a> {
    pub host: &'a str,
    pub port: &'a str,
    pub dbname: &'a str,
    pub user: &'a str,
}

/// Where libpq looks for the file: `PGPASSFILE` when set and not empty,
/// else the user's default file.
pub fn default_path(pgpassfile: Option<String>, home: Option<PathBuf>) -> Option<PathBuf> {
    if let Some(path) = pgpassfile.filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    if cfg!(windows) {
        std::env::var_os("APPDATA").map(|appdata| {
            PathBuf::from(appdata)
                .join("postgresql")
                .join("pgpass.conf")
        })
    } else {
        home.map(|home| home.join(".pgpass"))
    }
}

/// Looks `key` up in the file at `path`.
pub fn lookup(path: &Path, key: PassKey) -> PassFileAnswer {
    if key.dbname.is_empty() || key.user.is_empty() {
        return PassFileAnswer::NotFound;
    }
    let Ok(meta) = std::fs::metadata(path) else {
        return PassFileAnswer::NotFound;
    };
    if let Some(warning) = unsafe_file(path, &meta) {
        return PassFileAnswer::Ignored(warning);
    }
    let Ok(bytes) = std::fs::read(path) else {
        return PassFileAnswer::NotFound;
    };
    let host = if key.host.is_empty() {
        "localhost"
    } else {
        key.host
    };
    let port = if key.port.is_empty() {
        "5432"
    } else {
        key.port
    };
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = strip_crlf(raw);
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        let rest = Some(line)
            .and_then(|l| match_field(l, host.as_bytes()))
            .and_then(|l| match_field(l, port.as_bytes()))
            .and_then(|l| match_field(l, key.dbname.as_bytes()))
            .and_then(|l| match_field(l, key.user.as_bytes()));
        if let Some(rest) = rest {
            return PassFileAnswer::Found {
                password: String::from_utf8_lossy(&unescape_password(rest)).into_owned(),
                line: index + 1,
            };
        }
    }
    PassFileAnswer::NotFound
}

#[cfg(unix)]
fn unsafe_file(path: &Path, meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    if !meta.is_file() {
        return Some(format!(
            "password file {} is not a plain file; it is ignored",
            path.display()
        ));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        return Some(format!(
            "password file {} has group or world access; permissions should be u=rw (0600) or less; it is ignored",
            path.display()
        ));
    }
    None
}

/// On Windows the file lives in the user's protected profile, and libpq
/// does not check it.
#[cfg(not(unix))]
fn unsafe_file(_path: &Path, _meta: &std::fs::Metadata) -> Option<String> {
    None
}

fn strip_crlf(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r' | b'\n'] = line {
        line = rest;
    }
    line
}

/// libpq's `pwdfMatchesString`: the rest of the line after the field when the
/// field matches `token`, else `None`.
fn match_field<'a>(line: &'a [u8], token: &[u8]) -> Option<&'a [u8]> {
    if let [b'*', b':', rest @ ..] = line {
        return Some(rest);
    }
    let (mut i, mut t) = (0, 0);
    let mut escaped = false;
    while i < line.len() {
        if line[i] == b'\\' && !escaped {
            i += 1;
            escaped = true;
            if i == line.len() {
                return None;
            }
        }
        if line[i] == b':' && t == token.len() && !escaped {
            return Some(&line[i + 1..]);
        }
        escaped = false;
        if t == token.len() || line[i] != token[t] {
            return None;
        }
        i += 1;
        t += 1;
    }
    None
}

/// The password field: up to the first unescaped `:`, escapes removed.
fn unescape_password(rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rest.len());
    let mut i = 0;
    while i < rest.len() && rest[i] != b':' {
        if rest[i] == b'\\' && i + 1 < rest.len() {
            i += 1;
        }
        out.push(rest[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key<'a>(host: &'a str, port: &'a str, db: &'a str, user: &'a str) -> PassKey<'a> {
        PassKey {
            host,
            port,
            dbname: db,
            user,
        }
    }

    fn file_with(text: &str, mode: u32) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let _ = mode;
        dir
    }

    #[test]
    fn first_matching_line_wins_with_wildcards_and_escapes() {
        let text = "# office server\r\n\
                    db.office:5432:signs:alice:first\r\n\
                    *:5432:signs:alice:second\n\
                    db.office:*:*:bob:b\\:o\\\\b:ignored\n\
                    weird\\:host:5432:*:carol:c\n\
                    *:*:*:*:fallback\n";
        let dir = file_with(text, 0o600);
        let path = dir.path().join("pgpass");
        let found = |password: &str, line| PassFileAnswer::Found {
            password: password.into(),
            line,
        };
        for (k, expected) in [
            (
                key("db.office", "5432", "signs", "alice"),
                found("first", 2),
            ),
            (
                key("10.0.0.5", "5432", "signs", "alice"),
                found("second", 3),
            ),
            // `\:` and `\\` in the password, which ends at the next bare colon.
            (key("db.office", "6000", "any", "bob"), found("b:o\\b", 4)),
            (key("weird:host", "5432", "x", "carol"), found("c", 5)),
            // No host means localhost; `*` matches only a whole field.
            (key("", "", "d", "dave"), found("fallback", 6)),
        ] {
            assert_eq!(lookup(&path, k), expected, "{k:?}");
        }
        let partial_star = file_with("db*:5432:d:u:p\n", 0o600);
        assert_eq!(
            lookup(
                &partial_star.path().join("pgpass"),
                key("dbx", "5432", "d", "u")
            ),
            PassFileAnswer::NotFound
        );
    }

    #[test]
    fn missing_file_or_fields_find_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            lookup(&dir.path().join("none"), key("h", "1", "d", "u")),
            PassFileAnswer::NotFound
        );
        let short = file_with("h:1:d\n", 0o600);
        assert_eq!(
            lookup(&short.path().join("pgpass"), key("h", "1", "d", "u")),
            PassFileAnswer::NotFound
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_ignored_as_libpq_does() {
        let dir = file_with("*:*:*:*:secret\n", 0o640);
        match lookup(&dir.path().join("pgpass"), key("h", "1", "d", "u")) {
            PassFileAnswer::Ignored(warning) => {
                assert!(warning.contains("group or world access"), "{warning}")
            }
            other => panic!("{other:?}"),
        }
        let not_plain = tempfile::tempdir().unwrap();
        match lookup(not_plain.path(), key("h", "1", "d", "u")) {
            PassFileAnswer::Ignored(warning) => assert!(warning.contains("not a plain file")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pgpassfile_wins_over_the_home_file() {
        let home = PathBuf::from("/home/alice");
        assert_eq!(
            default_path(Some("/etc/shugu.pgpass".into()), Some(home.clone())),
            Some(PathBuf::from("/etc/shugu.pgpass"))
        );
        if !cfg!(windows) {
            assert_eq!(
                default_path(Some(String::new()), Some(home)),
                Some(PathBuf::from("/home/alice/.pgpass"))
            );
        }
    }
}
