//! Sandbox limits, on by default.

use rhai::Engine;
use serde::{Deserialize, Serialize};

/// Limits applied to every policy evaluation. Every limit is on by default; a
/// host can raise or lower them with [`crate::PolicyBuilder::limits`], but not
/// switch them off.
///
/// | limit | default | error code when exceeded |
/// |---|---|---|
/// | `max_operations` (per evaluation: every hook, closures included) | 1,000,000 | `limit.operations` |
/// | `max_call_depth` | 32 | `limit.call_depth` |
/// | `max_expression_depth` | 64 (32 inside functions) | `limit.expression_depth` |
/// | `max_string_size` (bytes) | 65,536 | `limit.string_size` |
/// | `max_array_size` | 10,000 | `limit.array_size` |
/// | `max_map_size` | 10,000 | `limit.map_size` |
/// | `max_modules` | 32 | `limit.modules` |
/// | `max_variables` | 1,000 | `limit.variables` |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Operations per evaluation, every hook and every closure a function calls
    /// included (each statement, expression and function call counts).
    pub max_operations: u64,
    /// Nested function calls.
    pub max_call_depth: usize,
    /// Nested expressions at global level.
    pub max_expression_depth: usize,
    /// Nested expressions inside functions.
    pub max_function_expression_depth: usize,
    /// Bytes in one string.
    pub max_string_size: usize,
    /// Elements in one array.
    pub max_array_size: usize,
    /// Entries in one map.
    pub max_map_size: usize,
    /// Modules imported by one policy.
    pub max_modules: usize,
    /// Variables in scope.
    pub max_variables: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 1_000_000,
            max_call_depth: 32,
            max_expression_depth: 64,
            max_function_expression_depth: 32,
            max_string_size: 64 * 1024,
            max_array_size: 10_000,
            max_map_size: 10_000,
            max_modules: 32,
            max_variables: 1_000,
        }
    }
}

impl Limits {
    /// Apply to an engine. Zero values are raised to 1: a limit cannot be switched off.
    pub(crate) fn apply(&self, e: &mut Engine) {
        e.set_max_operations(self.max_operations.max(1));
        e.set_max_call_levels(self.max_call_depth.max(1));
        e.set_max_expr_depths(
            self.max_expression_depth.max(1),
            self.max_function_expression_depth.max(1),
        );
        e.set_max_string_size(self.max_string_size.max(1));
        e.set_max_array_size(self.max_array_size.max(1));
        e.set_max_map_size(self.max_map_size.max(1));
        e.set_max_modules(self.max_modules.max(1));
        e.set_max_variables(self.max_variables.max(1));
    }
}
