// `pnpm --filter @scale-models/payment-router bench`: the three benchmarks, one after the other.
import { execFileSync } from 'node:child_process';

for (const bench of ['routing.ts', 'ledger.ts', 'authorize.ts']) {
  console.log(`\n== bench/${bench}`);
  execFileSync(process.execPath, [new URL(bench, import.meta.url).pathname], { stdio: 'inherit' });
}
