//! `postgres://USER@HOST:PORT/DB`, the address a team project's manifest
//! keeps. It never holds a password: those come from `PGPASSWORD`,
//! `~/.pgpass` or a prompt (`credentials`), so that nothing we write does.

use super::error::PgError;
use std::fmt;
use std::time::Duration;

/// PostgreSQL's port when the address names none.
pub const DEFAULT_PORT: u16 = 5432;

/// A parsed database address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbUrl {
    /// The login, when the address names one (else `PGUSER` or the OS user).
    pub user: Option<String>,
    /// A host name or IP address (IPv6 without its brackets).
    pub host: String,
    pub port: u16,
    pub dbname: String,
    /// `connect_timeout`, in seconds, when given.
    pub connect_timeout: Option<u64>,
}

fn bad(url: &str, message: impl Into<String>) -> PgError {
    PgError::Url {
        url: redacted(url),
        message: message.into(),
    }
}

/// The address with any password in it masked, for messages.
fn redacted(url: &str) -> String {
    let (before_query, query) = url.split_once('?').unwrap_or((url, ""));
    let scheme_end = before_query.find("://").map_or(0, |i| i + 3);
    let authority_end = before_query[scheme_end..]
        .find('/')
        .map_or(before_query.len(), |i| scheme_end + i);
    let authority = &before_query[scheme_end..authority_end];
    let mut out = before_query[..scheme_end].to_string();
    match authority.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            out.push_str(&format!("{user}:***@{host}"));
        }
        _ => out.push_str(authority),
    }
    out.push_str(&before_query[authority_end..]);
    if !query.is_empty() {
        let pairs: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some(("password", _)) => "password=***".to_string(),
                _ => p.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
}

/// Decodes `%XX` escapes; the result must be UTF-8.
fn percent_decode(url: &str, s: &str) -> Result<String, PgError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| bad(url, format!("bad percent escape in {s:?}")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad(url, format!("{s:?} is not UTF-8 once decoded")))
}

/// Escapes what would end or split a part of the address.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl DbUrl {
    pub fn parse(url: &str) -> Result<Self, PgError> {
        let rest = url
            .strip_prefix("postgres://")
            .or_else(|| url.strip_prefix("postgresql://"))
            .ok_or_else(|| bad(url, "it must start with postgres://"))?;
        let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = before_query
            .split_once('/')
            .ok_or_else(|| bad(url, "it names no database (postgres://USER@HOST:PORT/DB)"))?;
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let user = match userinfo {
            Some(u) if u.contains(':') => {
                return Err(bad(
                    url,
                    "it holds a password; give it in PGPASSWORD or ~/.pgpass instead, so that it is never written into the project",
                ));
            }
            Some("") => return Err(bad(url, "the user name before @ is empty")),
            Some(u) => Some(percent_decode(url, u)?),
            None => None,
        };
        let (host, port) = split_host_port(url, hostport)?;
        let dbname = percent_decode(url, path)?;
        if dbname.is_empty() {
            return Err(bad(
                url,
                "it names no database (postgres://USER@HOST:PORT/DB)",
            ));
        }
        let mut parsed = DbUrl {
            user,
            host,
            port,
            dbname,
            connect_timeout: None,
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(url, value)?;
            parsed.set_parameter(url, key, &value)?;
        }
        Ok(parsed)
    }

    fn set_parameter(&mut self, url: &str, key: &str, value: &str) -> Result<(), PgError> {
        match key {
            // This build speaks to the server without TLS (see the module
            // documentation of `project::postgres`), which is what these allow.
            "sslmode" => match value {
                "disable" | "allow" | "prefer" => Ok(()),
                "require" | "verify-ca" | "verify-full" => Err(bad(
                    url,
                    format!(
                        "sslmode={value} asks for TLS, which this build of Shugu does not speak; use sslmode=disable on a trusted network, or a VPN or SSH tunnel"
                    ),
                )),
                other => Err(bad(url, format!("unknown sslmode {other:?}"))),
            },
            "connect_timeout" => {
                let secs = value.parse::<u64>().map_err(|_| {
                    bad(
                        url,
                        format!("connect_timeout={value:?} is not a number of seconds"),
                    )
                })?;
                self.connect_timeout = Some(secs);
                Ok(())
            }
            "password" => Err(bad(
                url,
                "it holds a password; give it in PGPASSWORD or ~/.pgpass instead",
            )),
            other => Err(bad(
                url,
                format!("unknown parameter {other:?} (known: sslmode, connect_timeout)"),
            )),
        }
    }

    /// `user@host:port/db`, the way messages name the server.
    pub fn target(&self, user: &str) -> String {
        format!(
            "{user}@{}:{}/{}",
            self.host_for_url(),
            self.port,
            self.dbname
        )
    }

    fn host_for_url(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }

    /// The client configuration for `user`, without a password.
    pub fn config(&self, user: &str) -> postgres::Config {
        let mut config = postgres::Config::new();
        config
            .host(&self.host)
            .port(self.port)
            .dbname(&self.dbname)
            .user(user)
            .application_name("shugu")
            .connect_timeout(Duration::from_secs(self.connect_timeout.unwrap_or(10)))
            // An office network drops idle connections; keepalives find out.
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(60))
            .ssl_mode(postgres::config::SslMode::Disable);
        config
    }
}

