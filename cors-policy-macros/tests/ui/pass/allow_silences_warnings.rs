// `allow NAME` silences a warning: under `deny(warnings)` this only compiles
// when the macro emits nothing for the lowercase method.
#![deny(warnings)]

use cors_policy::cors_policy;

fn main() {
    let engine = cors_policy! {
        policy "api" {
            origins "https://app.example.com"
            methods GET, patch
            allow lowercase-method
        }
    };
    assert_eq!(engine.policies().len(), 1);
}
