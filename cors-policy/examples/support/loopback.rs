//! What the example servers share: their policy file, and a client that
//! checks their answers over a loopback socket.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

use cors_policy::Engine;

/// The engine of `examples/policies/api.cors`, its errors naming the file.
pub(crate) fn load() -> Result<Engine, cors_policy::Error> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/policies/api.cors");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.parse::<Engine>()
        .map_err(|e| e.with_path(path.display().to_string()))
}

/// One HTTP/1.1 exchange over a socket: the response's head, lowercase.
fn exchange(addr: SocketAddr, request: &str) -> std::io::Result<String> {
    let mut socket = TcpStream::connect(addr)?;
    write!(socket, "{request}Host: {addr}\r\nConnection: close\r\n\r\n")?;
    let mut response = String::new();
    socket.read_to_string(&mut response)?;
    let head = response.split("\r\n\r\n").next().unwrap_or_default();
    Ok(head.to_ascii_lowercase())
}

/// Sends each request (a request line and headers, each ending in CRLF),
/// prints the response's head, and fails when a head lacks an expected
/// (lowercase) fragment.
pub(crate) fn check<const N: usize>(
    addr: SocketAddr,
    checks: &[(&str, String, [&str; N])],
) -> Result<(), String> {
    for (what, request, expected) in checks {
        let head = exchange(addr, request).map_err(|e| format!("{what}: {e}"))?;
        println!("# {what}\n{head}\n");
        for line in expected {
            if !head.contains(line) {
                return Err(format!("{what}: `{line}` is missing"));
            }
        }
    }
    Ok(())
}
