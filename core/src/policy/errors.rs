//! Mapping Rhai's errors onto the engine's [`Error`], with codes and positions.

use crate::error::{Error, ErrorCode};
use rhai::{EvalAltResult, ParseError, ParseErrorType, Position};

/// The name the main policy's AST carries as its source.
pub(crate) const MAIN_SOURCE: &str = "policy";

fn module_name(src: &str) -> Option<String> {
    (!src.is_empty() && src != MAIN_SOURCE).then(|| src.to_string())
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn located(mut e: Error, module: Option<String>, pos: Position) -> Error {
    if let (Some(line), col) = (pos.line(), pos.position()) {
        e = e.at_policy(module, line, col.unwrap_or(1));
    } else if module.is_some() {
        e = e.at_policy(module, 0, 0);
    }
    e
}

/// Map a parse error of the main policy (or of a module, when `module` is set).
pub(crate) fn from_parse(err: &ParseError, module: Option<String>) -> Error {
    let ParseError(kind, pos) = err;
    let (code, msg, help) = match kind.as_ref() {
        ParseErrorType::ExprTooDeep => (
            ErrorCode::LimitExpressionDepth,
            "expressions are nested deeper than the limit".to_string(),
            Some("split the expression into smaller ones, or raise `max_expression_depth`"),
        ),
        ParseErrorType::Reserved(w) if w == "eval" => (
            ErrorCode::PolicySyntax,
            "`eval` is disabled in policies".to_string(),
            Some("policies cannot run code built at run time"),
        ),
        other => (
            ErrorCode::PolicySyntax,
            lower_first(&other.to_string()),
            None,
        ),
    };
    let mut e = located(Error::new(code, msg), module, *pos);
    if let Some(h) = help {
        e = e.with_help(h);
    }
    e
}

/// Map a run-time error.
pub(crate) fn from_eval(err: &EvalAltResult) -> Error {
    let mut chain: Vec<String> = Vec::new();
    let mut module: Option<String> = None;
    let mut outer_pos = Position::NONE;
    let mut cur = err;
    loop {
        match cur {
            EvalAltResult::ErrorInFunctionCall(name, src, inner, pos) => {
                if !name.starts_with("anon$") && !name.starts_with("__recobro_hooks") {
                    chain.push(name.clone());
                }
                if let Some(m) = module_name(src) {
                    module = Some(m);
                } else if src == MAIN_SOURCE {
                    module = None;
                }
                if !pos.is_none() {
                    outer_pos = *pos;
                }
                cur = inner;
            }
            EvalAltResult::ErrorInModule(name, inner, pos) => {
                module = module_name(name);
                if !pos.is_none() {
                    outer_pos = *pos;
                }
                cur = inner;
            }
            _ => break,
        }
    }
    let pos = if cur.position().is_none() {
        outer_pos
    } else {
        cur.position()
    };
    use EvalAltResult as E;
    let (code, msg, help): (ErrorCode, String, Option<String>) = match cur {
        E::ErrorParsing(kind, p) => {
            return from_parse(&ParseError(Box::new(kind.clone()), *p), module);
        }
        E::ErrorTooManyOperations(_) | E::ErrorTerminated(..) => (
            ErrorCode::LimitOperations,
            "the policy ran past its operations limit".into(),
            Some("look for a loop that never ends; raise `max_operations` only if the policy really needs it".into()),
        ),
        E::ErrorStackOverflow(_) => (
            ErrorCode::LimitCallDepth,
            "function calls nested deeper than the limit".into(),
            Some("look for recursion without an end; raise `max_call_depth` only if the policy really needs it".into()),
        ),
        E::ErrorDataTooLarge(what, _) => {
            let w = what.to_lowercase();
            let code = if w.contains("string") {
                ErrorCode::LimitStringSize
            } else if w.contains("array") {
                ErrorCode::LimitArraySize
            } else if w.contains("map") {
                ErrorCode::LimitMapSize
            } else {
                ErrorCode::LimitStringSize
            };
            (code, format!("{} is larger than the limit", lower_first(what)), None)
        }
        E::ErrorTooManyModules(_) => (
            ErrorCode::LimitModules,
            "the policy imports more modules than the limit".into(),
            None,
        ),
        E::ErrorTooManyVariables(_) => (
            ErrorCode::LimitVariables,
            "the policy defines more variables than the limit".into(),
            None,
        ),
        E::ErrorModuleNotFound(path, _) => (
            ErrorCode::PolicyModule,
            format!("module `{path}` not found"),
            Some(format!(
                "embedded modules: {}; hosts can add their own",
                crate::embedded::paths().collect::<Vec<_>>().join(", ")
            )),
        ),
        E::ErrorRuntime(v, _) if v.to_string().starts_with("import cycle") => {
            (ErrorCode::PolicyModule, v.to_string(), None)
        }
        E::ErrorFunctionNotFound(sig, _) => {
            let name = sig.split(['(', ' ']).next().unwrap_or(sig);
            let help = match name {
                "eval" => "`eval` is disabled in policies".to_string(),
                "timestamp" | "now" | "rand" | "random" => {
                    "policies cannot read the clock or draw random numbers: use `case.as_of`, `case.today`".to_string()
                }
                _ => "see the policy API reference (`recobro docs`) for the functions a policy can call".to_string(),
            };
            (ErrorCode::PolicyRuntime, format!("unknown function `{sig}`"), Some(help))
        }
        E::ErrorVariableNotFound(v, _) => (
            ErrorCode::PolicyRuntime,
            format!("unknown variable `{v}`"),
            Some("functions cannot see variables defined outside them; pass values as parameters or use constants".into()),
        ),
        E::ErrorPropertyNotFound(p, _) => (
            ErrorCode::PolicyRuntime,
            format!("unknown property `{p}`"),
            Some("see the policy API reference (`recobro docs`)".into()),
        ),
        E::ErrorMismatchDataType(want, got, _) => (
            ErrorCode::PolicyRuntime,
            format!("type mismatch: expected `{want}`, got `{got}`"),
            None,
        ),
        E::ErrorArithmetic(m, _) => (
            ErrorCode::PolicyRuntime,
            format!("arithmetic error: {}", lower_first(m)),
            None,
        ),
        E::ErrorRuntime(v, _) => (ErrorCode::PolicyRuntime, format!("policy error: {v}"), None),
        other => {
            let text = other.to_string();
            let text = text.split(" (line ").next().unwrap_or(&text).to_string();
            (ErrorCode::PolicyRuntime, lower_first(&text), None)
        }
    };
    let msg = if chain.is_empty() {
        msg
    } else {
        format!("in `{}`: {msg}", chain.join("` > `"))
    };
    let mut e = located(Error::new(code, msg), module, pos);
    if let Some(h) = help {
        e = e.with_help(h);
    }
    e
}
