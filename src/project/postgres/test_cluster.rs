//! A private PostgreSQL cluster for tests: `initdb` in a temporary folder and
//! a server on a free port of 127.0.0.1 only (no Unix socket), started once
//! per test binary ([`shared`]) and stopped when it exits — by an `atexit`
//! handler on a normal exit (a failed test included), and by a watchdog
//! process of its own when the binary dies any other way (a signal, an
//! abort). Each test takes a database of its own ([`Cluster::database`]) and
//! logins named after it, so tests run in parallel.
//!
//! The server binaries are `SHUGU_PG_BIN`, else the newest
//! `/usr/lib/postgresql/*/bin` (Debian's `postgresql` package), else
//! `initdb` on `PATH`. PostgreSQL refuses to run as root, so as root the
//! cluster runs as the `postgres` user (which Debian's package creates);
//! otherwise as the current user. When it cannot start, every test that
//! needs it fails with the reason: a team-server test is never skipped.
//!
//! Logins authenticate with SCRAM passwords, the superuser's a random one,
//! so the tests go through the same password path as a workstation. The
//! shared cluster runs with `fsync=off`: it is thrown away. [`shared_durable`]
//! (benchmarks) writes as a server in production does.

use super::credentials::{Connector, Credentials};
use super::url::DbUrl;
use postgres::{Client, NoTls};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// A running private cluster.
pub struct Cluster {
    pub port: u16,
    superuser_password: String,
    bin: PathBuf,
    dir: PathBuf,
    as_postgres: bool,
    next_db: AtomicUsize,
    creating: Mutex<()>,
    stopped: AtomicBool,
}

static SHARED: OnceLock<Result<Cluster, String>> = OnceLock::new();

/// The test binary's cluster, started by the first test that asks. Panics
/// with the reason when it cannot start.
pub fn shared() -> &'static Cluster {
    shared_in(&SHARED, Durability::ThrownAway)
}

/// A cluster that writes as a production server does (`fsync`, synchronous
/// commits, full-page writes), for benchmarks whose figures must be those a
/// team would see. Otherwise as [`shared`].
pub fn shared_durable() -> &'static Cluster {
    shared_in(&SHARED_DURABLE, Durability::Durable)
}

static SHARED_DURABLE: OnceLock<Result<Cluster, String>> = OnceLock::new();

/// Whether the server may lose its data on a crash, to run faster.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Durability {
    ThrownAway,
    Durable,
}

fn shared_in(
    cell: &'static OnceLock<Result<Cluster, String>>,
    durability: Durability,
) -> &'static Cluster {
    let started = cell.get_or_init(|| {
        let cluster = Cluster::start(durability)?;
        // SAFETY: `stop_shared` is a plain function that only reads
        // statics; registering it has no other effect.
        unsafe {
            libc::atexit(stop_shared);
        }
        Ok(cluster)
    });
    match started {
        Ok(cluster) => cluster,
        Err(why) => panic!("the test PostgreSQL cluster could not start: {why}"),
    }
}

extern "C" fn stop_shared() {
    for cell in [&SHARED, &SHARED_DURABLE] {
        if let Some(Ok(cluster)) = cell.get() {
            cluster.stop();
        }
    }
}

/// `s` as one single-quoted word of a shell command.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn path_str(p: &Path) -> String {
    shell_quote(&p.to_string_lossy())
}

/// Where the server binaries are.
fn find_bin() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("SHUGU_PG_BIN") {
        let dir = PathBuf::from(dir);
        return if dir.join("initdb").is_file() {
            Ok(dir)
        } else {
            Err(format!(
                "SHUGU_PG_BIN={} has no initdb in it",
                dir.display()
            ))
        };
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return Ok(bin);
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
        .ok_or_else(|| {
            "no PostgreSQL server binaries (initdb, pg_ctl): install Debian's `postgresql` package, \
             or set SHUGU_PG_BIN to the folder that holds them"
                .to_string()
        })
}

/// A port of 127.0.0.1 nobody listens on right now.
fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// A password nobody guesses during the test run.
fn random_password() -> String {
    use std::hash::{BuildHasher, RandomState};
    let state = RandomState::new();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{:016x}{:016x}",
        state.hash_one((nanos, std::process::id())),
        state.hash_one(nanos)
    )
}

fn output_text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The settings of every test server.
const SERVER_SETTINGS: &str = "
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 300
";

/// What a server that is thrown away after the tests may skip.
const THROWN_AWAY_SETTINGS: &str = "
fsync = off
synchronous_commit = off
full_page_writes = off
";

/// How many ports are tried when another process takes the one picked.
const PORT_TRIES: usize = 8;

