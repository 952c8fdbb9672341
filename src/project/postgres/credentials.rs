//! Who connects, and with which password, in libpq's order: the login is the
//! address's user, else `PGUSER`, else the OS user; the password is
//! `PGPASSWORD`, else the password file's first matching line, else one
//! typed into a prompt earlier in this process for the same login and
//! database, else — only when the server asks for one — the caller's prompt
//! (the GUI's dialog). Nothing here writes a password anywhere.

use super::error::PgError;
use super::pgpass::{self, PassFileAnswer, PassKey};
use super::url::DbUrl;
use postgres::{Client, NoTls};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// Asked for the password of `user@host:port/db` when the server wants one
/// and nothing else gave it; `None` when the user cancels.
pub type Prompt = Box<dyn FnMut(&str) -> Option<String> + Send>;

/// The places a login and its password may come from.
pub struct Credentials {
    /// `PGPASSWORD` (empty counts as unset, as in libpq).
    pub password: Option<String>,
    /// `PGUSER`.
    pub env_user: Option<String>,
    /// The OS account's name, the last resort for the login.
    pub os_user: Option<String>,
    /// The password file to read, if any.
    pub passfile: Option<PathBuf>,
    pub prompt: Option<Prompt>,
    /// What the password file's checks said (an unsafe file ignored).
    pub warnings: Vec<String>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Credentials {
    /// The process environment's: `PGPASSWORD`, `PGUSER`, `PGPASSFILE` or the
    /// default password file, the OS user; no prompt.
    pub fn from_env() -> Self {
        let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
        Self {
            password: env("PGPASSWORD"),
            env_user: env("PGUSER"),
            os_user: env("USER").or_else(|| env("USERNAME")),
            passfile: pgpass::default_path(env("PGPASSFILE"), home),
            prompt: None,
            warnings: Vec::new(),
        }
    }

    /// Nothing from the environment: only what the caller sets.
    pub fn none() -> Self {
        Self {
            password: None,
            env_user: None,
            os_user: None,
            passfile: None,
            prompt: None,
            warnings: Vec::new(),
        }
    }

    pub fn with_prompt(mut self, prompt: Prompt) -> Self {
        self.prompt = Some(prompt);
        self
    }

    /// The login for `url`.
    pub fn login(&self, url: &DbUrl) -> Result<String, PgError> {
        url.user
            .clone()
            .or_else(|| self.env_user.clone())
            .or_else(|| self.os_user.clone())
            .ok_or_else(|| {
                PgError::Invalid(format!(
                    "{url}: no user name (name one in the address, postgres://USER@HOST/DB, or set PGUSER)"
                ))
            })
    }

    /// A password known without asking, and where it came from: the
    /// environment's, the password file's, or one typed earlier in this
    /// process for the same login and database.
    fn known_password(&mut self, url: &DbUrl, user: &str) -> Option<(String, String)> {
        if let Some(pw) = &self.password {
            return Some((pw.clone(), "PGPASSWORD".to_string()));
        }
        if let Some(path) = &self.passfile {
            let port = url.port.to_string();
            let key = PassKey {
                host: &url.host,
                port: &port,
                dbname: &url.dbname,
                user,
            };
            match pgpass::lookup(path, key) {
                PassFileAnswer::Found { password, line } => {
                    return Some((password, format!("{} line {line}", path.display())));
                }
                PassFileAnswer::NotFound => {}
                PassFileAnswer::Ignored(warning) => self.warnings.push(warning),
            }
        }
        typed_before(&url.target(user)).map(|pw| (pw, TYPED_BEFORE.to_string()))
    }
}

/// Passwords typed into a prompt that the server took, by target, so that
/// the process's later connections to it (an export's, the dashboard's) do
/// not ask again. Kept in memory only, never written.
static TYPED: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());

/// Where a password typed earlier comes from, in messages.
const TYPED_BEFORE: &str = "the password typed earlier";

fn typed() -> std::sync::MutexGuard<'static, BTreeMap<String, String>> {
    TYPED.lock().unwrap_or_else(|e| e.into_inner())
}

fn typed_before(target: &str) -> Option<String> {
    typed().get(target).cloned()
}

/// The server wanted a password and the configuration had none.
fn is_password_missing(e: &postgres::Error) -> bool {
    use std::error::Error;
    e.as_db_error().is_none()
        && e.source()
            .is_some_and(|cause| cause.to_string() == "password missing")
}

/// The server refused the login's password (SQLSTATE 28P01), or the login
/// itself (28000).
fn is_auth_refused(e: &postgres::Error) -> bool {
    e.as_db_error()
        .is_some_and(|db| matches!(db.code().code(), "28P01" | "28000"))
}

/// A resolved connection: address, login and the password that worked, from
/// which more connections (a pool, a listener) are made without asking again.
#[derive(Clone)]
pub struct Connector {
    url: DbUrl,
    user: String,
    config: postgres::Config,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The config holds the password: never printed.
        f.debug_struct("Connector")
            .field("target", &self.target())
            .finish()
    }
}

impl Connector {
    /// Connects to `url`, finding the password as libpq would and asking
    /// `credentials.prompt` only when the server wants one that nothing
    /// else gave. Returns the connector with the first connection.
    pub fn connect(url: &DbUrl, credentials: &mut Credentials) -> Result<(Self, Client), PgError> {
        let user = credentials.login(url)?;
        let target = url.target(&user);
        let mut config = url.config(&user);
        let known = credentials.known_password(url, &user);
        if let Some((password, _)) = &known {
            config.password(password.as_bytes());
        }
        let first = match config.connect(NoTls) {
            Ok(client) => client,
            Err(e) if known.is_none() && is_password_missing(&e) => {
                let prompt = credentials
                    .prompt
                    .as_mut()
                    .ok_or_else(|| PgError::NoPassword {
                        target: target.clone(),
                    })?;
                let password = prompt(&target).ok_or_else(|| PgError::NoPassword {
                    target: target.clone(),
                })?;
                config.password(password.as_bytes());
                let client = config
                    .connect(NoTls)
                    .map_err(|source| refused_or_failed(&target, "the prompt", source))?;
                typed().insert(target.clone(), password);
                client
            }
            Err(source) => {
                if known.as_ref().is_some_and(|(_, from)| from == TYPED_BEFORE) {
                    // Changed on the server since: ask again next time.
                    typed().remove(&target);
                }
                return Err(match known {
                    Some((_, from)) => refused_or_failed(&target, &from, source),
                    None => PgError::Connect { target, source },
                });
            }
        };
        let connector = Connector {
            url: url.clone(),
            user,
            config,
        };
        Ok((connector, first))
    }

    /// Another connection with the same login and password.
    pub fn open(&self) -> Result<Client, PgError> {
        self.config
            .connect(NoTls)
            .map_err(|source| PgError::Connect {
                target: self.target(),
                source,
            })
    }

    /// The login the server knows us by, and so the author of our edits.
    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// `user@host:port/db`, for messages.
    pub fn target(&self) -> String {
        self.url.target(&self.user)
    }

    pub(super) fn config(&self) -> &postgres::Config {
        &self.config
    }
}

fn refused_or_failed(target: &str, from: &str, source: postgres::Error) -> PgError {
    if is_auth_refused(&source) {
        PgError::PasswordRefused {
            target: target.to_string(),
            from: from.to_string(),
            source,
        }
    } else {
        PgError::Connect {
            target: target.to_string(),
            source,
        }
    }
}
