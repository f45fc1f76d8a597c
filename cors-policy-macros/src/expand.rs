//! The expansion: read the input (inline policy or `file = "…"`), run the
//! shared front end on it, and turn its verdict into code — the engine on
//! success, spanned `compile_error!`s plus a placeholder of the same type on
//! error, and one deprecation warning per warning diagnostic.

use std::path::{Path, PathBuf};

use cors_policy_grammar::{self as grammar, Diagnostic, RenderOptions};
use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};

use crate::literal;
use crate::rebuild::Rebuilt;

/// Expands one `cors_policy!` invocation.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    match FileArg::find(&input) {
        Some(Ok(arg)) => expand_file(&arg),
        Some(Err(problem)) => problem.into_expansion(),
        None => expand_inline(input),
    }
}

/// The code generated for one invocation, before it is assembled.
#[derive(Default)]
struct Output {
    /// `compile_error!` invocations, one per error.
    errors: Vec<TokenStream>,
    /// Deprecation-warning tricks, one per warning.
    warnings: Vec<TokenStream>,
    /// Items to place in the block (the `include_bytes!` tracking the file).
    items: Vec<TokenStream>,
    /// The validated source to build the engine from; `None` when there were errors.
    source: Option<String>,
}

impl Output {
    /// One error, spanned from `first` to `last`.
    fn error(mut self, message: &str, (first, last): (Span, Span)) -> Self {
        self.errors.push(compile_error(message, first, last));
        self
    }