impl Cluster {
    fn start(durability: Durability) -> Result<Self, String> {
        let bin = find_bin()?;
        // SAFETY: geteuid has no preconditions.
        let as_postgres = unsafe { libc::geteuid() } == 0;
        if as_postgres {
            let known = Command::new("id")
                .args(["-u", "postgres"])
                .output()
                .map_err(|e| format!("cannot run `id`: {e}"))?;
            if !known.status.success() {
                return Err("running as root and there is no `postgres` user to run the server as \
                     (PostgreSQL refuses root); install Debian's `postgresql` package, which makes it"
                    .into());
            }
        }
        let dir = tempfile::Builder::new()
            .prefix("shugu-pg-")
            .tempdir()
            .map_err(|e| format!("cannot make a temporary folder: {e}"))?
            .keep();
        let mut cluster = Cluster {
            port: 0,
            superuser_password: random_password(),
            bin,
            dir,
            as_postgres,
            next_db: AtomicUsize::new(0),
            creating: Mutex::new(()),
            stopped: AtomicBool::new(false),
        };
        // First, so that the folder goes whenever this process dies from now on.
        cluster.spawn_watchdog();
        if let Err(why) = cluster.init_and_start(durability) {
            cluster.stop();
            return Err(why);
        }
        Ok(cluster)
    }

    /// Runs `script` with `/bin/sh` as the cluster's user.
    fn sh(&self, script: &str) -> Result<Output, String> {
        let mut command = if self.as_postgres {
            let mut c = Command::new("su");
            c.args(["postgres", "-s", "/bin/sh", "-c", script]);
            c
        } else {
            let mut c = Command::new("/bin/sh");
            c.args(["-c", script]);
            c
        };
        command
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {script:?}: {e}"))
    }

    fn init_and_start(&mut self, durability: Durability) -> Result<(), String> {
        let pwfile = self.dir.join("pwfile");
        {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&pwfile)
                .and_then(|mut f| f.write_all(self.superuser_password.as_bytes()))
                .map_err(|e| format!("cannot write {}: {e}", pwfile.display()))?;
        }
        if self.as_postgres {
            let chown = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(&self.dir)
                .output()
                .map_err(|e| format!("cannot run chown: {e}"))?;
            if !chown.status.success() {
                return Err(format!(
                    "cannot hand {} to the postgres user: {}",
                    self.dir.display(),
                    output_text(&chown)
                ));
            }
        }
        let data = self.dir.join("data");
        let initdb = self.sh(&format!(
            "{} -D {} -U postgres --pwfile={} -A scram-sha-256 --no-sync -E UTF8 --locale=C --no-instructions",
            path_str(&self.bin.join("initdb")),
            path_str(&data),
            path_str(&pwfile),
        ))?;
        let _ = std::fs::remove_file(&pwfile);
        if !initdb.status.success() {
            return Err(format!("initdb failed: {}", output_text(&initdb)));
        }
        let conf = data.join("postgresql.conf");
        let mut settings = std::fs::read_to_string(&conf)
            .map_err(|e| format!("cannot read {}: {e}", conf.display()))?;
        settings.push_str(SERVER_SETTINGS);
        if durability == Durability::ThrownAway {
            settings.push_str(THROWN_AWAY_SETTINGS);
        }
        std::fs::write(&conf, settings)
            .map_err(|e| format!("cannot write {}: {e}", conf.display()))?;
        let log = self.dir.join("log");
        let mut last = String::new();
        for _ in 0..PORT_TRIES {
            let port = free_port()?;
            let start = self.sh(&format!(
                "{} -D {} -l {} -w -t 60 -o '-p {port}' start",
                path_str(&self.bin.join("pg_ctl")),
                path_str(&data),
                path_str(&log),
            ))?;
            if start.status.success() {
                self.port = port;
                return Ok(());
            }
            last = format!(
                "{}{}",
                output_text(&start),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            let clash = [
                "could not bind",
                "Address already in use",
                "could not create any TCP/IP sockets",
            ]
            .iter()
            .any(|s| last.contains(s));
            if !clash {
                break;
            }
        }
        Err(format!("the server did not start: {last}"))
    }

