//! Stub.

/// The product name of Anaplan Connect.
pub const PRODUCT: &str = "anaplan-connect";
