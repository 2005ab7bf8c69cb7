// The expression language of generate / replace ... if (docs/expressions.md).
export { type BinaryOp, type Expr, type TsOp, columnOf, formatExpression, referencedVariables, usesTimeOperators } from './ast.js';
export { type ExprEnv, type ValueType, FUNCTIONS, checkExpression, columnsEnv } from './check.js';
export { ExpressionError } from './errors.js';
export { type EvalOptions, type EvalResult, evaluate, toColumn } from './evaluate.js';
export { type Condition, type GenerateResult, type ReplaceResult, evaluateCondition, generate, replace } from './generate.js';
export { parseExpression } from './parser.js';
export type { EvalIssue, IssueKind } from './values.js';
