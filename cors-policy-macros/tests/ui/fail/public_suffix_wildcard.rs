use cors_policy::cors_policy;

fn main() {
    let _engine = cors_policy! {
        policy "pages" {
            origins "https://*.github.io"
        }
    };
}
