// An unknown escape in a string is an error, as rustc makes it. rustc reports
// it while reading the tokens and still hands them to the macro, whose front
// end reports it too, with the language's advice: two errors, one mistake.
use cors_policy::cors_policy;

fn main() {
    let _engine = cors_policy! {
        policy "api" {
            origins regex "^https://a\.example$"
        }
    };
}
