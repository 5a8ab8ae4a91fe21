//! The report written out: JSON, CSV, a terminal table, and a self-contained HTML page
//! (inline CSS and SVG, no script, no link: it opens with no network).

use super::{AgingRow, Bucket, Report, RollState};
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt::Write as _;

impl Report {
    /// The report as JSON (one line; field order fixed, so the same inputs give the
    /// same bytes). Its contract is `schemas/report.schema.json`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The report as one CSV table in long form, with the header
    /// `table,group,currency,bucket,to,measure,value`: one row per figure. `table` is
    /// `cases`, `errors`, `aging`, `aging_by_segment`, `aging_by_jurisdiction`,
    /// `promises`, `plans`, `contacts_last_30_days`, `compliance_blocks`, and with a
    /// previous snapshot `previous_cases`, `previous_errors`, `roll_rates`, `cures`,
    /// `cei`; `group` is the segment, jurisdiction, channel, rule or error index;
    /// `bucket` the (from) bucket, `to` a roll-rate's destination.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("table,group,currency,bucket,to,measure,value\n");
        let mut row = |cells: [&str; 7]| {
            let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        };
        let counts = |row: &mut dyn FnMut([&str; 7]), table: &str, c: &super::Counts| {
            for (m, v) in [
                ("entries", c.entries),
                ("reported", c.reported),
                ("failed", c.failed),
                ("debts_aged", c.debts_aged),
                ("debts_settled", c.debts_settled),
            ] {
                row([table, "", "", "", "", m, &v.to_string()]);
            }
        };
        // One row per case that could not be counted: its index, code and message.
        let errors = |row: &mut dyn FnMut([&str; 7]), table: &str, errs: &[super::RowError]| {
            for e in errs {
                let (index, message) = (e.index.to_string(), e.error.to_string());
                row([table, &index, "", "", "", e.error.code.as_str(), &message]);
            }
        };
        counts(&mut row, "cases", &self.cases);
        errors(&mut row, "errors", &self.errors);
        for (table, rows) in [
            ("aging", &self.aging),
            ("aging_by_segment", &self.aging_by_segment),
            ("aging_by_jurisdiction", &self.aging_by_jurisdiction),
        ] {
            for r in rows {
                let g = r.group.as_deref().unwrap_or("");
                let b = r.bucket.as_str();
                row([table, g, &r.currency, b, "", "debts", &r.debts.to_string()]);
                row([
                    table,
                    g,
                    &r.currency,
                    b,
                    "",
                    "amount",
                    &r.amount.to_string(),
                ]);
            }
        }
        let p = &self.promises;
        for (m, v) in [
            ("kept", p.kept),
            ("broken", p.broken),
            ("pending", p.pending),
        ] {
            row(["promises", "", "", "", "", m, &v.to_string()]);
        }
        let p = &self.plans;
        for (m, v) in [
            ("active", p.active),
            ("behind", p.behind),
            ("completed", p.completed),
        ] {
            row(["plans", "", "", "", "", m, &v.to_string()]);
        }
        for c in &self.contacts_last_30_days {
            let ch = c.channel.as_str();
            row([
                "contacts_last_30_days",
                ch,
                "",
                "",
                "",
                "contacts",
                &c.contacts.to_string(),
            ]);
        }
        for b in &self.compliance_blocks {
            let r = b.rule.as_str();
            row([
                "compliance_blocks",
                r,
                "",
                "",
                "",
                "candidates",
                &b.candidates.to_string(),
            ]);
            row([
                "compliance_blocks",
                r,
                "",
                "",
                "",
                "cases",
                &b.cases.to_string(),
            ]);
            row(["compliance_blocks", r, "", "", "", "citation", &b.citation]);
        }
        if let Some(c) = &self.comparison {
            counts(&mut row, "previous_cases", &c.cases);
            errors(&mut row, "previous_errors", &c.errors);
            for r in &c.roll_rates {
                let (f, t) = (r.from.as_str(), r.to.as_str());
                row(["roll_rates", "", "", f, t, "debts", &r.debts.to_string()]);
                row(["roll_rates", "", "", f, t, "rate", &opt(r.rate)]);
            }
            for r in &c.cures {
                let f = r.from.map_or("all", Bucket::as_str);
                row([
                    "cures",
                    "",
                    "",
                    f,
                    "",
                    "delinquent",
                    &r.delinquent.to_string(),
                ]);
                row(["cures", "", "", f, "", "cured", &r.cured.to_string()]);
                row(["cures", "", "", f, "", "rate", &opt(r.rate)]);
            }
            for r in &c.cei {
                let cur = r.currency.as_str();
                for (m, v) in [
                    ("beginning", r.beginning.to_string()),
                    ("new_debts", r.new_debts.to_string()),
                    ("ending_total", r.ending_total.to_string()),
                    ("ending_current", r.ending_current.to_string()),
                    ("left", r.left.to_string()),
                    ("cei", opt(r.cei)),
                ] {
                    row(["cei", "", cur, "", "", m, &v]);
                }
            }
        }
        out
    }

    /// The report as plain-text tables for a terminal.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Delinquency report at {} (policy {} {})",
            self.as_of, self.policy.name, self.policy.version
        );
        let _ = writeln!(
            out,
            "{} entries: {} reported, {} failed; {} debts aged, {} settled",
            self.cases.entries,
            self.cases.reported,
            self.cases.failed,
            self.cases.debts_aged,
            self.cases.debts_settled
        );
        for e in &self.errors {
            let _ = writeln!(out, "  entry {}: {}", e.index, e.error);
        }
        for (title, rows) in self.aging_tables() {
            let _ = writeln!(out, "\n{title}");
            out.push_str(&text_table(&aging_grid(rows)));
        }
        let _ = writeln!(out, "\nPromises and plans");
        out.push_str(&text_table(&self.status_grid()));
        let _ = writeln!(out, "\nOutbound contacts, last 30 days");
        out.push_str(&text_table(&self.contacts_grid()));
        let _ = writeln!(out, "\nCompliance blocks by rule");
        out.push_str(&text_table(&self.blocks_grid()));
        if let Some(c) = &self.comparison {
            let _ = writeln!(
                out,
                "\nCompared with {} ({} entries: {} reported, {} failed)",
                c.previous_as_of, c.cases.entries, c.cases.reported, c.cases.failed
            );
            for e in &c.errors {
                let _ = writeln!(out, "  previous entry {}: {}", e.index, e.error);
            }
            let _ = writeln!(out, "\nRoll rates (debts, % of the previous bucket)");
            out.push_str(&text_table(&self.roll_grid()));
            let _ = writeln!(out, "\nCures (cases delinquent before, current now)");
            out.push_str(&text_table(&self.cure_grid()));
            let _ = writeln!(out, "\nCollection effectiveness index");
            out.push_str(&text_table(&self.cei_grid()));
        }
        out
    }

    /// The report as a self-contained HTML page: the tables, a bar chart of the aging
    /// amounts per currency and of the contacts per channel, the roll-rate matrix
    /// shaded by rate. Inline CSS and SVG only: no script, no external resource.
    pub fn to_html(&self) -> String {
        let mut h = String::from(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Delinquency report</title>\n<style>\n\
             body{font-family:system-ui,sans-serif;margin:2em;color:#111827}\n\
             table{border-collapse:collapse;margin:0.5em 0 1.5em}\n\
             th,td{border:1px solid #d1d5db;padding:3px 8px;text-align:right}\n\
             th{background:#f3f4f6}\ntd:first-child,th:first-child{text-align:left}\n\
             .err{color:#b91c1c}\n</style></head><body>\n",
        );
        let _ = writeln!(
            h,
            "<h1>Delinquency report</h1>\n<p>At {} under policy <b>{}</b> {} ({}).</p>",
            esc(&self.as_of.to_string()),
            esc(&self.policy.name),
            esc(&self.policy.version),
            esc(&self.policy.digest)
        );
        let _ = writeln!(
            h,
            "<p>{} entries: {} reported, {} failed; {} debts aged, {} settled.</p>",
            self.cases.entries,
            self.cases.reported,
            self.cases.failed,
            self.cases.debts_aged,
            self.cases.debts_settled
        );
        errors_html(&mut h, &self.errors, "entry");
        let _ = writeln!(h, "<h2>Aging</h2>");
        for currency in self.currencies() {
            let rows: Vec<&AgingRow> = self
                .aging
                .iter()
                .filter(|r| r.currency == currency)
                .collect();
            let bars: Vec<(String, Decimal, String)> = rows
                .iter()
                .map(|r| {
                    (
                        r.bucket.as_str().to_string(),
                        r.amount,
                        format!("{} ({} debts)", r.amount, r.debts),
                    )
                })
                .collect();
            h.push_str(&bar_chart(
                &format!("Outstanding by bucket, {currency}"),
                &bars,
            ));
        }
        for (title, rows) in self.aging_tables() {
            let _ = writeln!(h, "<h3>{}</h3>", esc(title));
            h.push_str(&html_table(&aging_grid(rows), None));
        }
        let _ = writeln!(h, "<h2>Promises and plans</h2>");
        h.push_str(&html_table(&self.status_grid(), None));
        let _ = writeln!(h, "<h2>Outbound contacts, last 30 days</h2>");
        let bars: Vec<(String, Decimal, String)> = self
            .contacts_last_30_days
            .iter()
            .map(|c| {
                (
                    c.channel.as_str().to_string(),
                    Decimal::from(c.contacts),
                    c.contacts.to_string(),
                )
            })
            .collect();
        h.push_str(&bar_chart("Contacts per channel", &bars));
        let _ = writeln!(h, "<h2>Compliance blocks by rule</h2>");
        h.push_str(&html_table(&self.blocks_grid(), None));
        if let Some(c) = &self.comparison {
            let _ = writeln!(
                h,
                "<h2>Compared with {}</h2>\n<p>{} entries: {} reported, {} failed.</p>",
                esc(&c.previous_as_of.to_string()),
                c.cases.entries,
                c.cases.reported,
                c.cases.failed
            );
            errors_html(&mut h, &c.errors, "previous entry");
            let _ = writeln!(
                h,
                "<h3>Roll rates</h3>\n<p>Debts by bucket in the previous snapshot (rows) and state now (columns), with the percent of the row; darker is a larger share.</p>"
            );
            let shade: Vec<Vec<Option<Decimal>>> = Bucket::ALL
                .iter()
                .map(|&from| {
                    std::iter::once(None)
                        .chain(RollState::ALL.iter().map(|&to| {
                            c.roll_rates
                                .iter()
                                .find(|r| r.from == from && r.to == to)
                                .and_then(|r| r.rate)
                        }))
                        .collect()
                })
                .collect();
            h.push_str(&html_table(&self.roll_grid(), Some(&shade)));
            let _ = writeln!(h, "<h3>Cures</h3>");
            h.push_str(&html_table(&self.cure_grid(), None));
            let _ = writeln!(
                h,
                "<h3>Collection effectiveness index</h3>\n<p>(beginning + new debts - ending total) / (beginning + new debts - ending current) x 100 (Credit Guru, Collection Effectiveness Index).</p>"
            );
            h.push_str(&html_table(&self.cei_grid(), None));
        }
        h.push_str("</body></html>\n");
        h
    }

    fn currencies(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.aging {
            if !out.contains(&r.currency) {
                out.push(r.currency.clone());
            }
        }
        out
    }

    fn aging_tables(&self) -> [(&'static str, &Vec<AgingRow>); 3] {
        [
            ("Aging by currency", &self.aging),
            ("Aging by segment", &self.aging_by_segment),
            ("Aging by jurisdiction", &self.aging_by_jurisdiction),
        ]
    }

    fn status_grid(&self) -> Vec<Vec<String>> {
        let (p, l) = (&self.promises, &self.plans);
        vec![
            vec![
                "".into(),
                "kept / active".into(),
                "broken / behind".into(),
                "pending / completed".into(),
            ],
            vec![
                "promises".into(),
                p.kept.to_string(),
                p.broken.to_string(),
                p.pending.to_string(),
            ],
            vec![
                "plans".into(),
                l.active.to_string(),
                l.behind.to_string(),
                l.completed.to_string(),
            ],
        ]
    }

    fn contacts_grid(&self) -> Vec<Vec<String>> {
        let mut g = vec![vec!["channel".to_string(), "contacts".to_string()]];
        for c in &self.contacts_last_30_days {
            g.push(vec![c.channel.as_str().to_string(), c.contacts.to_string()]);
        }
        g
    }

    fn blocks_grid(&self) -> Vec<Vec<String>> {
        let mut g = vec![vec![
            "rule".to_string(),
            "candidates".to_string(),
            "cases".to_string(),
            "citation".to_string(),
        ]];
        for b in &self.compliance_blocks {
            g.push(vec![
                b.rule.clone(),
                b.candidates.to_string(),
                b.cases.to_string(),
                b.citation.clone(),
            ]);
        }
        g
    }

    fn roll_grid(&self) -> Vec<Vec<String>> {
        let Some(c) = &self.comparison else {
            return Vec::new();
        };
        let mut g = vec![std::iter::once("from \\ to".to_string())
            .chain(RollState::ALL.iter().map(|s| s.as_str().to_string()))
            .collect::<Vec<_>>()];
        for from in Bucket::ALL {
            let mut line = vec![from.as_str().to_string()];
            for to in RollState::ALL {
                let cell = c.roll_rates.iter().find(|r| r.from == from && r.to == to);
                line.push(cell.map_or(String::new(), |r| match r.rate {
                    Some(rate) => format!("{} ({}%)", r.debts, rate),
                    None => r.debts.to_string(),
                }));
            }
            g.push(line);
        }
        g
    }

    fn cure_grid(&self) -> Vec<Vec<String>> {
        let Some(c) = &self.comparison else {
            return Vec::new();
        };
        let mut g = vec![vec![
            "from".to_string(),
            "delinquent".to_string(),
            "cured".to_string(),
            "rate %".to_string(),
        ]];
        for r in &c.cures {
            g.push(vec![
                r.from.map_or("all", Bucket::as_str).to_string(),
                r.delinquent.to_string(),
                r.cured.to_string(),
                opt(r.rate),
            ]);
        }
        g
    }

    fn cei_grid(&self) -> Vec<Vec<String>> {
        let Some(c) = &self.comparison else {
            return Vec::new();
        };
        let mut g = vec![[
            "currency",
            "beginning",
            "new debts",
            "ending total",
            "ending current",
            "left",
            "CEI %",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()];
        for r in &c.cei {
            g.push(vec![
                r.currency.clone(),
                r.beginning.to_string(),
                r.new_debts.to_string(),
                r.ending_total.to_string(),
                r.ending_current.to_string(),
                r.left.to_string(),
                opt(r.cei),
            ]);
        }
        g
    }
}

/// An aging table: one line per (group, currency), a debts/amount pair per bucket.
fn aging_grid(rows: &[AgingRow]) -> Vec<Vec<String>> {
    let grouped = rows.first().is_some_and(|r| r.group.is_some());
    let mut head = Vec::new();
    if grouped {
        head.push("group".to_string());
    }
    head.push("currency".to_string());
    for b in Bucket::ALL {
        head.push(format!("{} n", b.as_str()));
        head.push(format!("{} amount", b.as_str()));
    }
    let mut g = vec![head];
    for chunk in rows.chunks(Bucket::ALL.len()) {
        let Some(first) = chunk.first() else { continue };
        let mut line = Vec::new();
        if grouped {
            line.push(first.group.clone().unwrap_or_default());
        }
        line.push(first.currency.clone());
        for r in chunk {
            line.push(r.debts.to_string());
            line.push(r.amount.to_string());
        }
        g.push(line);
    }
    g
}

fn opt(d: Option<Decimal>) -> String {
    d.map_or(String::new(), |d| d.to_string())
}

/// A CSV cell: quoted (quotes doubled) when it holds a comma, a quote or a line break.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Columns padded to their widest cell; the first left-aligned, the rest right-aligned.
fn text_table(g: &[Vec<String>]) -> String {
    let cols = g.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|i| {
            g.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in g {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            if i == 0 {
                let _ = write!(line, "{cell:<w$}");
            } else {
                let _ = write!(line, "  {cell:>w$}");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An HTML table, the first row as the header; `shade` (same shape) gives a percent
/// per cell that sets its background.
fn html_table(g: &[Vec<String>], shade: Option<&[Vec<Option<Decimal>>]>) -> String {
    let mut h = String::from("<table>\n");
    for (i, row) in g.iter().enumerate() {
        h.push_str("<tr>");
        for (j, cell) in row.iter().enumerate() {
            if i == 0 {
                let _ = write!(h, "<th>{}</th>", esc(cell));
                continue;
            }
            let pct = shade
                .and_then(|s| s.get(i - 1))
                .and_then(|r| r.get(j))
                .copied()
                .flatten();
            match pct {
                // Alpha 0.05..0.85 by the share, in whole hundredths.
                Some(p) => {
                    let alpha = (p * Decimal::new(8, 3) + Decimal::new(5, 2))
                        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                    let _ = write!(
                        h,
                        "<td style=\"background:rgba(37,99,235,{alpha})\">{}</td>",
                        esc(cell)
                    );
                }
                None => {
                    let _ = write!(h, "<td>{}</td>", esc(cell));
                }
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
    h
}

/// A horizontal bar chart as inline SVG (no namespace URL: HTML5 needs none). Bar
/// lengths are computed in exact decimals and rounded to a tenth of a pixel.
fn bar_chart(title: &str, bars: &[(String, Decimal, String)]) -> String {
    let (label_w, bar_w, row_h) = (90, 480, 24);
    let height = 30 + row_h * bars.len();
    let max = bars
        .iter()
        .map(|b| b.1)
        .fold(Decimal::ZERO, |m, v| m.max(v));
    let mut s = format!(
        "<figure><svg width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\" role=\"img\" aria-label=\"{t}\" font-family=\"sans-serif\" font-size=\"12\">\n<text x=\"0\" y=\"16\" font-weight=\"bold\">{t}</text>\n",
        w = label_w + bar_w + 200,
        t = esc(title)
    );
    for (i, (label, value, text)) in bars.iter().enumerate() {
        let y = 26 + row_h * i;
        let len = if max > Decimal::ZERO {
            value
                .checked_mul(Decimal::from(bar_w))
                .and_then(|v| v.checked_div(max))
                .unwrap_or_default()
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        } else {
            Decimal::ZERO
        };
        let _ = writeln!(
            s,
            "<text x=\"0\" y=\"{ty}\">{l}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{len}\" height=\"{bh}\" fill=\"#2563eb\"/><text x=\"{tx}\" y=\"{ty}\">{v}</text>",
            ty = y + 14,
            l = esc(label),
            bh = row_h - 6,
            tx = Decimal::from(label_w + 6) + len,
            v = esc(text)
        );
    }
    s.push_str("</svg></figure>\n");
    s
}

fn errors_html(h: &mut String, errors: &[super::RowError], what: &str) {
    if errors.is_empty() {
        return;
    }
    h.push_str("<ul class=\"err\">\n");
    for e in errors {
        let _ = writeln!(
            h,
            "<li>{what} {}: {}</li>",
            e.index,
            esc(&e.error.to_string())
        );
    }
    h.push_str("</ul>\n");
}
