//! Statutory fixed sums, fee bands and caps.

use super::Rounding;
use rust_decimal::Decimal;

fn dec(n: i64, scale: u32) -> Decimal {
    Decimal::new(n, scale)
}

/// UK Late Payment of Commercial Debts (Interest) Act 1998 s.5A fixed sum, in GBP:
/// 40 below 1,000; 70 below 10,000; 100 from 10,000.
pub fn uk_fixed_sum(debt: Decimal) -> Decimal {
    if debt < Decimal::from(1_000) {
        Decimal::from(40)
    } else if debt < Decimal::from(10_000) {
        Decimal::from(70)
    } else {
        Decimal::from(100)
    }
}

/// EU Late Payment Directive 2011/7/EU art. 6: EUR 40 per late payment.
pub fn eu_compensation() -> Decimal {
    Decimal::from(40)
}

/// Chile, Ley 19.496 art. 37: the most a creditor may charge for extrajudicial
/// collection of `overdue` CLP, with the UF at `uf` CLP, after `days_late` days:
/// 9% up to 10 UF, 6% on the part from 10 to 50 UF, 3% above 50 UF; nothing in the
/// first 20 days; 0.2 UF less when the free early notice (gestión útil) was not sent.
/// Rounded half-up to whole pesos.
pub fn cl_collection_fee(
    overdue: Decimal,
    uf: Decimal,
    days_late: i64,
    early_notice: bool,
) -> Decimal {
    if days_late <= 20 || overdue <= Decimal::ZERO || uf <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let ten = uf * Decimal::from(10);
    let fifty = uf * Decimal::from(50);
    let band1 = overdue.min(ten);
    let band2 = (overdue.min(fifty) - ten).max(Decimal::ZERO);
    let band3 = (overdue - fifty).max(Decimal::ZERO);
    let mut fee = band1 * dec(9, 2) + band2 * dec(6, 2) + band3 * dec(3, 2);
    if !early_notice {
        fee -= uf * dec(2, 1);
    }
    Rounding::HalfUp.round(fee.max(Decimal::ZERO), 0)
}

/// Colombia: the usury cap is 1.5 times the certified bank rate (both effective annual,
/// in percent), rounded half-up to two decimals (19.33 -> 29.00).
pub fn co_usury_cap(certified_rate: Decimal) -> Decimal {
    Rounding::HalfUp.round(certified_rate * dec(15, 1), 2)
}

/// Brazil, CDC art. 52 §1: a late fine of at most 2% of the installment.
pub fn br_fine_cap(installment: Decimal) -> Decimal {
    installment * dec(2, 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn uk_fixed_sums() {
        let got: Vec<String> = ["999.99", "1000.00", "9999.99", "10000.00"]
            .iter()
            .map(|a| uk_fixed_sum(d(a)).to_string())
            .collect();
        assert_eq!(got, ["40", "70", "70", "100"]);
    }

    #[test]
    fn chile_sernac_example() {
        // Overdue CLP 100.000 with UF 27.205,11: at most CLP 9.000; CLP 3.559 without the notice.
        assert_eq!(
            cl_collection_fee(d("100000"), d("27205.11"), 30, true),
            d("9000")
        );
        assert_eq!(
            cl_collection_fee(d("100000"), d("27205.11"), 30, false),
            d("3559")
        );
        assert_eq!(
            cl_collection_fee(d("100000"), d("27205.11"), 20, true),
            Decimal::ZERO
        );
        // Progressive: 60 UF overdue = 10 UF at 9% + 40 UF at 6% + 10 UF at 3% = 3.6 UF.
        assert_eq!(cl_collection_fee(d("60"), Decimal::ONE, 30, true), d("4"));
        assert_eq!(
            cl_collection_fee(d("60000"), d("1000"), 30, true),
            d("3600")
        );
    }

    #[test]
    fn colombia_usury() {
        assert_eq!(co_usury_cap(d("19.33")).to_string(), "29.00");
        assert_eq!(co_usury_cap(d("17.08")).to_string(), "25.62");
    }

    #[test]
    fn brazil_fine_cap() {
        assert_eq!(br_fine_cap(d("500")).to_string(), "10.00");
    }
}
