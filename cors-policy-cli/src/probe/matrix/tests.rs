//! The matrix of small policies, row by row, and the look-alike classes.

use super::*;

/// One request: method, origin, request method, request headers (and
/// `+pna` for `Access-Control-Request-Private-Network: true`).
type Row = (String, String, String, String);

/// The matrix of the first policy of `text`, and its notes.
fn matrix(text: &str) -> (Vec<Row>, Vec<String>) {
    let engine: Engine = text.parse().unwrap();
    let policy = engine.policies().first().unwrap().clone();
    let plan = plan(&Inputs {
        engine: &engine,
        policy: &policy,
        path: "/x",
        error_path: None,
        given: &[],
        extra: &[],
    });
    let rows = plan
        .probes
        .iter()
        .map(|p| {
            (
                p.method.to_owned(),
                p.origin.clone().unwrap_or_default(),
                p.request_method.clone().unwrap_or_default(),
                p.request_headers.clone().unwrap_or_default()
                    + if p.private_network { "+pna" } else { "" },
            )
        })
        .collect();
    (rows, plan.notes)
}

/// `rows` on one line, `METHOD [REQUEST-METHOD] [REQUEST-HEADERS]` each,
/// with ` from ORIGIN` only where the origin is not `origin` (` from -`
/// for none).
fn flat(rows: &[Row], origin: &str) -> String {
    let one = |(method, from, rm, rh): &Row| {
        let mut words = vec![method.as_str(), rm.as_str(), rh.as_str()];
        words.retain(|w| !w.is_empty());
        let mut line = words.join(" ");
        if from != origin {
            line.push_str(&format!(
                " from {}",
                if from.is_empty() { "-" } else { from }
            ));
        }
        line
    };
    rows.iter().map(one).collect::<Vec<_>>().join("; ")
}

#[test]
fn any_origin_has_no_look_alikes_and_headers_any_spares_authorization() {
    let (rows, notes) = matrix(r#"policy "p" { origins * methods * headers * max-age 1m }"#);
    let any = "https://any-origin.example";
    assert_eq!(
        flat(&rows, any),
        "OPTIONS PUT; OPTIONS DELETE; OPTIONS GET x-cors-policy-probe; \
         OPTIONS GET authorization; OPTIONS PUT +pna; GET; GET from -"
    );
    assert_eq!(
        notes,
        vec!["every method is allowed: no denied method to try".to_owned()]
    );
}

#[test]
fn a_port_wildcard_gets_a_port_and_the_default_methods() {
    let (rows, notes) = matrix(r#"policy "p" { origins "http://localhost:*" }"#);
    let origin = "http://localhost:8080";
    // GET, HEAD and POST (the default `methods`), then PUT denied, then
    // `authorization` denied, then private-network access (GET: no
    // method of the policy needs a preflight); no port look-alike for `:*`.
    assert_eq!(
        flat(rows.get(..7).unwrap(), origin),
        "OPTIONS GET; OPTIONS HEAD; OPTIONS POST; OPTIONS PUT; \
         OPTIONS GET authorization; OPTIONS GET +pna; GET"
    );
    let look_alikes: Vec<&str> = rows
        .iter()
        .skip(7)
        .filter(|r| r.0 == "GET")
        .map(|r| r.1.as_str())
        .collect();
    assert_eq!(
        look_alikes,
        [
            "http://localhost.attacker.example:8080",
            "http://attackerlocalhost:8080",
            "http://Localhost:8080",
            "null",
            "",
        ]
    );
    assert!(
        notes.iter().any(|n| n.contains("no `max-age`")),
        "{notes:?}"
    );
}

#[test]
fn look_alikes_cover_each_class() {
    let allowed = vec![(
        "https://probe.staging.example.com".to_owned(),
        "\"https://*.staging.example.com\"".to_owned(),
    )];
    let got: Vec<(String, &str)> = look_alikes(&allowed)
        .into_iter()
        .map(|(o, class, _)| (o, class.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "https://probe.staging.example.com.attacker.example".to_owned(),
                "suffix"
            ),
            ("https://attackerstaging.example.com".to_owned(), "prefix"),
            (
                "http://probe.staging.example.com".to_owned(),
                "scheme downgrade"
            ),
            ("https://probe.staging.example.com:8443".to_owned(), "port"),
            ("https://Probe.staging.example.com".to_owned(), "case"),
            ("null".to_owned(), "null"),
        ]
    );
}
