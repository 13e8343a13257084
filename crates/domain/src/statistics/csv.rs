//! Tables as CSV for Norwegian spreadsheets.
//!
//! - Fields are separated by semicolons (`;`): a Norwegian spreadsheet uses
//!   the comma as its decimal sign, so it expects `;` between fields.
//! - Lines end with CRLF (RFC 4180). The first line holds the column names,
//!   in the table's fixed order.
//! - A field is quoted (`"…"`, inner quotes doubled) when it holds a `;`, a
//!   quote, a line break, or begins or ends with a space; otherwise it is
//!   written as it is.
//! - A text field that a spreadsheet would read as a formula (beginning with
//!   `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so
//!   that opening a file never runs anything. Numbers are never changed.
//! - Optionally a UTF-8 byte order mark first, which Excel needs to read
//!   æ, ø and å right; and optionally a decimal comma (`66,7`) instead of a
//!   decimal point (`66.7`).
//! - Dates are `YYYY-MM-DD`; an empty cell is an empty field.

use std::fmt::Write as _;

use time::Date;

/// How to write the CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CsvOptions {
    /// Begin with the UTF-8 byte order mark (U+FEFF).
    pub byte_order_mark: bool,
    /// Write decimals with a comma (`66,7`), as a Norwegian spreadsheet reads them.
    pub decimal_comma: bool,
}

impl CsvOptions {
    /// For Excel and LibreOffice in Norwegian: byte order mark and decimal comma.
    pub const NORWEGIAN_SPREADSHEET: Self = Self {
        byte_order_mark: true,
        decimal_comma: true,
    };
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    /// A decimal number written with `places` decimals; not a finite number
    /// is written as an empty field.
    Decimal {
        value: f64,
        places: usize,
    },
    Date(Date),
    Empty,
}

impl Cell {
    /// A whole number from an unsigned count.
    pub fn count(n: u64) -> Self {
        i64::try_from(n).map_or(Self::Empty, Self::Integer)
    }

    /// A number, or an empty cell.
    pub fn maybe(n: Option<i64>) -> Self {
        n.map_or(Self::Empty, Self::Integer)
    }
}

/// A table with fixed columns. Every row should have as many cells as there
/// are columns; a short row is padded with empty fields, extra cells are
/// dropped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// `table` as CSV text (see the module documentation for the format).
pub fn write_csv(table: &Table, options: CsvOptions) -> String {
    let mut out = String::new();
    if options.byte_order_mark {
        out.push('\u{feff}');
    }
    let header: Vec<Cell> = table.columns.iter().cloned().map(Cell::Text).collect();
    write_row(&mut out, &header, table.columns.len(), options);
    for row in &table.rows {
        write_row(&mut out, row, table.columns.len(), options);
    }
    out
}

fn write_row(out: &mut String, row: &[Cell], width: usize, options: CsvOptions) {
    for i in 0..width {
        if i > 0 {
            out.push(';');
        }
        match row.get(i).unwrap_or(&Cell::Empty) {
            Cell::Text(text) => write_text(out, text),
            Cell::Integer(n) => {
                let _ = write!(out, "{n}");
            }
            Cell::Decimal { value, places } if value.is_finite() => {
                let text = format!("{value:.places$}");
                out.push_str(&if options.decimal_comma {
                    text.replace('.', ",")
                } else {
                    text
                });
            }
            Cell::Date(d) => {
                let _ = write!(out, "{d}");
            }
            Cell::Decimal { .. } | Cell::Empty => {}
        }
    }
    out.push_str("\r\n");
}

fn write_text(out: &mut String, text: &str) {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = formula
        || text.contains([';', '"', '\n', '\r'])
        || text.starts_with(' ')
        || text.ends_with(' ');
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quote {
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn table() -> Table {
        Table {
            columns: vec!["kilde".into(), "navn".into(), "andel".into(), "dato".into()],
            rows: vec![
                vec![
                    Cell::Text("NPR".into()),
                    Cell::Text("Norsk pasientregister".into()),
                    Cell::Decimal {
                        value: 200.0 / 3.0,
                        places: 1,
                    },
                    Cell::Date(date!(2026 - 04 - 30)),
                ],
                vec![
                    Cell::Text("Sjø; \"fisk\" og ål".into()),
                    Cell::Integer(-3),
                    Cell::Empty,
                ],
                vec![
                    Cell::Text("=SUM(A1:A9)".into()),
                    Cell::Text("linje 1\nlinje 2".into()),
                    Cell::Decimal {
                        value: f64::NAN,
                        places: 1,
                    },
                    Cell::Text(" mellomrom".into()),
                    Cell::Text("dropped".into()),
                ],
            ],
        }
    }

    #[test]
    fn plain_csv() {
        assert_eq!(
            write_csv(&table(), CsvOptions::default()),
            "kilde;navn;andel;dato\r\n\
             NPR;Norsk pasientregister;66.7;2026-04-30\r\n\
             \"Sjø; \"\"fisk\"\" og ål\";-3;;\r\n\
             \"'=SUM(A1:A9)\";\"linje 1\nlinje 2\";;\" mellomrom\"\r\n"
        );
    }

    #[test]
    fn norwegian_spreadsheet() {
        let csv = write_csv(&table(), CsvOptions::NORWEGIAN_SPREADSHEET);
        assert!(csv.starts_with("\u{feff}kilde;"));
        assert_eq!(&csv.as_bytes()[..3], [0xEF, 0xBB, 0xBF]);
        assert!(csv.contains("NPR;Norsk pasientregister;66,7;2026-04-30\r\n"));
        // Only decimals change: a negative integer keeps its sign, text its dots.
        let t = Table {
            columns: vec!["a".into(), "b".into()],
            rows: vec![vec![Cell::Text("1.5".into()), Cell::Integer(-2)]],
        };
        assert_eq!(
            write_csv(&t, CsvOptions::NORWEGIAN_SPREADSHEET),
            "\u{feff}a;b\r\n1.5;-2\r\n"
        );
    }

    #[test]
    fn every_line_has_every_column() {
        let csv = write_csv(&table(), CsvOptions::default());
        // Outside quotes, each of the four lines has three separators.
        let mut in_quotes = false;
        let mut separators = 0;
        let mut lines = 0;
        for c in csv.chars() {
            match c {
                '"' => in_quotes = !in_quotes,
                ';' if !in_quotes => separators += 1,
                '\n' if !in_quotes => lines += 1,
                _ => {}
            }
        }
        assert_eq!((lines, separators), (4, 12));
    }
}
