use cors_policy::cors_policy;

fn main() {
    let _engine = cors_policy! {
        policy "api" {
            orgins "https://app.example.com"
        }
    };
}
