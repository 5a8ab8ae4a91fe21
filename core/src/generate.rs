//! Seeded synthetic portfolios.
