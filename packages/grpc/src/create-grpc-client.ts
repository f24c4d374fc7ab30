import { credentials as channelCredentials } from '@grpc/grpc-js';
import type { ChannelCredentials, ChannelOptions, Client } from '@grpc/grpc-js';

export interface GrpcClientOptions {
  /** Insecure by default: miniatures talk over loopback or a cluster network. */
  credentials?: ChannelCredentials;
  channelOptions?: Partial<ChannelOptions>;
}

export type GrpcClientConstructor<C extends Client> = new (
  address: string,
  credentials: ChannelCredentials,
  options?: Partial<ChannelOptions>,
) => C;

/**
 * A client of `ServiceCtor` (from `lookupService`) for `address` (`host:port`). Built from the
 * constructor proto-loader made, which is what OpenTelemetry's grpc instrumentation patches.
 */
export function createGrpcClient<C extends Client>(
  ServiceCtor: GrpcClientConstructor<C>,
  address: string,
  options: GrpcClientOptions = {},
): C {
  const credentials = options.credentials ?? channelCredentials.createInsecure();
  return new ServiceCtor(address, credentials, options.channelOptions);
}
