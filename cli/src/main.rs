//! The `sipcert` command-line tool.
fn main() {}
