//! `shugu db …`: setting up a team project's PostgreSQL database.
//! Passwords come from `PGPASSWORD` or the password file, as for `psql`.

use crate::project::postgres::{
    Connector, Credentials, DbUrl, RoleKind, RoleNames, grant, init_database, push_project,
};
use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create or upgrade a project database: its schema and its roles
    /// (annotator, reviewer, admin). Run as a superuser, or as the database's
    /// owner with CREATEROLE; the password from PGPASSWORD or ~/.pgpass
    Init {
        /// postgres://USER@HOST:PORT/DB (the database must exist)
        url: String,
        /// Prefix of the role names (default: the database's name and `_`)
        #[arg(long)]
        roles: Option<String>,
    },
    /// Give an existing login a role in a project database
    Grant {
        /// postgres://USER@HOST:PORT/DB, connecting as an administrator
        url: String,
        /// The login to grant the role to
        user: String,
        #[arg(long, value_enum)]
        role: Role,
    },
    /// Move a project of its own folder onto a team server with its history:
    /// every item, annotation, proposal, span, label, comment and edit-log entry,
    /// in one transaction. SRC stays as it was; DIR becomes the team project's
    /// folder
    Push {
        /// The project folder to move
        src: PathBuf,
        /// The team project's folder to make
        dir: PathBuf,
        /// postgres://USER@HOST:PORT/DB: a database set up by `shugu db init`,
        /// holding no project yet, USER one of its admins
        #[arg(long)]
        db: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Role {
    Annotator,
    /// Accepts and rejects items; an annotator too
    Reviewer,
    /// Changes the label schema, imports, manages leases; a reviewer too
    Admin,
}

impl From<Role> for RoleKind {
    fn from(role: Role) -> Self {
        match role {
            Role::Annotator => RoleKind::Annotator,
            Role::Reviewer => RoleKind::Reviewer,
            Role::Admin => RoleKind::Admin,
        }
    }
}

fn connect(url: &str) -> anyhow::Result<(Connector, postgres::Client)> {
    let url = DbUrl::parse(url)?;
    let mut credentials = Credentials::from_env();
    let connected = Connector::connect(&url, &mut credentials);
    for warning in &credentials.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(connected?)
}

pub fn run(command: DbCommand) -> anyhow::Result<()> {
    match command {
        DbCommand::Init { url, roles } => {
            let (connector, mut client) = connect(&url)?;
            let names = roles.as_deref().map(RoleNames::with_prefix).transpose()?;
            let report = init_database(&mut client, names)?;
            let applied = match report.applied.as_slice() {
                [] => "up to date".to_string(),
                versions => format!(
                    "applied {}",
                    versions
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            println!(
                "{}: schema version {} ({applied})",
                connector.target(),
                report.schema_version
            );
            let r = &report.roles;
            println!(
                "roles: {} (annotators), {} (reviewers, annotators too), {} (admins, reviewers too); schema owner {}",
                r.annotator, r.reviewer, r.admin, r.owner
            );
            if !report.created_roles.is_empty() {
                println!("created: {}", report.created_roles.join(", "));
            }
            println!(
                "give users a role: shugu db grant {url} USER --role annotator|reviewer|admin"
            );
            Ok(())
        }
        DbCommand::Grant { url, user, role } => {
            let (connector, mut client) = connect(&url)?;
            let names = RoleNames::read(&mut client)?;
            let kind = RoleKind::from(role);
            grant(&mut client, &names, &user, kind)?;
            println!(
                "{user} is now {} on {} (role {})",
                kind.as_str(),
                connector.target(),
                names.name(kind)
            );
            Ok(())
        }
        DbCommand::Push { src, dir, db } => {
            let moved = push_project(&src, &dir, &db)?;
            println!(
                "moved {} onto {db}: {} items, {} annotations, {} spans, {} proposals, {} comments, {} edit-log entries; its team folder is {}",
                src.display(),
                moved.items,
                moved.annotations,
                moved.spans,
                moved.proposals,
                moved.comments,
                moved.log_entries,
                dir.display()
            );
            Ok(())
        }
    }
}
