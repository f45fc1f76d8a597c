//! `check_method` held to the method's checks in their reading order.

use super::*;

/// `check_method` against the checks in their reading order
/// (`method_checks`, the list looked up last), on every kind of
/// `methods` and every kind of requested method.
#[test]
fn looking_the_list_up_first_changes_no_method_outcome() {
    let policies = [
        r#"policy "list" { origins "https://a.example" methods PUT, GET, PATCH, patch }"#,
        r#"policy "credentials" { origins "https://a.example" methods DELETE, POST credentials }"#,
        r#"policy "any" { origins "https://a.example" methods * }"#,
        r#"policy "any, credentials" { origins "https://a.example" methods *, PUT credentials }"#,
        r#"policy "none" { origins "https://a.example" }"#,
    ];
    let methods: [&[u8]; 17] = [
        b"GET",
        b"get",
        b"HEAD",
        b"POST",
        b"PUT",
        b"put",
        b"PATCH",
        b"patch",
        b"DELETE",
        b"TRACE",
        b"trace",
        b"CONNECT",
        b"*",
        b"",
        b"P T",
        b"X-CUSTOM",
        b"OPTIONS",
    ];
    let mut compared = 0;
    for text in policies {
        let engine: Engine = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        for policy in engine.compiled() {
            for method in methods {
                assert_eq!(
                    check_method(policy, method),
                    method_checks(policy, method, false),
                    "{text}: {}",
                    String::from_utf8_lossy(method)
                );
                compared += 1;
            }
        }
    }
    assert_eq!(compared, policies.len() * methods.len());
}
