import { loadConfigOrExit, runService } from '@scale-models/service-kit';
import { PspSimulatorConfigSchema } from '../config.ts';
import { contractOf } from '../domain/psp-contracts.ts';
import { seededRandom } from '@scale-models/seeded-random';
import { BEHAVIOURS } from '../simulator/behaviour.ts';
import { buildPspApp } from '../simulator/psp-app.ts';

const config = loadConfigOrExit(PspSimulatorConfigSchema);
const app = buildPspApp({
  contract: contractOf(config.PSP_NAME),
  behaviour: BEHAVIOURS[config.PSP_NAME]!,
  random: config.SEED === undefined ? Math.random : seededRandom(config.SEED),
  latencyScale: config.LATENCY_SCALE,
  lateAnswerMs: config.LATE_ANSWER_MS,
  logger: { level: config.LOG_LEVEL },
});
await runService(app, { port: config.PORT, shutdownTimeoutMs: 2_000 });
