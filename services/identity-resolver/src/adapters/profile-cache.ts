import type { Redis } from 'ioredis';
import { defineScripts, loadLua } from '@scale-models/redis';
import type { ProfileView } from './profile-view.ts';

export interface ProfileCache {
  /** False when the view was older than the stored one, or the profile is gone. */
  write(view: ProfileView): Promise<boolean>;
  /** Deletes a profile merged away or erased, and the identifiers that still name it. */
  remove(profileId: string): Promise<void>;
  lookup(type: string, value: string): Promise<ProfileView | undefined>;
  /** The view as stored, JSON: what the lookup API sends without parsing and serializing it. */
  lookupJson(type: string, value: string): Promise<string | undefined>;
}

// Long enough to outlive any projector still holding an old view of the profile.
const GONE_MARKER_SECONDS = 7 * 24 * 3600;
const IDENTIFIERS = 'identifiers';

const profileKey = (id: string) => `profile:${id}`;
const goneKey = (id: string) => `gone:${id}`;

/**
 * Profiles in Redis under the client's prefix (`identity-resolver:`): a hash per profile
 * (view JSON, version, identifier fields) and one hash mapping `type:value` to profile id,
 * changed together by Lua scripts.
 */
export function createProfileCache(redis: Redis, prefix: string): ProfileCache {
  const scripts = defineScripts(redis, {
    write: {
      keys: 3,
      lua: loadLua('./write-profile.lua', import.meta.url),
      parse: (reply) => reply === 1,
    },
    remove: { keys: 3, lua: loadLua('./remove-profile.lua', import.meta.url) },
    lookup: {
      keys: 1,
      lua: loadLua('./lookup-profile.lua', import.meta.url),
      readOnly: true,
      parse: (reply) => (typeof reply === 'string' ? reply : undefined),
    },
  });
  const lookupJson = (type: string, value: string) =>
    scripts.lookup([IDENTIFIERS], [`${type}:${value}`, `${prefix}:profile:`]);
  const keysOf = (id: string) => [profileKey(id), goneKey(id), IDENTIFIERS] as const;
  return {
    write: (view) =>
      scripts.write(
        [...keysOf(view.profileId)],
        [
          JSON.stringify(view),
          view.profileId,
          Date.parse(view.updatedAt),
          JSON.stringify(view.identities.map((i) => `${i.type}:${i.value}`)),
        ],
      ),
    remove: async (profileId) => {
      await scripts.remove([...keysOf(profileId)], [profileId, GONE_MARKER_SECONDS]);
    },
    lookupJson,
    lookup: async (type, value) => {
      const json = await lookupJson(type, value);
      return json === undefined ? undefined : (JSON.parse(json) as ProfileView);
    },
  };
}