    /// Assembles the block: warnings, errors, items, and the engine expression.
    ///
    /// On error the engine expression is still there, built from an empty
    /// text, so the invocation keeps its type and the user sees the policy
    /// errors alone, not a cascade of type errors. It is never run: the crate
    /// does not compile.
    fn into_expansion(self) -> TokenStream {
        let Output {
            errors,
            warnings,
            items,
            source,
        } = self;
        let text = if errors.is_empty() {
            source.unwrap_or_default()
        } else {
            String::new()
        };
        let text = Literal::string(&text);
        quote! {
            {
                #(#warnings)*
                #(#errors)*
                #(#items)*
                ::cors_policy::__private::LazyLock::<::cors_policy::__private::Engine>::new(
                    || ::cors_policy::__private::engine_from_checked_source(#text)
                )
            }
        }
    }
}

/// `cors_policy! { policy "…" { … } }`: the policy written as tokens.
fn expand_inline(input: TokenStream) -> TokenStream {
    let rebuilt = Rebuilt::new(input);
    let checked = with_set_errors(grammar::check(&rebuilt.text));
    let mut output = Output::default();
    for diagnostic in &checked.diagnostics {
        let spans = rebuilt
            .spans(diagnostic.span.range())
            .unwrap_or((Span::call_site(), Span::call_site()));
        let message = inline_message(diagnostic);
        if diagnostic.is_error() {
            output = output.error(&message, spans);
        } else {
            output.warnings.push(warning(&message, spans.0));
        }
    }
    if !checked.has_errors() {
        output.source = Some(rebuilt.text);
    }
    output.into_expansion()
}

/// The front end's verdict, plus an error on each `set "NAME"` entry: an
/// engine that `cors_policy!` builds has no way to receive a runtime origin
/// set, and one built without it would answer nothing (failing closed), so
/// the policy is refused at build time instead.
fn with_set_errors(mut checked: grammar::Checked) -> grammar::Checked {
    let sets = checked
        .policies
        .iter()
        .flat_map(|set| &set.policies)
        .flat_map(|policy| &policy.origins)
        .filter_map(|origin| match &origin.matcher {
            grammar::model::OriginMatcher::Set(name) => Some(
                Diagnostic::new(
                    grammar::Kind::InvalidOrigin,
                    origin.span,
                    format!("`cors_policy!` cannot supply the origin set `{name}`"),
                )
                .with_help(format!(
                    "a set's origins are supplied at run time: build this engine with `Engine::builder(…).origin_set(\"{name}\", &set)` instead"
                )),
            ),
            _ => None,
        })
        .collect::<Vec<_>>();
    if !sets.is_empty() {
        checked.diagnostics.extend(sets);
        checked
            .diagnostics
            .sort_by_key(|d| (d.span.start, d.span.end));
        checked.policies = None;
    }
    checked
}

/// One diagnostic of an inline policy: rustc shows the caret itself, so the
/// message is the code, the name, what is wrong and what to write instead.
fn inline_message(d: &Diagnostic) -> String {
    let mut message = format!("{}: {}", d.kind, d.message);
    if let Some(label) = &d.label {
        message.push_str(&format!("\n= note: {label}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\n= help: {help}"));
    }
    if !d.is_error() {
        let name = d.name();
        message.push_str(&format!(
            "\n= note: `{name}` is on by default; `allow {name}` in the policy silences it"
        ));
    }
    message
}

/// One diagnostic of a policy file: rustc points at the `file = "…"`
/// argument, so the message shows the file's own line and caret, as the
/// command line does (the front end's renderer, without colours).
fn file_message(d: &Diagnostic, text: &str, path: &str) -> String {
    let rendered = grammar::render(d, text, path, &RenderOptions { color: false });
    // The renderer's first line is `error[E0006/invalid-origin]: message`; rustc already says
    // `error:`, so that line is replaced by the one the inline form uses.
    let mut lines = rendered.lines();
    let first = lines.next().unwrap_or_default();
    if !(first.starts_with("error[") || first.starts_with("warning[")) {
        // Not the expected layout: show the line and column at least.
        let (line, column) = d.span.line_col(text);
        return format!("{path}:{line}:{column}: {}\n{rendered}", inline_message(d));
    }
    let mut message = format!("{}: {}", d.kind, d.message);
    for line in lines {
        message.push('\n');
        message.push_str(line);
    }
    message
}

/// `cors_policy!(file = "cors/api.cors")`.
fn expand_file(arg: &FileArg) -> TokenStream {
    let spans = (arg.key_span, arg.literal_span);
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let path = match (&manifest_dir, Path::new(&arg.path).is_absolute()) {
        (_, true) => PathBuf::from(&arg.path),
        (Some(dir), false) => dir.join(&arg.path),
        (None, false) => {
            let message = format!(
                "cannot find the policy file `{}`: `CARGO_MANIFEST_DIR` is not set\n\
                 = help: build with cargo, which sets it, or give an absolute path",
                arg.path
            );
            return Output::default().error(&message, spans).into_expansion();
        }
    };
    let bytes = match read_policy_file(&path) {
        Ok(bytes) => bytes,
        Err(reason) => {
            let message = format!(
                "cannot read the policy file `{}`: {reason}\n= note: looked for `{}`{}",
                arg.path,
                path.display(),
                if manifest_dir.is_some() && !Path::new(&arg.path).is_absolute() {
                    "\n= help: the path is relative to the directory of the crate's Cargo.toml"
                } else {
                    ""
                }
            );
            return Output::default().error(&message, spans).into_expansion();
        }
    };

    let checked = with_set_errors(grammar::check_bytes(&bytes));
    let text = String::from_utf8_lossy(&bytes);
    let mut output = Output::default();
    for diagnostic in &checked.diagnostics {
        let message = file_message(diagnostic, &text, &arg.path);
        if diagnostic.is_error() {
            output = output.error(&message, spans);
        } else {
            output.warnings.push(warning(&message, arg.literal_span));
        }
    }
    // Rebuild whenever the file changes: rustc tracks files read by `include_bytes!`.
    let tracked = Literal::string(&path.to_string_lossy());
    output
        .items
        .push(quote! { const _: &[u8] = ::core::include_bytes!(#tracked); });
    if !checked.has_errors() {
        output.source = Some(text.into_owned());
    }
    output.into_expansion()
}

/// Reads a policy file, refusing one larger than the front end accepts
/// before reading it.
fn read_policy_file(path: &Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if metadata.is_dir() {
        return Err("it is a directory".to_owned());
    }
    if metadata.len() > grammar::MAX_SOURCE_LEN as u64 {
        return Err(format!(
            "it is {} bytes long, more than the {} bytes a policy file may have",
            metadata.len(),
            grammar::MAX_SOURCE_LEN
        ));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

/// The `file = "…"` argument.
struct FileArg {
    /// The path as written, unescaped.
    path: String,
    /// The `file` keyword.
    key_span: Span,
    /// The string literal.
    literal_span: Span,
}

/// A malformed `file = …` argument.
struct ArgProblem {
    message: String,
    spans: (Span, Span),
}

impl ArgProblem {
    fn into_expansion(self) -> TokenStream {
        Output::default()
            .error(&self.message, self.spans)
            .into_expansion()
    }
}

impl FileArg {
    /// `None` when the input is not the file form (it starts with anything
    /// but `file =`, which no policy text does).
    fn find(input: &TokenStream) -> Option<Result<FileArg, ArgProblem>> {
        let tokens: Vec<TokenTree> = input.clone().into_iter().collect();
        let mut iter = tokens.iter();
        let key = match iter.next() {
            Some(TokenTree::Ident(key)) if key == "file" => key,
            _ => return None,
        };
        match iter.next() {
            Some(TokenTree::Punct(eq)) if eq.as_char() == '=' => {}
            _ => return None,
        }
        let usage = "\n= help: name the file with a string literal: `cors_policy!(file = \"cors/api.cors\")`";
        let rest: Vec<&TokenTree> = iter.collect();
        let last_span = rest.last().map_or(key.span(), |t| t.span());
        let problem = |message: String| {
            Some(Err(ArgProblem {
                message,
                spans: (key.span(), last_span),
            }))
        };
        let literal = match rest.as_slice() {
            [TokenTree::Literal(literal)] => literal,
            [TokenTree::Literal(literal), TokenTree::Punct(comma)] if comma.as_char() == ',' => {
                literal
            }
            [] => {
                return problem(format!(
                    "expected the policy file's path after `file =`{usage}"
                ));
            }
            _ => return problem(format!("expected one string literal after `file =`{usage}")),
        };
        let written = literal.to_string();
        match literal::unescape_str(&written) {
            Some(path) => Some(Ok(FileArg {
                path,
                key_span: key.span(),
                literal_span: literal.span(),
            })),
            None => problem(format!(
                "expected a string literal after `file =`, found `{written}`{usage}"
            )),
        }
    }
}

/// `::core::compile_error! { "message" }`, spanned so that rustc underlines
/// everything from `first` to `last` (the path takes the first span, the
/// group the last, and rustc joins them: stable Rust cannot join spans itself).
fn compile_error(message: &str, first: Span, last: Span) -> TokenStream {
    let mut group = Group::new(
        Delimiter::Brace,
        TokenTree::Literal(Literal::string(message)).into(),
    );
    group.set_span(last);
    let punct = |c, spacing| {
        let mut p = Punct::new(c, spacing);
        p.set_span(first);
        TokenTree::Punct(p)
    };
    let tokens: Vec<TokenTree> = vec![
        punct(':', Spacing::Joint),
        punct(':', Spacing::Alone),
        TokenTree::Ident(Ident::new("core", first)),
        punct(':', Spacing::Joint),
        punct(':', Spacing::Alone),
        TokenTree::Ident(Ident::new("compile_error", first)),
        punct('!', Spacing::Alone),
        TokenTree::Group(group),
    ];
    let mut stream: TokenStream = tokens.into_iter().collect();
    stream.extend(quote_spanned!(last=> ;));
    stream
}

/// A warning on stable Rust, which has no proc-macro warning API: a use of a
/// `#[deprecated]` item, spanned on the offending token, makes rustc print
/// `warning: use of deprecated …: <message>` pointing there.
fn warning(message: &str, span: Span) -> TokenStream {
    // The item is named for what it is, as rustc prints its name.
    let name = Ident::new("cors_policy_warning", Span::mixed_site());
    let used = Ident::new("cors_policy_warning", Span::mixed_site().located_at(span));
    let note = Literal::string(message);
    quote! {
        {
            #[deprecated(note = #note)]
            #[allow(non_upper_case_globals)]
            const #name: () = ();
            #used
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_arg(path: &str) -> FileArg {
        FileArg {
            path: path.to_owned(),
            key_span: Span::call_site(),
            literal_span: Span::call_site(),
        }
    }

    /// A relative path is looked for under the crate's manifest directory,
    /// and the message says so (the UI test, whose crate lives in the target
    /// directory, uses an absolute path to stay independent of it).
    #[test]
    fn a_missing_relative_file_names_where_it_was_looked_for() {
        let out = expand_file(&file_arg("cors/does-not-exist.cors")).to_string();
        let looked = Path::new(env!("CARGO_MANIFEST_DIR")).join("cors/does-not-exist.cors");
        assert!(
            out.contains("cannot read the policy file `cors/does-not-exist.cors`"),
            "{out}"
        );
        assert!(
            out.contains(&format!("looked for `{}`", looked.display())),
            "{out}"
        );
        assert!(
            out.contains("the path is relative to the directory of the crate's Cargo.toml"),
            "{out}"
        );
    }

    #[test]
    fn a_missing_absolute_file_gets_no_relative_path_help() {
        let out = expand_file(&file_arg("/nonexistent/does-not-exist.cors")).to_string();
        assert!(
            out.contains("looked for `/nonexistent/does-not-exist.cors`"),
            "{out}"
        );
        assert!(!out.contains("relative to the directory"), "{out}");
    }
}
