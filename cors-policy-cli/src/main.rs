//! The `cors-policy` command.

fn main() {}
