//! CSV for the variable import: RFC 4180 records (quoted fields may hold the
//! delimiter, quotes as `""` and line breaks), comma- or semicolon-separated
//! (a spreadsheet in a Norwegian locale writes `;`), with a header row naming
//! the fields as the JSON import does (`name`, `labelNb`, `valueType`, ...).

use serde_json::{Map, Number, Value};

use hds_domain::catalogue::Problem;

/// Splits `text` into records of fields. `Err` names the 1-based line of an
/// unterminated quote.
fn records(text: &str, delimiter: char) -> Result<Vec<Vec<String>>, usize> {
    let mut out = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut quote_line = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                quote_line = line;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                record.push(std::mem::take(&mut field));
                out.push(std::mem::take(&mut record));
            }
            c if c == delimiter => record.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(quote_line);
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        out.push(record);
    }
    // Blank lines carry no record.
    out.retain(|r| !(r.len() == 1 && r[0].trim().is_empty()));
    Ok(out)
}

/// The rows of a file, each with its index, and the problems with its shape.
pub type Rows = (Vec<(usize, Value)>, Vec<Problem>);

/// The columns every variable file has (the required fields of a variable).
const REQUIRED_COLUMNS: [&str; 4] = ["name", "labelNb", "labelEn", "valueType"];

const INTEGER_FIELDS: [&str; 2] = ["periodFrom", "periodTo"];
const BOOLEAN_FIELDS: [&str; 2] = ["identifying", "sensitive"];

fn cell(column: &str, raw: &str) -> Value {
    let raw = raw.trim();
    if INTEGER_FIELDS.contains(&column) {
        if let Ok(n) = raw.parse::<i64>() {
            return Value::Number(Number::from(n));
        }
    }
    if BOOLEAN_FIELDS.contains(&column) {
        match raw.to_lowercase().as_str() {
            "true" | "ja" | "yes" | "1" => return Value::Bool(true),
            "false" | "nei" | "no" | "0" => return Value::Bool(false),
            _ => {}
        }
    }
    Value::String(raw.to_owned())
}

/// The rows of a CSV import as the JSON objects the JSON import takes (empty
/// cells left out), each with its index, and every problem with the file's
/// shape (a record of the wrong length is left out and reported). Row `/0` is
/// the first record after the header. `Err` when the file cannot be read at all.
pub fn rows(text: &str) -> Result<Rows, Vec<Problem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.contains(';') && !first_line.contains(',') {
        ';'
    } else {
        ','
    };
    let mut records = records(text, delimiter).map_err(|line| {
        vec![Problem::new(
            "",
            "INVALID_CSV",
            format!("a quoted field opened on line {line} is never closed"),
        )]
    })?;
    if records.is_empty() {
        return Err(vec![Problem::new(
            "",
            "INVALID_CSV",
            "the file has no header row",
        )]);
    }
    let header: Vec<String> = records
        .remove(0)
        .into_iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut problems = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if name.is_empty() {
            problems.push(Problem::new(
                format!("/columns/{i}"),
                "REQUIRED",
                "a column without a name",
            ));
        } else if header[..i].contains(name) {
            problems.push(Problem::new(
                format!("/columns/{i}"),
                "DUPLICATE",
                format!("column {name} appears twice"),
            ));
        }
    }
    // a header without the required columns is no variable file, rows or not
    for required in REQUIRED_COLUMNS {
        if !header.iter().any(|name| name == required) {
            problems.push(Problem::new(
                "/columns",
                "MISSING_COLUMN",
                format!("the header row has no column {required}"),
            ));
        }
    }
    let mut out = Vec::with_capacity(records.len());
    for (i, record) in records.into_iter().enumerate() {
        if record.len() != header.len() {
            problems.push(Problem::new(
                format!("/{i}"),
                "WRONG_FIELD_COUNT",
                format!(
                    "{} fields where the header has {}",
                    record.len(),
                    header.len()
                ),
            ));
            continue;
        }
        let object: Map<String, Value> = header
            .iter()
            .zip(&record)
            .filter(|(_, raw)| !raw.trim().is_empty())
            .map(|(column, raw)| (column.clone(), cell(column, raw)))
            .collect();
        out.push((i, Value::Object(object)));
    }
    Ok((out, problems))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quoted_fields_semicolons_and_types() {
        let text = "\u{feff}name;labelNb;labelEn;valueType;periodFrom;sensitive\r\n\
                    VEKT;\"Fødselsvekt; gram\";\"Birth \"\"weight\"\"\";INTEGER;1967;nei\r\n\
                    \r\n\
                    DIAG;\"Diagnose,\nhoved\";Diagnosis;CODE;;ja\n";
        let (rows, problems) = rows(text).unwrap();
        assert!(problems.is_empty());
        assert_eq!(
            rows,
            vec![
                (
                    0,
                    json!({"name": "VEKT", "labelNb": "Fødselsvekt; gram", "labelEn": "Birth \"weight\"",
                    "valueType": "INTEGER", "periodFrom": 1967, "sensitive": false})
                ),
                (
                    1,
                    json!({"name": "DIAG", "labelNb": "Diagnose,\nhoved", "labelEn": "Diagnosis",
                    "valueType": "CODE", "sensitive": true})
                ),
            ]
        );
    }

    #[test]
    fn a_header_without_the_required_columns_is_a_problem_even_without_rows() {
        let (rows, problems) = rows("null").unwrap();
        assert!(rows.is_empty());
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, ["MISSING_COLUMN"; 4]);
    }

    #[test]
    fn shape_problems_are_reported() {
        let (_, problems) = rows("name,labelNb,name\nA,b\n").unwrap();
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(pointers, ["/columns/2", "/columns", "/columns", "/0"]);
        assert_eq!(rows("name\n\"open").unwrap_err()[0].code, "INVALID_CSV");
        assert_eq!(rows("").unwrap_err()[0].code, "INVALID_CSV");
        assert_eq!(
            rows("name,periodFrom\nA,x\n").unwrap().0,
            vec![(0, json!({"name": "A", "periodFrom": "x"}))]
        );
    }
}
