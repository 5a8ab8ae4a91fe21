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

/// Cumulative amount collected per day, per policy, as a standalone SVG document;
/// with replications, each policy's 95% band around its line. (Plotting coordinates
/// are the only place floating point is used; every figure the chart labels is
/// formatted from the exact decimals.)
pub fn svg_collected(r: &SimulationResult) -> String {
    let (w, h, left, right, top, bottom) = (900.0_f64, 420.0_f64, 90.0, 20.0, 40.0, 50.0);
    let days = r.settings.days.max(1) as f64;
    let bands = r
        .uncertainty
        .as_ref()
        .map(|u| u.arms.as_slice())
        .unwrap_or_default();
    let bands_n = r.uncertainty.as_ref().map(|u| u.replications).unwrap_or(0);
    let max = r
        .arms
        .iter()
        .flat_map(|a| a.series.iter().map(|d| d.collected_cumulative))
        .chain(
            bands
                .iter()
                .flat_map(|a| a.collected_band.iter().map(|b| b.interval.hi)),
        )
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
    for (i, a) in bands.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let f = |d: rust_decimal::Decimal| d.to_f64().unwrap_or(0.0);
        let mut points = format!("{:.1},{:.1}", x(0.0), y(0.0));
        for b in &a.collected_band {
            points.push_str(&format!(
                " {:.1},{:.1}",
                x(f64::from(b.day) + 1.0),
                y(f(b.interval.hi))
            ));
        }
        for b in a.collected_band.iter().rev() {
            points.push_str(&format!(
                " {:.1},{:.1}",
                x(f64::from(b.day) + 1.0),
                y(f(b.interval.lo))
            ));
        }
        svg.push_str(&format!(
            "<polygon class=\"band\" fill=\"{color}\" fill-opacity=\"0.18\" stroke=\"none\" points=\"{points}\"><title>{} 95% band over {} replications</title></polygon>\n",
            esc(&a.role),
            bands_n
        ));
    }
    for (i, a) in r.arms.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let mut points = format!("{:.1},{:.1}", x(0.0), y(0.0));
        // With replications the line is the mean over them, inside its band.
        let (line, label): (Vec<(u32, rust_decimal::Decimal)>, String) = match bands.get(i) {
            Some(b) => (
                b.collected_band
                    .iter()
                    .map(|d| (d.day, d.interval.estimate))
                    .collect(),
                b.collected_band
                    .last()
                    .map(|d| {
                        format!(
                            "{} [{}, {}], mean of {} replications",
                            d.interval.estimate.round_dp(2),
                            d.interval.lo.round_dp(2),
                            d.interval.hi.round_dp(2),
                            bands_n
                        )
                    })
                    .unwrap_or_default(),
            ),
            None => (
                a.series
                    .iter()
                    .map(|d| (d.day, d.collected_cumulative))
                    .collect(),
                a.kpis.collected.round_dp(2).to_string(),
            ),
        };
        for (day, v) in line {
            let v = v.to_f64().unwrap_or(0.0);
            points.push_str(&format!(" {:.1},{:.1}", x(f64::from(day) + 1.0), y(v)));
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
            label
        ));
    }
    svg.push_str("</svg>\n");
    svg
}