fn split_host_port(url: &str, hostport: &str) -> Result<(String, u16), PgError> {
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or_else(|| bad(url, "an IPv6 address lacks its closing ]"))?;
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or_else(|| bad(url, "unexpected text after the IPv6 address"))?,
            ),
        };
        (host.to_string(), port)
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (percent_decode(url, h)?, Some(p)),
            None => (percent_decode(url, hostport)?, None),
        }
    };
    if host.is_empty() {
        return Err(bad(
            url,
            "it names no server (postgres://USER@HOST:PORT/DB)",
        ));
    }
    if host.contains(',') {
        return Err(bad(url, "it names several servers; name one"));
    }
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|&p| p != 0)
            .ok_or_else(|| bad(url, format!("{p:?} is not a port number")))?,
    };
    Ok((host, port))
}

impl fmt::Display for DbUrl {
    /// The canonical address, as a manifest keeps it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("postgres://")?;
        if let Some(user) = &self.user {
            write!(f, "{}@", percent_encode(user))?;
        }
        write!(
            f,
            "{}:{}/{}",
            self.host_for_url(),
            self.port,
            percent_encode(&self.dbname)
        )?;
        if let Some(secs) = self.connect_timeout {
            write!(f, "?connect_timeout={secs}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parts_and_writes_them_back() {
        let url = DbUrl::parse("postgres://alice@db.office:5433/street_signs").unwrap();
        assert_eq!(url.user.as_deref(), Some("alice"));
        assert_eq!((url.host.as_str(), url.port), ("db.office", 5433));
        assert_eq!(url.dbname, "street_signs");
        assert_eq!(
            url.to_string(),
            "postgres://alice@db.office:5433/street_signs"
        );
        assert_eq!(url.target("alice"), "alice@db.office:5433/street_signs");
    }

    #[test]
    fn defaults_port_and_user_and_reads_ipv6_and_escapes() {
        let url = DbUrl::parse("postgresql://[::1]/%E6%95%B0%E8%B0%B7?sslmode=prefer").unwrap();
        assert_eq!(
            (url.user.as_deref(), url.host.as_str(), url.port),
            (None, "::1", 5432)
        );
        assert_eq!(url.dbname, "数谷");
        assert_eq!(url.to_string(), "postgres://[::1]:5432/%E6%95%B0%E8%B0%B7");
        let spaced = DbUrl::parse("postgres://a%20b@h/d?connect_timeout=3").unwrap();
        assert_eq!(spaced.user.as_deref(), Some("a b"));
        assert_eq!(DbUrl::parse(&spaced.to_string()).unwrap(), spaced);
    }

    #[test]
    fn refuses_passwords_and_what_it_cannot_do() {
        for (url, says) in [
            ("postgres://alice:secret@h/d", "password"),
            ("postgres://alice@h/d?password=secret", "password"),
            ("mysql://h/d", "postgres://"),
            ("postgres://h", "no database"),
            ("postgres://h/", "no database"),
            ("postgres://@h/d", "empty"),
            ("postgres://:5432/d", "no server"),
            ("postgres://h:port/d", "not a port"),
            ("postgres://h:0/d", "not a port"),
            ("postgres://a,b/d", "several"),
            ("postgres://h/d?sslmode=require", "TLS"),
            ("postgres://h/d?sslmode=sometimes", "sslmode"),
            ("postgres://h/d?color=blue", "unknown parameter"),
            ("postgres://h/d%zz", "percent"),
            ("postgres://[::1/d", "]"),
        ] {
            let err = DbUrl::parse(url).unwrap_err().to_string();
            assert!(err.contains(says), "{url}: {err}");
            assert!(!err.contains("secret"), "{err}");
        }
    }
}
