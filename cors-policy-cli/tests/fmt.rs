//! `cors-policy fmt`: stdout, `--check`, `--write`, and refusing broken files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{assert_contains, run, run_stdin, scratch};

/// A fresh scratch directory `name` with `messy.cors` (the unformatted
/// fixture) and `tidy.cors` (its canonical form).
fn messy_and_tidy(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    std::fs::copy(
        common::fixtures().join("unformatted.cors"),
        dir.join("messy.cors"),
    )
    .unwrap();
    let canonical = run(&["fmt", "unformatted.cors"]).stdout;
    std::fs::write(dir.join("tidy.cors"), &canonical).unwrap();
    dir
}

#[test]
fn prints_the_canonical_form_which_is_a_fixed_point() {
    let r = run(&["fmt", "unformatted.cors"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    insta::assert_snapshot!("fmt_unformatted", r.stdout);
    // formatting the output again changes nothing, and it is still valid
    let again = run_stdin(&["fmt", "-"], r.stdout.as_bytes());
    assert_eq!(again.stdout, r.stdout);
    assert_eq!(run_stdin(&["check", "-"], r.stdout.as_bytes()).code, 0);
}

#[test]
fn check_exits_1_naming_the_files_that_differ() {
    let dir = messy_and_tidy("fmt-check");
    let in_dir = |args: &[&str]| common::finish(common::cmd().current_dir(&dir).args(args));

    let r = in_dir(&["fmt", "--check", "tidy.cors"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let r = in_dir(&["fmt", "--check", "tidy.cors", "messy.cors"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "would reformat `messy.cors`\n");
    // --check never writes
    assert_eq!(
        std::fs::read(dir.join("messy.cors")).unwrap(),
        std::fs::read(common::fixtures().join("unformatted.cors")).unwrap()
    );
}

#[test]
fn write_rewrites_only_changed_files_and_leaves_no_temporary_behind() {
    let dir = messy_and_tidy("fmt-write");
    let canonical = std::fs::read_to_string(dir.join("tidy.cors")).unwrap();
    let tidy_mtime = std::fs::metadata(dir.join("tidy.cors"))
        .unwrap()
        .modified()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));

    let r = common::finish(common::cmd().current_dir(&dir).args([
        "fmt",
        "--write",
        "messy.cors",
        "tidy.cors",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "reformatted `messy.cors`\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("messy.cors")).unwrap(),
        canonical
    );
    assert_eq!(
        std::fs::metadata(dir.join("tidy.cors"))
            .unwrap()
            .modified()
            .unwrap(),
        tidy_mtime,
        "unchanged files are not touched"
    );
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["messy.cors", "tidy.cors"]);
}

#[test]
fn several_files_on_stdout_are_each_introduced_by_a_comment() {
    let r = run(&["fmt", "unformatted.cors", "warnings.cors"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("// unformatted.cors\npolicy \"api\""),
        "{}",
        r.stdout
    );
    assert!(
        // the name comment, then the file's own first comment, kept
        r.stdout.contains(
            "\n\n// warnings.cors\n// warnings.cors — valid, with warnings only\npolicy \"dev\""
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn syntax_errors_are_rendered_and_exit_1() {
    let r = run(&["fmt", "syntax.cors"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout, "",
        "nothing is printed for a file that does not parse"
    );
    assert_contains(&r.stderr, &["syntax.cors:2:"]);
    let r = run(&["fmt", "--check", "syntax.cors"]);
    assert_eq!(r.code, 1);
}

#[test]
fn io_and_usage_errors_exit_2() {
    let r = run(&["fmt", "nope.cors"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: cannot read `nope.cors`: no such file or directory (os error 2)\n"
    );
    assert_eq!(run(&["fmt", "--write", "--check", "warnings.cors"]).code, 2);
    let r = run_stdin(&["fmt", "--write", "-"], b"policy \"p\" { origins * }");
    assert_eq!(r.code, 2);
    assert_contains(&r.stderr, &["standard input"]);
    assert_eq!(run(&["fmt"]).code, 2);
}

#[test]
fn comments_are_kept_by_every_form() {
    let dir = scratch("fmt-comments");
    let commented = "// who may call the API\npolicy   \"api\" { origins \"https://app.example.com\", // the app\n \"https://admin.example.com\" max-age 600 /* ten minutes */ }\n";
    let canonical = "// who may call the API\npolicy \"api\" {\n    // the app\n    origins \"https://app.example.com\", \"https://admin.example.com\"\n    max-age 10m /* ten minutes */\n}\n";
    std::fs::write(dir.join("commented.cors"), commented).unwrap();
    let in_dir = |args: &[&str]| common::finish(common::cmd().current_dir(&dir).args(args));

    let r = in_dir(&["fmt", "commented.cors"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, canonical, "")
    );

    let r = in_dir(&["fmt", "--check", "commented.cors"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "would reformat `commented.cors`\n");

    let r = in_dir(&["fmt", "--write", "commented.cors"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "reformatted `commented.cors`\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("commented.cors")).unwrap(),
        canonical
    );
    let r = in_dir(&["fmt", "--check", "commented.cors"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
}

#[test]
fn a_header_block_set_apart_by_a_blank_line_stays_apart() {
    let header = "// Policies of the example app.\n// Owner: platform team.\n\npolicy \"a\" {\n    origins \"https://a.com\"\n}\n";
    let r = run_stdin(&["fmt", "-"], header.as_bytes());
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, header, "")
    );
    let r = run_stdin(&["fmt", "--check", "-"], header.as_bytes());
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    // Several blank lines (after a commented-out group too) become one.
    let spaced = header
        .replace("team.\n\n", "team.\n\n\n\n")
        .replace("    origins", "    // methods GET\n\n\n    origins");
    let r = run_stdin(&["fmt", "-"], spaced.as_bytes());
    assert_eq!(
        r.stdout,
        header.replace("    origins", "    // methods GET\n\n    origins")
    );
}

#[test]
fn a_commented_out_group_at_the_end_of_a_policy_stays_apart() {
    let text = "policy \"a\" {\n    origins \"https://a.com\"\n\n    // methods GET, POST\n}\n";
    let r = run_stdin(&["fmt", "-"], text.as_bytes());
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, text, "")
    );
    let spaced = text.replace("\n\n    //", "\n\n\n\n    //");
    let r = run_stdin(&["fmt", "-"], spaced.as_bytes());
    assert_eq!(r.stdout, text);
}

#[test]
fn the_bundled_example_is_canonical() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/policies/api.cors");
    let r = run(&["fmt", "--check", example]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    assert!(
        std::fs::read_to_string(example).unwrap().starts_with("//"),
        "the example keeps its comment"
    );
}

#[cfg(unix)]
#[test]
fn write_through_a_symlink_rewrites_its_target() {
    let dir = scratch("fmt-symlink");
    std::fs::write(dir.join("real.cors"), "policy \"p\"{origins *}\n").unwrap();
    std::os::unix::fs::symlink("real.cors", dir.join("link.cors")).unwrap();
    let r = common::finish(
        common::cmd()
            .current_dir(&dir)
            .args(["fmt", "--write", "link.cors"]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::symlink_metadata(dir.join("link.cors"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("real.cors")).unwrap(),
        "policy \"p\" {\n    origins *\n}\n"
    );
}

/// Issue 13, class 12: `--write` replaces the file through a temporary file
/// and a rename (a new inode), keeping its permissions.
#[cfg(unix)]
#[test]
fn write_goes_through_a_rename_and_keeps_the_permissions() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = scratch("fmt-rename");
    let file = dir.join("messy.cors");
    std::fs::copy(common::fixtures().join("unformatted.cors"), &file).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let before = std::fs::metadata(&file).unwrap().ino();
    let r = common::finish(
        common::cmd()
            .current_dir(&dir)
            .args(["fmt", "--write", "messy.cors"]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = std::fs::metadata(&file).unwrap();
    assert_ne!(after.ino(), before, "a new file renamed over the old one");
    assert_eq!(after.permissions().mode() & 0o7777, 0o640);
}

/// Issue 13, class 12: what `--write` cannot rewrite is refused before it is
/// read — a clear error, exit 2, the original untouched, no temporary left.
#[cfg(unix)]
#[test]
fn write_refuses_read_only_files_directories_fifos_and_non_utf8() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("fmt-refuse");
    let messy = std::fs::read(common::fixtures().join("unformatted.cors")).unwrap();

    let read_only = dir.join("read-only.cors");
    std::fs::write(&read_only, &messy).unwrap();
    std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o444)).unwrap();

    std::fs::create_dir(dir.join("a-directory.cors")).unwrap();

    let fifo = dir.join("a-fifo.cors");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());

    let latin1 = dir.join("latin1.cors");
    let mut bytes = b"policy \"caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"\" {   origins * }\n");
    std::fs::write(&latin1, &bytes).unwrap();

    for (name, says) in [
        (
            "read-only.cors",
            "cannot rewrite `read-only.cors`: the file is read-only",
        ),
        (
            "a-directory.cors",
            "cannot rewrite `a-directory.cors`: it is a directory, not a regular file",
        ),
        (
            "a-fifo.cors",
            "cannot rewrite `a-fifo.cors`: it is a FIFO (named pipe), not a regular file",
        ),
        (
            "latin1.cors",
            "cannot format `latin1.cors`: it is not UTF-8 text (byte 0xE9 at line 1, column 12)",
        ),
    ] {
        let r = common::finish(
            common::cmd()
                .current_dir(&dir)
                .args(["fmt", "--write", name])
                .timeout(std::time::Duration::from_secs(20)),
        );
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(
            r.stderr.starts_with(&format!("error: {says}\n")),
            "{name}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("= help: "), "{name}: {}", r.stderr);
    }
    assert_eq!(std::fs::read(&read_only).unwrap(), messy);
    assert_eq!(
        std::fs::metadata(&read_only).unwrap().permissions().mode() & 0o777,
        0o444
    );
    assert_eq!(std::fs::read(&latin1).unwrap(), bytes);
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "a-directory.cors",
            "a-fifo.cors",
            "latin1.cors",
            "read-only.cors"
        ]
    );
}

/// Issue 13, class 12: a raw control byte in a policy is named, not
/// formatted through: fmt would print it back to the terminal.
#[test]
fn control_bytes_are_named_and_never_formatted_through() {
    for (src, named) in [
        (
            &b"// hi \x1b]0;owned\x07\x1b[2J\npolicy \"a\" { origins * }\n"[..],
            "U+001B (ESC)",
        ),
        (&b"policy \"a\" { origins * }\x00\n"[..], "U+0000 (NUL)"),
        (&b"policy \"a\x07\" { origins * }\n"[..], "U+0007 (BEL)"),
    ] {
        let r = run_stdin(&["fmt", "-"], src);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert_eq!(r.stdout, "");
        assert_contains(&r.stderr, &[named]);
        assert!(
            !r.stderr.bytes().any(|b| b < 0x20 && b != b'\n'),
            "raw control bytes on stderr: {:?}",
            r.stderr
        );
    }
}
