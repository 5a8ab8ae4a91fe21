//! Statistics of simulations and experiments: confidence intervals, the difference of
//! two policies with a verdict, the sample size of a live test, and an always-valid
//! sequential test.
//!
//! Estimates are statistics, not money: they are computed in `f64`, every function
//! beyond `+ - * / sqrt` (`erfc`, `lgamma`, `ln`, `exp`) comes from the pure-Rust
//! `libm`, so the same inputs give the same bits on every host (no platform math
//! library, no fused multiply-add), and they are reported as decimals rounded to
//! [`DP`] places. The amounts they are computed from stay exact decimals.
//!
//! Sources of the formulas, beside each function:
//! - Student's t and normal quantiles: inverted by bisection from the CDFs
//!   (Abramowitz & Stegun 26.2.2, 26.5.27 and 26.7.1).
//! - Welch's interval: B. L. Welch (1947), "The generalization of Student's problem
//!   when several different population variances are involved", Biometrika 34.
//! - Sample sizes: the normal approximation for two independent means and two
//!   proportions (Chow, Shao & Wang, *Sample Size Calculations in Clinical Research*,
//!   3.2 and 4.2).
//! - The sequential test: the normal-mixture sequential probability ratio test
//!   (mSPRT) of Johari, Koomen, Pekelis & Walsh (2022), "Always Valid Inference:
//!   Continuous Monitoring of A/B Tests", Operations Research 70(3), with its
//!   confidence sequence.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Decimal places of every reported estimate.
pub const DP: u32 = 6;

/// The confidence level of every interval: 95%.
pub const CONFIDENCE: f64 = 0.95;

/// `x` as a decimal rounded to [`DP`] places (0 for a value that is not finite or does
/// not fit a decimal; callers only pass finite values of sane size).
pub(crate) fn dec(x: f64) -> Decimal {
    if !x.is_finite() {
        return Decimal::ZERO;
    }
    Decimal::from_f64_retain(x)
        .map(|d| d.round_dp(DP).normalize())
        .unwrap_or(Decimal::ZERO)
}

/// A decimal as `f64` (exact decimals of up to 15 significant digits come back exactly;
/// more are rounded to the nearest `f64`).
pub(crate) fn float(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(0.0)
}

/// The standard normal CDF, `Φ(x) = erfc(-x/√2)/2` (A&S 26.2.2).
pub fn norm_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Find `x` in `[lo, hi]` with `cdf(x) = p` for an increasing `cdf`, by bisection to
/// the last bit (at most 200 halvings).
fn invert(cdf: impl Fn(f64) -> f64, p: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The standard normal quantile: `x` with `Φ(x) = p`, for `0 < p < 1` (NaN outside).
pub fn norm_quantile(p: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    invert(norm_cdf, p, -40.0, 40.0)
}

/// `ln B(a, b)`.
fn ln_beta(a: f64, b: f64) -> f64 {
    libm::lgamma(a) + libm::lgamma(b) - libm::lgamma(a + b)
}

/// The continued fraction of the incomplete beta function (modified Lentz; A&S
/// 26.5.8, as in Numerical Recipes' `betacf`).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=500 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// The regularized incomplete beta function `I_x(a, b)` (A&S 26.5.1).
fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = libm::exp(a * libm::log(x) + b * libm::log(1.0 - x) - ln_beta(a, b));
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// Student's t CDF with `df > 0` degrees of freedom (any real `df`, as Welch's test
/// needs): `P(T ≤ t)`, from `I_{df/(df+t²)}(df/2, 1/2)` (A&S 26.7.1).
pub fn t_cdf(t: f64, df: f64) -> f64 {
    if df.is_nan() || df <= 0.0 || t.is_nan() {
        return f64::NAN;
    }
    let tail = 0.5 * beta_inc(0.5 * df, 0.5, df / (df + t * t));
    if t > 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// Student's t quantile: `t` with `P(T ≤ t) = p`, for `0 < p < 1` and `df > 0` (NaN
/// otherwise). Above 10^7 degrees of freedom it is the normal quantile (they differ
/// by less than 10^-7 there, and the incomplete beta loses precision beyond).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0 && df > 0.0) {
        return f64::NAN;
    }
    if df > 1e7 {
        return norm_quantile(p);
    }
    // Widen the bracket until it holds the quantile (df = 1, p = 0.9995 is 636.6).
    let mut hi = 8.0_f64;
    while t_cdf(hi, df) < p && hi < 1e12 {
        hi *= 8.0;
    }
    let mut lo = -8.0_f64;
    while t_cdf(lo, df) > p && lo > -1e12 {
        lo *= 8.0;
    }
    invert(|x| t_cdf(x, df), p, lo, hi)
}

/// How many values, their mean and their sample variance (divisor `n - 1`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Moments {
    /// Number of values.
    pub n: f64,
    /// Their mean.
    pub mean: f64,
    /// Their sample variance (0 for fewer than two values).
    pub var: f64,
}

