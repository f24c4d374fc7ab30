import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';

/**
 * Registers import-in-the-middle's loader hook, the way OpenTelemetry's ESM guide describes,
 * so that modules loaded with `import` reach the instrumentations. Only modules an
 * instrumentation asks for are wrapped: instrumentations created after this call send their
 * module names to the loader thread. Await the returned function before the app's modules
 * load, so no import races the names.
 */
export function registerEsmLoaderHook(): () => Promise<void> {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  return waitForAllMessagesAcknowledged;
}
