use cors_policy::cors_policy;

fn main() {
    let _engine = cors_policy! {
        policy "previews" {
            origins regex r"^https://pr-[0-9+\.example\.dev$"
        }
    };
}
