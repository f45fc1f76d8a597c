// A `skip` policy carves paths out of a wider one: those requests are
// answered as if no policy matched.
use cors_policy::{RequestKind, Reason, Request, cors_policy};

fn main() {
    let engine = cors_policy! {
        policy "webhooks" {
            paths "/api/webhooks/**"
            skip
        }
        policy "api" {
            paths "/api/**"
            origins "https://app.example.com"
        }
    };
    let origin = "https://app.example.com";
    let hook = Request::new("POST", "/api/webhooks/stripe").origin(origin);
    let decision = engine.decide(&hook);
    assert_eq!(decision.kind(), RequestKind::Unhandled);
    assert_eq!(decision.policy(), None);
    assert_eq!(decision.reason(), Reason::Skipped { policy: "webhooks" });
    assert_eq!(decision.headers().count(), 0);

    let api = Request::new("GET", "/api/users").origin(origin);
    assert!(engine.decide(&api).allowed());
}
