// Type-checked (never run) from the installed tarball under `moduleResolution: bundler`.
import { Policy, type Decision } from 'recobro';
import { init, version } from 'recobro/web';

await init(new URL('recobro_wasm_bg.wasm', import.meta.url));
const decision: Decision = Policy.default().evaluate('{"id": "C-1"}', new Date());
// @ts-expect-error the version is a string (the declarations are not `any`)
const wrong: number = version();
export { decision, wrong };
