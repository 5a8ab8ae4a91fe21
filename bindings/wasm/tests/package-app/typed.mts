// Type-checked (never run) from the installed tarball under `module: node16`, ESM.
import { Policy, RecobroError, init, type Decision, type ErrorInfo } from 'recobro';

await init();
const policy = Policy.default();
const decision: Decision = policy.evaluate({ id: 'C-1', debtor: { id: 'D-1', kind: 'consumer', jurisdiction: 'CO', timezone: 'America/Bogota' }, debts: [] }, new Date());
const segment: string | null = decision.segment;
// @ts-expect-error the policy name is a string (the declarations are not `any`)
const wrong: number = policy.info().name;
function report(e: unknown): ErrorInfo | undefined {
  return e instanceof RecobroError ? e.toJSON() : undefined;
}
export { segment, wrong, report };
