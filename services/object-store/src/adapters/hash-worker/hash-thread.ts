// The body of a hash thread: a multi-hasher per open stream, fed in the order the gateway's
// thread posts. Any exception ends the thread; the pool then fails every stream it held.
import { parentPort } from 'node:worker_threads';
import { createMultiHasher } from '../../domain/checksums/index.ts';
import type { MultiHasher } from '../../domain/checksums/index.ts';
import type { FromHashThread, ToHashThread } from './messages.ts';

const port = parentPort!;
const streams = new Map<number, MultiHasher>();

const reply = (message: FromHashThread, transfer?: ArrayBuffer[]) =>
  port.postMessage(message, transfer);

port.on('message', (message: ToHashThread) => {
  switch (message.type) {
    case 'open':
      streams.set(message.stream, createMultiHasher(message.names));
      return;
    case 'update':
      hasherOf(message.stream).update(message.bytes);
      // The batch goes back with the acknowledgement, to be filled again.
      reply({ type: 'hashed', stream: message.stream, bytes: message.bytes }, [
        message.bytes.buffer as ArrayBuffer,
      ]);
      return;
    case 'digest': {
      const digests = [...hasherOf(message.stream).digests()];
      streams.delete(message.stream);
      reply({ type: 'digests', stream: message.stream, digests });
      return;
    }
    case 'abort':
      streams.delete(message.stream);
      return;
  }
});

function hasherOf(stream: number): MultiHasher {
  const hasher = streams.get(stream);
  if (hasher === undefined) throw new Error(`hash thread: no open stream ${stream}`);
  return hasher;
}
