import type { Tracer } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';

/** The tracer a component uses for its own spans; a no-op until the SDK starts. */
export function tracer(name: string, version?: string): Tracer {
  return trace.getTracer(name, version);
}
