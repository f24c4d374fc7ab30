import { createHash } from 'node:crypto';
import type { Cluster, Redis, RedisKey, RedisValue } from 'ioredis';

export interface ScriptDefinition<Reply = unknown, KeyCount extends number = number> {
  /** How many of the arguments are keys: they get the client's key prefix, the rest do not. */
  keys: KeyCount;
  lua: string;
  /** Turns the raw reply into the type callers see; the raw reply otherwise. */
  parse?: (reply: unknown) => Reply;
  /** Lets ioredis send it to replicas (cluster with scaleReads). */
  readOnly?: boolean;
}

/** Exactly `N` keys (a plain array when `N` is not a literal). */
export type Keys<N extends number, Acc extends RedisKey[] = []> = number extends N
  ? RedisKey[]
  : Acc['length'] extends N
    ? Acc
    : Keys<N, [...Acc, RedisKey]>;

export type ScriptFunction<Reply, KeyCount extends number> = (
  keys: Keys<KeyCount>,
  args?: RedisValue[],
) => Promise<Reply>;

export type Scripts<Definitions> = {
  [Name in keyof Definitions]: Definitions[Name] extends ScriptDefinition<infer Reply, infer N>
    ? ScriptFunction<Reply, N>
    : never;
};

type Invoke = (...args: RedisValue[]) => Promise<unknown>;

/**
 * Registers Lua scripts on a client and returns one async function per script. ioredis's
 * defineCommand sends EVALSHA and falls back to EVAL on NOSCRIPT, so scripts survive a
 * SCRIPT FLUSH or a failover to a server that never saw them.
 */
export function defineScripts<const Definitions extends Record<string, ScriptDefinition>>(
  redis: Redis | Cluster,
  definitions: Definitions,
): Scripts<Definitions> {
  const entries = Object.entries(definitions).map(([name, definition]) => [
    name,
    defineScript(redis, name, definition),
  ]);
  return Object.fromEntries(entries) as Scripts<Definitions>;
}

function defineScript(
  redis: Redis | Cluster,
  name: string,
  { keys, lua, parse, readOnly }: ScriptDefinition,
): (keys: RedisKey[], args?: RedisValue[]) => Promise<unknown> {
  // The command becomes a method of the client: a name of its own per script body can never
  // shadow a Redis command (a script called `get`) nor another version of the same script.
  const command = `script:${name}:${createHash('sha1').update(lua).digest('hex')}`;
  redis.defineCommand(command, { lua, numberOfKeys: keys, readOnly: readOnly ?? false });
  const invoke = (redis as unknown as Record<string, Invoke>)[command]!.bind(redis);
  return async (keyList, args = []) => {
    if (keyList.length !== keys) {
      throw new TypeError(`script ${name} takes ${keys} keys, got ${keyList.length}`);
    }
    const reply = await invoke(...keyList, ...args);
    return parse === undefined ? reply : parse(reply);
  };
}