impl Moments {
    /// The moments of some values, in two passes (mean, then squared deviations).
    pub fn of(xs: &[f64]) -> Moments {
        let n = xs.len() as f64;
        if xs.is_empty() {
            return Moments::default();
        }
        let mean = xs.iter().sum::<f64>() / n;
        let var = if xs.len() > 1 {
            xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        Moments { n, mean, var }
    }

    /// The moments from a count, a sum and a sum of squares (one pass; for totals
    /// gathered elsewhere).
    pub fn from_sums(n: f64, sum: f64, sum_sq: f64) -> Moments {
        if n <= 0.0 {
            return Moments::default();
        }
        let mean = sum / n;
        let var = if n > 1.0 {
            ((sum_sq - n * mean * mean) / (n - 1.0)).max(0.0)
        } else {
            0.0
        };
        Moments { n, mean, var }
    }
}

/// An estimate with its 95% confidence interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Interval {
    /// The estimate.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub estimate: Decimal,
    /// Lower bound of the 95% interval.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub lo: Decimal,
    /// Upper bound of the 95% interval.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub hi: Decimal,
}

impl Interval {
    fn new(estimate: f64, half: f64) -> Interval {
        Interval {
            estimate: dec(estimate),
            lo: dec(estimate - half),
            hi: dec(estimate + half),
        }
    }

    /// Whether the interval lies wholly above zero.
    pub fn above_zero(&self) -> bool {
        self.lo > Decimal::ZERO
    }

    /// Whether the interval lies wholly below zero.
    pub fn below_zero(&self) -> bool {
        self.hi < Decimal::ZERO
    }
}

/// The 95% t interval of a mean from its moments (`df = n - 1`; with one value the
/// interval is the value itself, with no width).
pub fn mean_interval(m: &Moments) -> Interval {
    if m.n < 2.0 {
        return Interval::new(m.mean, 0.0);
    }
    let t = t_quantile(0.5 + CONFIDENCE / 2.0, m.n - 1.0);
    Interval::new(m.mean, t * (m.var / m.n).sqrt())
}

/// Welch's 95% interval of `mean(b) - mean(a)` for two independent samples, and its
/// degrees of freedom (Welch–Satterthwaite). Both samples need two values or more;
/// with no variance in either the interval has no width.
pub fn welch_interval(a: &Moments, b: &Moments) -> (Interval, f64) {
    let diff = b.mean - a.mean;
    let (va, vb) = (a.var / a.n.max(1.0), b.var / b.n.max(1.0));
    let v = va + vb;
    if v.is_nan() || v <= 0.0 || a.n < 2.0 || b.n < 2.0 {
        return (Interval::new(diff, 0.0), f64::INFINITY);
    }
    let df = v * v / (va * va / (a.n - 1.0) + vb * vb / (b.n - 1.0));
    let t = t_quantile(0.5 + CONFIDENCE / 2.0, df);
    (Interval::new(diff, t * v.sqrt()), df)
}

/// What a difference says, at 95%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The interval excludes zero on the side where the KPI is better.
    Better,
    /// The interval excludes zero on the side where the KPI is worse.
    Worse,
    /// The interval lies above zero, for a KPI that is neither better nor worse higher.
    Higher,
    /// The interval lies below zero, for a KPI that is neither better nor worse lower.
    Lower,
    /// The interval holds zero: not distinguishable at 95%.
    NotDistinguishable,
}

/// Which way a KPI is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// More is better (collected, cured).
    Higher,
    /// Less is better (cost, days to payment, compliance blocks).
    Lower,
    /// Neither (contacts per case, charges booked).
    Neither,
}

/// The verdict of a difference (challenger minus champion) for a KPI that is `better`.
pub fn verdict(diff: &Interval, better: Better) -> Verdict {
    let up = diff.above_zero();
    let down = diff.below_zero();
    match (better, up, down) {
        (_, false, false) | (_, true, true) => Verdict::NotDistinguishable,
        (Better::Higher, true, _) | (Better::Lower, _, true) => Verdict::Better,
        (Better::Higher, _, true) | (Better::Lower, true, _) => Verdict::Worse,
        (Better::Neither, true, _) => Verdict::Higher,
        (Better::Neither, _, true) => Verdict::Lower,
    }
}

/// Cases a two-sided test of a difference `delta` needs in all, when the arms take
/// shares `w0` and `w1` of the cases and their values have variances `v0` and `v1`:
/// `N = (z₁₋α/₂ + z_power)² · (v0/w0 + v1/w1) / δ²` (the normal approximation; Chow,
/// Shao & Wang, *Sample Size Calculations in Clinical Research*, 3.2.1 and 4.2.1).
/// `None` when a share or the difference is zero or a figure is not finite.
pub fn cases_needed(
    v0: f64,
    v1: f64,
    w0: f64,
    w1: f64,
    delta: f64,
    alpha: f64,
    power: f64,
) -> Option<f64> {
    if w0 <= 0.0 || w1 <= 0.0 || delta == 0.0 {
        return None;
    }
    if v0 <= 0.0 && v1 <= 0.0 {
        // No spread at all: any difference shows at the smallest size.
        return Some(4.0);
    }
    let z = norm_quantile(1.0 - alpha / 2.0) + norm_quantile(power);
    let n = z * z * (v0 / w0 + v1 / w1) / (delta * delta);
    (n.is_finite() && n > 0.0).then_some(n)
}

