//! `shugu`: parse the command line, then start the GUI or run a headless command.

use clap::Parser;
use shugu::cli::{Cli, Command};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => shugu::ui::run(shugu::ui::Startup::StartScreen),
        Some(Command::Open { dir }) => shugu::ui::run(shugu::ui::Startup::Open(dir)),
        Some(command) => shugu::cli::run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shugu: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
