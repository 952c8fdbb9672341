//! The registry in words: the CLI's flag help and the README's tables.

use super::{Direction, FORMATS, Format, FormatOption, Settled, kind_name};

/// `--help` of a format option in `direction`: what it does, then what it
/// does for each format that takes it, when that needs saying.
pub fn option_help(option: FormatOption, direction: Direction) -> String {
    let takers: Vec<String> = by_note(option, direction)
        .into_iter()
        .map(|(here, formats)| {
            let names: Vec<String> = formats.iter().map(|f| with_kind(f)).collect();
            if here.is_empty() {
                names.join(", ")
            } else {
                format!("{}: {here}", names.join(", "))
            }
        })
        .collect();
    format!(
        "{}. Formats: {}",
        capitalised(option.about()),
        takers.join("; ")
    )
}

/// The formats that take `option` in `direction`, grouped by what it does
/// for them, in table order.
fn by_note(
    option: FormatOption,
    direction: Direction,
) -> Vec<(&'static str, Vec<&'static Format>)> {
    let mut groups: Vec<(&'static str, Vec<&'static Format>)> = Vec::new();
    for f in FORMATS {
        let Some(o) = f.options(direction).iter().find(|o| o.option == option) else {
            continue;
        };
        match groups.iter_mut().find(|(here, _)| *here == o.here) {
            Some((_, formats)) => formats.push(f),
            None => groups.push((o.here, vec![f])),
        }
    }
    groups
}

/// A format's name, with its kind of project when the name serves both.
fn with_kind(f: &Format) -> String {
    format!("{}{}", f.name, kind_note(f))
}

/// " (image projects)" when the format's name serves both kinds.
fn kind_note(f: &Format) -> String {
    if FORMATS.iter().filter(|g| g.name == f.name).count() > 1 {
        format!(" ({} projects)", kind_name(f.kind))
    } else {
        String::new()
    }
}

/// The name in code, then the kind note.
fn md_name(f: &Format) -> String {
    format!("`{}`{}", f.name, kind_note(f))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// `text` for a Markdown table cell: `|` escaped, and `<` outside code
/// spans, so `<label>` is not taken for HTML.
fn md(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                part.to_string()
            } else {
                part.replace('<', "&lt;")
            }
        })
        .collect::<Vec<_>>()
        .join("`")
        .replace('|', "\\|")
}

/// The README's tables of formats and of their options.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| `--format` | Format | Project | Import | Export | Carries | What it is |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for f in FORMATS {
        let side = |d: Direction| match f.place(d) {
            None => "—".to_string(),
            Some(place) => {
                let options: Vec<String> = f
                    .options(d)
                    .iter()
                    .map(|o| format!("`{}`", o.option.flag()))
                    .collect();
                if options.is_empty() {
                    place.describe()
                } else {
                    format!("{}; {}", place.describe(), options.join(" "))
                }
            }
        };
        let carries: Vec<&str> = f.carries.iter().map(|c| c.as_str()).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            f.name,
            f.title,
            kind_name(f.kind),
            side(Direction::Import),
            side(Direction::Export),
            carries.join(", "),
            md(f.about),
        ));
    }
    out.push_str(
        "\n| Option | What it does | Formats | In the GUI |\n\
         |---|---|---|---|\n",
    );
    for option in FormatOption::ALL {
        for direction in [Direction::Import, Direction::Export] {
            let users: Vec<(&Format, &super::OptionUse)> = FORMATS
                .iter()
                .filter_map(|f| {
                    let o = f.options(direction).iter().find(|o| o.option == option)?;
                    Some((f, o))
                })
                .collect();
            if users.is_empty() {
                continue;
            }
            let formats: Vec<String> = by_note(option, direction)
                .into_iter()
                .map(|(here, formats)| {
                    let names: Vec<String> = formats.iter().map(|f| md_name(f)).collect();
                    if here.is_empty() {
                        names.join(", ")
                    } else {
                        format!("{} ({})", names.join(", "), md(here))
                    }
                })
                .collect();
            let mut gui: Vec<String> = Vec::new();
            for how in [Settled::Asked, Settled::MenuEntry, Settled::Default] {
                let names: Vec<String> = users
                    .iter()
                    .filter(|(_, o)| o.gui == how)
                    .map(|(f, _)| md_name(f))
                    .collect();
                if names.is_empty() {
                    continue;
                }
                let said = match how {
                    Settled::Asked => "asked when the data makes it matter",
                    Settled::MenuEntry => "a menu entry of its own",
                    Settled::Default => "the default",
                };
                if names.len() == users.len() {
                    gui.push(said.to_string());
                } else {
                    gui.push(format!("{said}: {}", names.join(", ")));
                }
            }
            out.push_str(&format!(
                "| `{}` ({}) | {} | {} | {} |\n",
                option.flag(),
                direction.as_str(),
                md(&capitalised(option.about())),
                formats.join(", "),
                gui.join("; ")
            ));
        }
    }
    out
}

/// The README's markers around [`markdown_table`].
pub const README_START: &str = "<!-- formats:start (cargo run --example readme_formats) -->";
pub const README_END: &str = "<!-- formats:end -->";

/// `readme` with the text between its markers replaced by the table, or
/// `None` when it lacks them.
pub fn with_readme_table(readme: &str) -> Option<String> {
    let from = readme.find(README_START)? + README_START.len();
    let to = from + readme[from..].find(README_END)?;
    Some(format!(
        "{}\n\n{}\n\n{}",
        &readme[..from],
        markdown_table().trim_end(),
        &readme[to..]
    ))
}
