/** The one call this package logs with; a pino logger fits as it is. */
export interface GrpcLogger {
  error(fields: Record<string, unknown>, message: string): void;
}

/** JSON lines on stderr, for when no logger is given. */
export const consoleLogger: GrpcLogger = {
  error(fields, message) {
    console.error(JSON.stringify({ level: 'error', logger: 'grpc', msg: message, ...fields }));
  },
};