    /// A process of its own (its own process group, so a Ctrl-C of the test
    /// run does not end it first) that stops the server and deletes its
    /// folder once this process is gone, however it went. It gives a start
    /// cut short a moment to write the server's pid file first.
    fn spawn_watchdog(&self) {
        let pid_file = self.dir.join("data").join("postmaster.pid");
        let script = format!(
            "while kill -0 {parent} 2>/dev/null; do sleep 1; done
             [ -d {dir} ] || exit 0
             sleep 2
             pm=$(head -n 1 {pid_file} 2>/dev/null)
             if [ -n \"$pm\" ]; then
               kill -QUIT \"$pm\" 2>/dev/null
               i=0; while kill -0 \"$pm\" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
             fi
             rm -rf {dir}",
            parent = std::process::id(),
            pid_file = path_str(&pid_file),
            dir = path_str(&self.dir),
        );
        use std::os::unix::process::CommandExt;
        let _ = Command::new("/bin/sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn();
    }

    /// Stops the server at once and deletes its folder; later calls do nothing.
    pub fn stop(&self) {
        if self.stopped.swap(true, Ordering::SeqCst) {
            return;
        }
        let data = self.dir.join("data");
        if data.join("postmaster.pid").exists() {
            let _ = self.sh(&format!(
                "{} -D {} -m immediate -w stop",
                path_str(&self.bin.join("pg_ctl")),
                path_str(&data),
            ));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// The address of database `db` for `user`.
    pub fn url(&self, db: &str, user: &str) -> DbUrl {
        DbUrl {
            user: Some(user.to_string()),
            host: "127.0.0.1".into(),
            port: self.port,
            dbname: db.to_string(),
            connect_timeout: Some(10),
        }
    }

    /// A connector for `user` with `password` given as `PGPASSWORD` would.
    pub fn connector(&self, db: &str, user: &str, password: &str) -> Connector {
        let mut credentials = Credentials::none();
        credentials.password = Some(password.to_string());
        match Connector::connect(&self.url(db, user), &mut credentials) {
            Ok((connector, _)) => connector,
            Err(e) => panic!("test cluster: {e}"),
        }
    }

    pub fn superuser_password(&self) -> &str {
        &self.superuser_password
    }

    /// A superuser connection to `db`.
    pub fn superuser(&self, db: &str) -> Client {
        let mut config = self.url(db, "postgres").config("postgres");
        config.password(&self.superuser_password);
        match config.connect(NoTls) {
            Ok(client) => client,
            Err(e) => panic!("test cluster: superuser connection to {db}: {e}"),
        }
    }

    /// A new empty database of its own for one test; `hint` names it.
    pub fn database(&'static self, hint: &str) -> TestDb {
        let n = self.next_db.fetch_add(1, Ordering::Relaxed);
        let hint: String = hint
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(40)
            .collect();
        let name = format!("t{n}_{hint}");
        {
            // CREATE DATABASE copies template1, which must be idle.
            let _one_at_a_time = self.creating.lock().unwrap_or_else(|e| e.into_inner());
            let mut admin = self.superuser("postgres");
            if let Err(e) = admin.batch_execute(&format!("CREATE DATABASE {name}")) {
                panic!("test cluster: CREATE DATABASE {name}: {e}");
            }
        }
        TestDb {
            name,
            cluster: self,
        }
    }
}

/// One test's database on the shared cluster.
pub struct TestDb {
    pub name: String,
    pub cluster: &'static Cluster,
}

impl TestDb {
    pub fn superuser(&self) -> Client {
        self.cluster.superuser(&self.name)
    }

    pub fn superuser_connector(&self) -> Connector {
        self.cluster
            .connector(&self.name, "postgres", self.cluster.superuser_password())
    }

    /// Makes the login `<db>_<short>` (password: the same name) and returns
    /// its name.
    pub fn login(&self, short: &str) -> String {
        let name = format!("{}_{short}", self.name);
        let sql = format!("CREATE ROLE {name} LOGIN PASSWORD '{name}'");
        if let Err(e) = self.cluster.superuser("postgres").batch_execute(&sql) {
            panic!("test cluster: {sql}: {e}");
        }
        name
    }

    /// A connector for a login made by [`TestDb::login`].
    pub fn connector(&self, login: &str) -> Connector {
        self.cluster.connector(&self.name, login, login)
    }

    pub fn connect(&self, login: &str) -> Client {
        match self.connector(login).open() {
            Ok(client) => client,
            Err(e) => panic!("test cluster: {e}"),
        }
    }

    pub fn url(&self, user: &str) -> DbUrl {
        self.cluster.url(&self.name, user)
    }

    /// Drops the database (its connections ended first), for runs that make
    /// many large ones; the logins stay.
    pub fn drop_database(&self) {
        let sql = format!("DROP DATABASE {} WITH (FORCE)", self.name);
        if let Err(e) = self.cluster.superuser("postgres").batch_execute(&sql) {
            panic!("test cluster: {sql}: {e}");
        }
    }
}
