export { createRedis } from './create-redis.ts';
export type { RedisHandle, RedisOptions, RedisReadinessCheck } from './create-redis.ts';
export { defineScripts } from './define-scripts.ts';
export type { Keys, ScriptDefinition, ScriptFunction, Scripts } from './define-scripts.ts';
export { loadLua } from './load-lua.ts';
export { deleteNamespace } from './delete-namespace.ts';
