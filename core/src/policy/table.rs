//! Decision tables: rows of conditions on named inputs with outputs, as data a
//! business user edits, checked when the policy is built and evaluated natively.
//!
//! A table is JSON (`rules/tables/NAME.json`, embedded; or the host's, by name). A
//! policy calls `table("NAME", #{input: value, ...})` with every input the table
//! declares; the inputs are whatever the policy computes (facts, attributes, scores).
//!
//! ```json
//! {"name": "treatment", "version": "1.0.0", "hit": "first",
//!  "inputs": [{"name": "dpd", "type": "number"},
//!             {"name": "risk", "type": "text", "values": ["low", "medium", "high"]}],
//!  "outputs": ["treatment"],
//!  "rows": [
//!    {"when": {"dpd": "..1"}, "then": {"treatment": "reminder"}},
//!    {"when": {"dpd": "1..30", "risk": "high"}, "then": {"treatment": "call"}},
//!    {"when": {"dpd": "1.."}, "then": {"treatment": "sms"}}]}
//! ```
//!
//! - Conditions: for a `number`, a half-open range `"a..b"` (`a <= x < b`), `"..b"`,
//!   `"a.."`; for `text`, one value or several joined by `|` (`"low|medium"`), each
//!   one of the input's declared `values`; for `bool`, `"true"` or `"false"`. An input
//!   a row leaves out matches anything. Every row gives every output (text, numbers,
//!   booleans).
//! - Hit policy `first`: the first row that matches, its outputs as a map (`()` when
//!   no row matches); `collect`: every matching row's outputs, in order, as an array.
//! - Checks when the policy is built, each an error at the row's line and column
//!   (`policy.contract`, module `tables/NAME`): a condition that does not read, an
//!   unknown input or output, a text value not declared; then, over every combination
//!   of the inputs' values (each number's line cut at the bounds the table uses, each
//!   text's declared values, both booleans): a combination no row matches (a gap,
//!   named), and under `first` a row that is never the first to match (it cannot be
//!   reached). Overlapping rows under `first` are allowed (the first wins) and are
//!   listed by [`Table::overlaps`], which `recobro check` prints.
//! - Calling it: an input missing from the map, one the table does not declare, a
//!   value of the wrong type or a text outside the declared values is a runtime error
//!   naming the input.
//!
//! Bounds: at most [`MAX_INPUTS`] inputs, [`MAX_OUTPUTS`] outputs, [`MAX_ROWS`] rows,
//! [`MAX_VALUES`] values per text input, and [`MAX_COMBINATIONS`] combinations checked.

use crate::error::{Error, ErrorCode, Result};
use rhai::{Array, Dynamic, Map};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Most inputs of a table.
pub const MAX_INPUTS: usize = 16;
/// Most outputs of a table.
pub const MAX_OUTPUTS: usize = 16;
/// Most rows of a table.
pub const MAX_ROWS: usize = 1_000;
/// Most declared values of a text input.
pub const MAX_VALUES: usize = 64;
/// Most combinations of input values the checks walk.
pub const MAX_COMBINATIONS: usize = 1_000_000;
const MAX_NAME: usize = 64;
/// Longest condition text of a row (`"1..30"`, `"low|medium"`), in bytes.
pub const MAX_CONDITION: usize = 256;
/// Largest magnitude of a number a range names (10^15): wider than any amount or day
/// count a case holds, and far enough from `Decimal`'s limits that the checks can step
/// below the lowest bound without overflowing.
pub const MAX_BOUND: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Number,
    Text(Vec<String>),
    Bool,
}

#[derive(Debug, Clone, PartialEq)]
struct Input {
    name: String,
    kind: Kind,
}

