// A diagnostic on a hyphenated name underlines the whole name, all five tokens.
use cors_policy::cors_policy;

fn main() {
    let _engine = cors_policy! {
        policy "api" {
            origins "https://app.example.com"
            headers x-request-id, sec-fetch-mode
        }
    };
}
