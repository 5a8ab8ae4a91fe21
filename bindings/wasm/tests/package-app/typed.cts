// Type-checked (never run) from the installed tarball under `module: node16`,
// CommonJS (`require('recobro')`, typed by index.d.cts).
import { Policy, RecobroError, type Decision } from 'recobro';

const decision: Decision = Policy.default().evaluate('{"id": "C-1"}', '2026-03-16T15:00:00Z');
const path: string | null = new RecobroError('x').path;
// @ts-expect-error the policy name is a string (the declarations are not `any`)
const wrong: number = Policy.default().info().name;
export = { decision, path, wrong };
