//! Reading what exporters write into a model's metadata: Ultralytics' `names`
//! (a Python dict literal), `imgsz`, `task`; PaddleOCR's `character`.

/// Class names from Ultralytics' `names`: `{0: 'person', 1: "it's"}` (a Python
/// dict literal), or a list `['a', 'b']`. Indices missing from a dict become
/// `class_N`. `None` when it is neither.
pub fn parse_names(text: &str) -> Option<Vec<String>> {
    let text = text.trim();
    let (open, close) = (text.chars().next()?, text.chars().last()?);
    let inner = text.get(1..text.len() - 1)?;
    let mut p = Parser { s: inner, i: 0 };
    let mut indexed: Vec<(usize, String)> = Vec::new();
    match (open, close) {
        ('{', '}') => loop {
            p.skip_ws();
            if p.done() {
                break;
            }
            let key = p.number()?;
            p.expect(':')?;
            let value = p.string()?;
            indexed.push((key, value));
            if !p.comma() {
                break;
            }
        },
        ('[', ']') => loop {
            p.skip_ws();
            if p.done() {
                break;
            }
            let value = p.string()?;
            indexed.push((indexed.len(), value));
            if !p.comma() {
                break;
            }
        },
        _ => return None,
    }
    p.skip_ws();
    if !p.done() {
        return None;
    }
    let len = indexed.iter().map(|(k, _)| k + 1).max().unwrap_or(0);
    if len > 100_000 {
        return None;
    }
    let mut names: Vec<String> = (0..len).map(|i| format!("class_{i}")).collect();
    for (k, v) in indexed {
        names[k] = v;
    }
    Some(names)
}

/// Ultralytics' `imgsz`: `[640, 640]` (height, width) or `640`.
pub fn parse_imgsz(text: &str) -> Option<(usize, usize)> {
    let nums: Vec<usize> = text
        .trim_matches(|c: char| c == '[' || c == ']' || c == '(' || c == ')' || c.is_whitespace())
        .split(',')
        .map(|n| n.trim().parse().ok())
        .collect::<Option<_>>()?;
    match nums[..] {
        [s] => Some((s, s)),
        [h, w] => Some((h, w)),
        _ => None,
    }
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.i..]
    }

    fn done(&self) -> bool {
        self.i >= self.s.len()
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.i = self.s.len() - trimmed.len();
    }

    fn expect(&mut self, c: char) -> Option<()> {
        self.skip_ws();
        self.rest().starts_with(c).then(|| self.i += c.len_utf8())
    }

    fn comma(&mut self) -> bool {
        self.expect(',').is_some()
    }

    fn number(&mut self) -> Option<usize> {
        self.skip_ws();
        let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        let n = self.rest()[..digits].parse().ok()?;
        self.i += digits;
        Some(n)
    }

    /// A Python string literal in single or double quotes, with `\\`, `\'`, `\"`,
    /// `\n`, `\t` and `\xNN`/`\uNNNN` escapes.
    fn string(&mut self) -> Option<String> {
        self.skip_ws();
        let mut chars = self.rest().char_indices();
        let (_, quote) = chars.next()?;
        if quote != '\'' && quote != '"' {
            return None;
        }
        let mut out = String::new();
        while let Some((at, c)) = chars.next() {
            match c {
                _ if c == quote => {
                    self.i += at + c.len_utf8();
                    return Some(out);
                }
                '\\' => {
                    let (_, e) = chars.next()?;
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'x' | 'u' => {
                            let len = if e == 'x' { 2 } else { 4 };
                            let hex: String = (0..len)
                                .filter_map(|_| chars.next().map(|(_, h)| h))
                                .collect();
                            out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ultralytics_names() {
        let names = parse_names("{0: 'person', 1: \"it's\", 3: 'traffic light'}").unwrap();
        assert_eq!(names, ["person", "it's", "class_2", "traffic light"]);
        assert_eq!(parse_names("['a', 'b\\'c']").unwrap(), ["a", "b'c"]);
        assert_eq!(parse_names("{0: '\\u4eba'}").unwrap(), ["人"]);
        assert_eq!(parse_names("{}").unwrap(), Vec::<String>::new());
        assert!(parse_names("{0: person}").is_none());
        assert!(parse_names("not a dict").is_none());
        assert_eq!(parse_imgsz("[480, 640]"), Some((480, 640)));
        assert_eq!(parse_imgsz("320"), Some((320, 320)));
    }
}