/// One row's condition on one input.
#[derive(Debug, Clone, PartialEq)]
enum Cond {
    Any,
    Range(Option<Decimal>, Option<Decimal>),
    /// Indices into the input's declared values.
    OneOf(Vec<usize>),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
struct Row {
    /// One per input, in the inputs' order.
    when: Vec<Cond>,
    /// One per output, in the outputs' order.
    then: Vec<serde_json::Value>,
    line: usize,
}

/// A checked decision table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    name: String,
    version: String,
    collect: bool,
    inputs: Vec<Input>,
    outputs: Vec<String>,
    rows: Vec<Row>,
    overlaps: Vec<(usize, usize)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable<'a> {
    name: String,
    version: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    hit: String,
    inputs: Vec<RawInput>,
    outputs: Vec<String>,
    #[serde(borrow)]
    rows: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    #[serde(default)]
    when: BTreeMap<String, String>,
    then: BTreeMap<String, serde_json::Value>,
}

fn name_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_NAME
}

/// Line and column of `part` (a slice of `text`): 1-based; (1, 1) when `part` is not
/// inside `text`.
pub(crate) fn position(text: &str, part: &str) -> (usize, usize) {
    let offset = (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

fn contract(module: &str, (line, column): (usize, usize), message: String) -> Error {
    Error::new(ErrorCode::PolicyContract, message).at_policy(Some(module.to_string()), line, column)
}

/// A number's condition: `a..b`, `..b`, `a..` (half-open), its bounds within
/// [`MAX_BOUND`].
fn parse_range(s: &str) -> Option<(Option<Decimal>, Option<Decimal>)> {
    let (a, b) = s.split_once("..")?;
    let num = |t: &str| -> Option<Option<Decimal>> {
        let t = t.trim();
        if t.is_empty() {
            Some(None)
        } else {
            crate::money::parse_amount(t)
                .ok()
                .filter(|x| x.abs() <= MAX_BOUND)
                .map(Some)
        }
    };
    let (a, b) = (num(a)?, num(b)?);
    if let (Some(x), Some(y)) = (a, b) {
        if x >= y {
            return None;
        }
    }
    Some((a, b))
}

/// A value of one input, to match conditions: a number, a declared text's index, a
/// boolean.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    Number(Decimal),
    Text(usize),
    Bool(bool),
}

impl Cond {
    fn matches(&self, v: Value) -> bool {
        match (self, v) {
            (Cond::Any, _) => true,
            (Cond::Range(a, b), Value::Number(x)) => {
                a.is_none_or(|a| x >= a) && b.is_none_or(|b| x < b)
            }
            (Cond::OneOf(ix), Value::Text(i)) => ix.contains(&i),
            (Cond::Bool(b), Value::Bool(x)) => *b == x,
            _ => false,
        }
    }
}

impl Table {
    /// Read and check a table from JSON text (see the module's documentation); errors
    /// are `policy.syntax` (JSON that does not read) or `policy.contract`, at the line
    /// and column in the text, with `module` as their module.
    pub fn parse(module: &str, text: &str) -> Result<Table> {
        let raw: RawTable<'_> = serde_json::from_str(text).map_err(|e| {
            Error::new(ErrorCode::PolicySyntax, format!("table: {e}")).at_policy(
                Some(module.to_string()),
                e.line().max(1),
                e.column().max(1),
            )
        })?;
        let whole = |m: String| contract(module, (1, 1), m);
        if !name_ok(&raw.name) || !name_ok(&raw.version) {
            return Err(whole(format!(
                "a table needs a name and a version of 1 to {MAX_NAME} bytes"
            )));
        }
        let collect = match raw.hit.as_str() {
            "first" => false,
            "collect" => true,
            other => {
                return Err(whole(format!(
                    "hit policy `{other}`: the hit policies are `first` and `collect`"
                )))
            }
        };
        if raw.inputs.is_empty() || raw.inputs.len() > MAX_INPUTS {
            return Err(whole(format!("a table needs 1 to {MAX_INPUTS} inputs")));
        }
        if raw.outputs.is_empty() || raw.outputs.len() > MAX_OUTPUTS {
            return Err(whole(format!("a table needs 1 to {MAX_OUTPUTS} outputs")));
        }
        if raw.rows.is_empty() || raw.rows.len() > MAX_ROWS {
            return Err(whole(format!("a table needs 1 to {MAX_ROWS} rows")));
        }
        let mut inputs: Vec<Input> = Vec::new();
        for i in raw.inputs {
            if !name_ok(&i.name) || inputs.iter().any(|x| x.name == i.name) {
                return Err(whole(format!(
                    "input `{}`: inputs need names of 1 to {MAX_NAME} bytes, each once",
                    i.name
                )));
            }
            let kind = match i.kind.as_str() {
                "number" => Kind::Number,
                "bool" => Kind::Bool,
                "text" => {
                    if i.values.is_empty() || i.values.len() > MAX_VALUES {
                        return Err(whole(format!(
                            "input `{}`: a text input declares 1 to {MAX_VALUES} `values`",
                            i.name
                        )));
                    }
                    Kind::Text(i.values)
                }
                other => {
                    return Err(whole(format!(
                        "input `{}`: type `{other}`; the types are `number`, `text` and `bool`",
                        i.name
                    )))
                }
            };
            inputs.push(Input { name: i.name, kind });
        }
        for (k, o) in raw.outputs.iter().enumerate() {
            if !name_ok(o) || raw.outputs[..k].contains(o) {
                return Err(whole(format!(
                    "output `{o}`: outputs need names of 1 to {MAX_NAME} bytes, each once"
                )));
            }
        }
        let mut rows = Vec::new();
        for part in &raw.rows {
            let at = position(text, part.get());
            let here = |m: String| contract(module, at, m);
            let r: RawRow =
                serde_json::from_str(part.get()).map_err(|e| here(format!("row: {e}")))?;
            for k in r.when.keys() {
                if !inputs.iter().any(|i| &i.name == k) {
                    return Err(here(format!("no input `{k}` in this table")));
                }
            }
            let mut when = Vec::new();
            for input in &inputs {
                let cond = match r.when.get(&input.name).map(|s| s.trim()) {
                    Some(s) if s.len() > MAX_CONDITION => {
                        return Err(here(format!(
                            "input `{}`: a condition of {} bytes; at most {MAX_CONDITION}",
                            input.name,
                            s.len()
                        )))
                    }
                    None | Some("-") => Cond::Any,
                    Some(s) => match &input.kind {
                        Kind::Number => {
                            let (a, b) = parse_range(s).ok_or_else(|| {
                                here(format!(
                                    "input `{}`: `{s}` is no range; write `a..b` (a <= x < b), `..b` or `a..`, each bound within ±10^15",
                                    input.name
                                ))
                            })?;
                            Cond::Range(a, b)
                        }
                        Kind::Bool => match s {
                            "true" => Cond::Bool(true),
                            "false" => Cond::Bool(false),
                            _ => {
                                return Err(here(format!(
                                    "input `{}`: `{s}`; write `true` or `false`",
                                    input.name
                                )))
                            }
                        },
                        Kind::Text(values) => {
                            let mut ix = Vec::new();
                            for v in s.split('|').map(str::trim) {
                                match values.iter().position(|x| x == v) {
                                    Some(i) => ix.push(i),
                                    None => {
                                        return Err(here(format!(
                                            "input `{}`: `{v}` is not one of its values ({})",
                                            input.name,
                                            values.join(", ")
                                        )))
                                    }
                                }
                            }
                            Cond::OneOf(ix)
                        }
                    },
                };
                when.push(cond);
            }
            let mut then = Vec::new();
            for k in r.then.keys() {
                if !raw.outputs.contains(k) {
                    return Err(here(format!("no output `{k}` in this table")));
                }
            }
            for o in &raw.outputs {
                match r.then.get(o) {
                    Some(
                        v @ (serde_json::Value::String(_)
                        | serde_json::Value::Number(_)
                        | serde_json::Value::Bool(_)),
                    ) => then.push(v.clone()),
                    Some(_) => {
                        return Err(here(format!("output `{o}`: a text, a number or a boolean")))
                    }
                    None => return Err(here(format!("the row gives no output `{o}`"))),
                }
            }
            rows.push(Row {
                when,
                then,
                line: at.0,
            });
        }
        let mut table = Table {
            name: raw.name,
            version: raw.version,
            collect,
            inputs,
            outputs: raw.outputs,
            rows,
            overlaps: Vec::new(),
        };
        table.check(module, text, &raw.rows)?;
        Ok(table)
    }

    /// Walk every combination of input values: gaps, unreachable rows, overlaps.
    fn check(&mut self, module: &str, text: &str, parts: &[&RawValue]) -> Result<()> {
        // Each input's cells: a representative value and how to name it.
        let mut cells: Vec<Vec<(Value, String)>> = Vec::new();
        for (k, input) in self.inputs.iter().enumerate() {
            let c: Vec<(Value, String)> = match &input.kind {
                Kind::Bool => vec![
                    (Value::Bool(false), "false".into()),
                    (Value::Bool(true), "true".into()),
                ],
                Kind::Text(values) => values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Value::Text(i), v.clone()))
                    .collect(),
                Kind::Number => {
                    let mut bounds: Vec<Decimal> = self
                        .rows
                        .iter()
                        .filter_map(|r| match &r.when[k] {
                            Cond::Range(a, b) => Some([*a, *b]),
                            _ => None,
                        })
                        .flatten()
                        .flatten()
                        .collect();
                    crate::sort::sort_by(&mut bounds, |a, b| a.cmp(b));
                    bounds.dedup();
                    let mut c = Vec::new();
                    // Below the lowest bound, each bound up to the next, above the last.
                    match bounds.first() {
                        None => c.push((Value::Number(Decimal::ZERO), "any".into())),
                        Some(lo) => {
                            c.push((Value::Number(*lo - Decimal::ONE), format!("..{lo}")));
                            for (i, b) in bounds.iter().enumerate() {
                                let name = match bounds.get(i + 1) {
                                    Some(n) => format!("{b}..{n}"),
                                    None => format!("{b}.."),
                                };
                                c.push((Value::Number(*b), name));
                            }
                        }
                    }
                    c
                }
            };
            cells.push(c);
        }
        let total = cells
            .iter()
            .try_fold(1usize, |acc, c| acc.checked_mul(c.len()))
            .filter(|n| *n <= MAX_COMBINATIONS)
            .ok_or_else(|| {
                contract(
                    module,
                    (1, 1),
                    format!(
                        "the inputs have more than {MAX_COMBINATIONS} combinations to check; split the table"
                    ),
                )
            })?;
        let mut first_of = vec![false; self.rows.len()];
        let mut overlaps = std::collections::BTreeSet::new();
        let mut idx = vec![0usize; cells.len()];
        for _ in 0..total {
            let values: Vec<Value> = idx.iter().zip(&cells).map(|(i, c)| c[*i].0).collect();
            let matching: Vec<usize> = self
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.when.iter().zip(&values).all(|(c, v)| c.matches(*v)))
                .map(|(i, _)| i)
                .collect();
            match matching.first() {
                None => {
                    let named: Vec<String> = idx
                        .iter()
                        .zip(&cells)
                        .zip(&self.inputs)
                        .map(|((i, c), input)| format!("{} {}", input.name, c[*i].1))
                        .collect();
                    let at = parts.last().map_or((1, 1), |p| position(text, p.get()));
                    return Err(contract(
                        module,
                        at,
                        format!(
                            "a gap: no row matches {}; add a row for it (or a last row that matches anything)",
                            named.join(", ")
                        ),
                    ));
                }
                Some(&f) => {
                    first_of[f] = true;
                    if !self.collect {
                        for &other in &matching[1..] {
                            overlaps.insert((f, other));
                        }
                    } else {
                        for &m in &matching {
                            first_of[m] = true;
                        }
                    }
                }
            }
            // Next combination (the last input fastest).
            for k in (0..idx.len()).rev() {
                idx[k] += 1;
                if idx[k] < cells[k].len() {
                    break;
                }
                idx[k] = 0;
            }
        }
        if let Some(r) = first_of.iter().position(|f| !f) {
            let at = parts.get(r).map_or((1, 1), |p| position(text, p.get()));
            let shadow: Vec<String> = overlaps
                .iter()
                .filter(|(_, o)| *o == r)
                .map(|(f, _)| format!("row {}", f + 1))
                .collect();
            return Err(contract(
                module,
                at,
                format!(
                    "row {} is never reached: every input it matches is matched first by {}",
                    r + 1,
                    if shadow.is_empty() {
                        "earlier rows".to_string()
                    } else {
                        shadow.join(", ")
                    }
                ),
            ));
        }
        self.overlaps = overlaps.into_iter().collect();
        Ok(())
    }

    /// The table's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The table's version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Under `first`, the pairs of rows (1-based, the earlier first) that some input
    /// matches both: the earlier wins. Allowed; `recobro check` lists them.
    pub fn overlaps(&self) -> Vec<(usize, usize)> {
        self.overlaps.iter().map(|(a, b)| (a + 1, b + 1)).collect()
    }

    /// The line of row `n` (1-based) in the table's text.
    pub fn row_line(&self, n: usize) -> Option<usize> {
        self.rows.get(n.checked_sub(1)?).map(|r| r.line)
    }

    /// Evaluate the table on a map of inputs (the policy's `table(name, inputs)`).
    pub(crate) fn call(&self, given: &Map) -> std::result::Result<Dynamic, String> {
        for k in given.keys() {
            if !self.inputs.iter().any(|i| i.name == k.as_str()) {
                return Err(format!("table `{}` has no input `{k}`", self.name));
            }
        }
        let mut values = Vec::with_capacity(self.inputs.len());
        for input in &self.inputs {
            let v = given
                .get(input.name.as_str())
                .ok_or_else(|| format!("table `{}` needs the input `{}`", self.name, input.name))?;
            let bad = |what: &str| {
                format!(
                    "table `{}`: input `{}` must be {what} (got {})",
                    self.name,
                    input.name,
                    v.type_name()
                )
            };
            values.push(match &input.kind {
                Kind::Number => {
                    if let Ok(i) = v.as_int() {
                        Value::Number(Decimal::from(i))
                    } else if let Some(d) = v.clone().try_cast::<Decimal>() {
                        Value::Number(d)
                    } else {
                        return Err(bad("a number"));
                    }
                }
                Kind::Bool => Value::Bool(v.as_bool().map_err(|_| bad("a boolean"))?),
                Kind::Text(values) => {
                    let s = v
                        .clone()
                        .into_immutable_string()
                        .map_err(|_| bad("a text"))?;
                    let i = values.iter().position(|x| x == s.as_str()).ok_or_else(|| {
                        format!(
                            "table `{}`: input `{}` is `{s}`, not one of its values ({})",
                            self.name,
                            input.name,
                            values.join(", ")
                        )
                    })?;
                    Value::Text(i)
                }
            });
        }
        let out = |r: &Row| -> Dynamic {
            let mut m = Map::new();
            for (name, v) in self.outputs.iter().zip(&r.then) {
                m.insert(
                    name.as_str().into(),
                    crate::policy::script::json_to_dynamic(v, 0),
                );
            }
            Dynamic::from_map(m)
        };
        let mut hits = self
            .rows
            .iter()
            .filter(|r| r.when.iter().zip(&values).all(|(c, v)| c.matches(*v)));
        if self.collect {
            Ok(Dynamic::from_array(hits.map(out).collect::<Array>()))
        } else {
            Ok(hits.next().map_or(Dynamic::UNIT, out))
        }
    }
}

/// The tables a policy may call: the embedded ones (`rules/tables/`) and the host's,
/// by name (a host's table replaces an embedded one of the same name).
#[derive(Debug, Clone, Default)]
pub struct Tables(pub(crate) BTreeMap<String, Arc<Table>>);

impl Tables {
    /// The embedded tables plus `host` ({name: JSON text}), each checked. A host table's
    /// errors have the module `tables/NAME`; its `name` field must be the name it is
    /// given under.
    pub fn build(host: &BTreeMap<String, String>) -> Result<Tables> {
        static EMBEDDED: std::sync::OnceLock<Result<BTreeMap<String, Arc<Table>>>> =
            std::sync::OnceLock::new();
        super::named_data(
            &EMBEDDED,
            crate::embedded::tables(),
            host,
            "tables",
            Table::parse,
            |t| &t.name,
            |_| (1, 1),
        )
        .map(Tables)
    }

    /// A table by name.
    pub fn get(&self, name: &str) -> Option<&Arc<Table>> {
        self.0.get(name)
    }
}
