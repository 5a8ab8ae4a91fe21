//! A small SVG chart: collected amount over time, one line per policy.

use super::SimulationResult;
use rust_decimal::prelude::ToPrimitive;

const COLORS: [&str; 6] = [
    "#1f6feb", "#d4531f", "#2da44e", "#8250df", "#bf8700", "#cf222e",
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Cumulative amount collected per day, per policy, as a standalone SVG document.
/// (Plotting coordinates are the only place floating point is used; every figure the
/// chart labels is formatted from the exact decimals.)
pub fn svg_collected(r: &SimulationResult) -> String {
    let (w, h, left, right, top, bottom) = (900.0_f64, 420.0_f64, 90.0, 20.0, 40.0, 50.0);
    let days = r.settings.days.max(1) as f64;
    let max = r
        .arms
        .iter()
        .flat_map(|a| a.series.iter().map(|d| d.collected_cumulative))
        .max()
        .unwrap_or_default();
    let maxf = max.to_f64().unwrap_or(0.0).max(1.0);
    let x = |day: f64| left + (w - left - right) * day / days;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / maxf);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{left}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Collected over time ({})</text>\n",
        esc(&r.settings.response.report_currency)
    );
    for i in 0..=4 {
        let v = maxf * f64::from(i) / 4.0;
        let label = rust_decimal::Decimal::from_f64_retain(v)
            .map(|d| d.round_dp(0).to_string())
            .unwrap_or_default();
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e5e7eb\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>\n",
            w - right,
            left - 6.0,
            y(v) + 4.0,
            y = y(v)
        ));
    }
    let step = (days / 6.0).ceil().max(1.0) as u32;
    let mut d = 0;
    while f64::from(d) <= days {
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">day {d}</text>\n",
            x(f64::from(d)),
            h - bottom + 18.0
        ));
        d += step;
    }
    svg.push_str(&format!(
        "<line x1=\"{left}\" x2=\"{left}\" y1=\"{top}\" y2=\"{}\" stroke=\"#6b7280\"/><line x1=\"{left}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#6b7280\"/>\n",
        h - bottom,
        w - right,
        h - bottom,
        h - bottom
    ));
    for (i, a) in r.arms.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let mut points = format!("{:.1},{:.1}", x(0.0), y(0.0));
        for day in &a.series {
            let v = day.collected_cumulative.to_f64().unwrap_or(0.0);
            points.push_str(&format!(" {:.1},{:.1}", x(f64::from(day.day) + 1.0), y(v)));
        }
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"/>\n\
             <rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{}\" y=\"{}\">{} ({}): {}</text>\n",
            left + 10.0,
            top + 8.0 + 18.0 * i as f64,
            left + 28.0,
            top + 18.0 + 18.0 * i as f64,
            esc(&a.role),
            esc(&a.policy),
            a.kpis.collected.round_dp(2)
        ));
    }
    svg.push_str("</svg>\n");
    svg
}
