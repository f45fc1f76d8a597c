//! `cors-policy eval`: the engine's answer as one JSON object.

use crate::color::ColorChoice;
use crate::{RequestArgs, Status};

/// Runs `eval`.
pub(crate) fn run(args: &RequestArgs, color: ColorChoice) -> Status {
    let _ = (args, color);
    Status::Usage
}