/// Cases per arm a two-sided 50/50 test of two means with standard deviation `sd`
/// needs to detect `delta`: `n = (z₁₋α/₂ + z_power)² · 2σ² / δ²`, rounded up (Chow,
/// Shao & Wang 3.2.1). `None` when the difference is zero or the size is beyond 10^15.
pub fn sample_size_means(sd: f64, delta: f64, alpha: f64, power: f64) -> Option<u64> {
    let n = cases_needed(sd * sd, sd * sd, 0.5, 0.5, delta, alpha, power)?;
    ceil_count(n / 2.0)
}

/// Cases per arm a two-sided 50/50 test of two proportions `p1`, `p2` (fractions in
/// `0..1`) needs: `n = (z₁₋α/₂ + z_power)² · (p₁q₁ + p₂q₂) / (p₁ - p₂)²`, rounded up
/// (Chow, Shao & Wang 4.2.1, the unpooled form).
pub fn sample_size_proportions(p1: f64, p2: f64, alpha: f64, power: f64) -> Option<u64> {
    let n = cases_needed(
        p1 * (1.0 - p1),
        p2 * (1.0 - p2),
        0.5,
        0.5,
        p2 - p1,
        alpha,
        power,
    )?;
    ceil_count(n / 2.0)
}

/// A size rounded up to a whole number of cases, at least 2; `None` beyond 10^15 or
/// for a size that is not a finite positive number.
pub(crate) fn ceil_count(n: f64) -> Option<u64> {
    if !n.is_finite() || n <= 0.0 || n > 1e15 {
        return None;
    }
    // A product that lands a hair above an integer from rounding is that integer.
    let r = n.round();
    let n = if (n - r).abs() < 1e-9 { r } else { n.ceil() };
    Some(n.max(2.0) as u64)
}

/// The normal-mixture sequential test (mSPRT) of a difference `δ̂` whose variance is
/// `v` (`σ²_a/n_a + σ²_b/n_b`), with mixing variance `τ²` (Johari et al. 2022, eq. 4,
/// for a normal estimate): `Λ = √(v/(v+τ²)) · exp(τ²δ̂² / (2v(v+τ²)))`. Returns the
/// p-value of this look, `min(1, 1/Λ)`, and the 95% interval of this look, `δ̂ ±
/// √(v(v+τ²)/τ² · (ln((v+τ²)/v) + 2 ln(1/α)))`: the set of differences the test
/// does not reject. With a known `v`, looking at the data after every case does not
/// raise the chance of a false win above α = 5% (the running minimum of the p-values
/// and the intersection of the intervals stay valid); with `v` estimated from the
/// data it holds approximately, once each arm has enough cases.
pub fn msprt(delta: f64, v: f64, tau2: f64) -> (f64, Interval) {
    if !(v > 0.0 && tau2 > 0.0) {
        return (1.0, Interval::new(delta, 0.0));
    }
    let alpha = 1.0 - CONFIDENCE;
    let ln_lambda = 0.5 * libm::log(v / (v + tau2)) + tau2 * delta * delta / (2.0 * v * (v + tau2));
    let p = libm::exp(-ln_lambda).min(1.0);
    let half =
        (v * (v + tau2) / tau2 * (libm::log((v + tau2) / v) + 2.0 * libm::log(1.0 / alpha))).sqrt();
    (p, Interval::new(delta, half))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_the_printed_tables() {
        // A&S Table 26.1 / 26.10 (z and t at 0.975), to the printed digits.
        assert!((norm_quantile(0.975) - 1.959_963_985).abs() < 1e-9);
        assert!((norm_quantile(0.8) - 0.841_621_234).abs() < 1e-9);
        for (df, t) in [
            (1.0, 12.706_205),
            (2.0, 4.302_653),
            (9.0, 2.262_157),
            (30.0, 2.042_272),
        ] {
            assert!((t_quantile(0.975, df) - t).abs() < 1e-6, "df {df}");
        }
        assert!(norm_quantile(0.0).is_nan() && t_quantile(1.0, 3.0).is_nan());
    }

    #[test]
    fn verdicts_follow_the_better_side() {
        let up = Interval::new(2.0, 1.0);
        let down = Interval::new(-2.0, 1.0);
        let zero = Interval::new(0.5, 1.0);
        assert_eq!(verdict(&up, Better::Higher), Verdict::Better);
        assert_eq!(verdict(&up, Better::Lower), Verdict::Worse);
        assert_eq!(verdict(&down, Better::Lower), Verdict::Better);
        assert_eq!(verdict(&down, Better::Neither), Verdict::Lower);
        assert_eq!(verdict(&zero, Better::Higher), Verdict::NotDistinguishable);
    }
}
