// Warnings reach the user as deprecation warnings on the offending token
// (stable Rust has no other way); `deny(warnings)` turns them into errors.
#![deny(warnings)]

use cors_policy::cors_policy;

fn main() {
    let _engine = cors_policy! {
        policy "api" {
            origins "https://app.example.com"
            methods GET, patch
            headers x-request-id, accept-language
        }
    };
}
