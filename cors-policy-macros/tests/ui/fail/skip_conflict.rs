use cors_policy::cors_policy;

fn main() {
    let _engine = cors_policy! {
        policy "webhooks" {
            paths "/hooks/**"
            skip
            max-age 10m
        }
        policy "api" {
            origins "https://app.example.com"
        }
    };
}
