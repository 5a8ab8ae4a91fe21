//! Module resolution: `import "consumer/stages" as stages;` finds host-supplied
//! modules first, then the rule packs embedded from `rules/` at build time.
//! Nothing touches a file system.

use rhai::{Engine, EvalAltResult, Module, Position, Scope, Shared};
use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::embedded::source as embedded;

thread_local! {
    static RESOLVING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Resolves imports against host modules, then embedded rules.
pub(crate) struct Resolver {
    pub host: BTreeMap<String, String>,
}

fn normalise(path: &str) -> &str {
    path.strip_suffix(".rhai").unwrap_or(path)
}

impl rhai::ModuleResolver for Resolver {
    fn resolve(
        &self,
        engine: &Engine,
        _source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<Shared<Module>, Box<EvalAltResult>> {
        let key = normalise(path);
        let source = self
            .host
            .get(key)
            .map(String::as_str)
            .or_else(|| embedded(key))
            .ok_or_else(|| Box::new(EvalAltResult::ErrorModuleNotFound(path.to_string(), pos)))?;
        let cycle = RESOLVING.with(|r| {
            let r = r.borrow();
            r.iter().any(|p| p == key).then(|| {
                let mut chain = r.clone();
                chain.push(key.to_string());
                chain.join(" -> ")
            })
        });
        if let Some(chain) = cycle {
            return Err(Box::new(EvalAltResult::ErrorRuntime(
                format!("import cycle: {chain}").into(),
                pos,
            )));
        }
        RESOLVING.with(|r| r.borrow_mut().push(key.to_string()));
        let result = (|| {
            let mut ast = engine.compile(source).map_err(|e| {
                Box::new(EvalAltResult::ErrorInModule(
                    key.to_string(),
                    Box::new(e.into()),
                    pos,
                ))
            })?;
            ast.set_source(key);
            Module::eval_ast_as_new(Scope::new(), &ast, engine)
                .map(|mut m| {
                    m.build_index();
                    Shared::new(m)
                })
                .map_err(|e| Box::new(EvalAltResult::ErrorInModule(key.to_string(), e, pos)))
        })();
        RESOLVING.with(|r| {
            r.borrow_mut().pop();
        });
        result
    }
}
