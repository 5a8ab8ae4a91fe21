//! API reference.
