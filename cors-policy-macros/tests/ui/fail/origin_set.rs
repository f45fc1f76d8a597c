use cors_policy::cors_policy;

fn main() {
    let _engine = cors_policy! {
        policy "api" {
            origins "https://app.example.com", set "tenants"
            credentials
        }
    };
}
