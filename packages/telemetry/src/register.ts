// Entry for `node --import @scale-models/telemetry/register app.ts`: runs before the app's
// modules load, which is what lets the instrumentations patch them.
import { getBooleanFromEnv } from '@opentelemetry/core';
import { registerEsmLoaderHook } from './esm-loader-hook.ts';
import { flushOnExit } from './flush-on-exit.ts';
import { startTelemetry } from './start-telemetry.ts';

if (!getBooleanFromEnv('OTEL_SDK_DISABLED')) {
  const loaderAcknowledged = registerEsmLoaderHook();
  flushOnExit(startTelemetry());
  await loaderAcknowledged();
}
