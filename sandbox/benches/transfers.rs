//! Transfers-per-second benchmark (filled in below).

fn main() {}
