import { defineScripts, loadLua } from '@scale-models/redis';
import type { Redis } from 'ioredis';
import type { Velocity } from '../domain/fraud/score-fraud.ts';

export interface VelocityKeys {
  /** One member per request: the same id twice counts once. */
  requestId: string;
  cardFingerprint: string;
  ip: string;
  email: string;
  deviceId: string;
}

/**
 * Sliding-window velocity features in Redis: one Lua call records the attempt under every
 * dimension (card, IP, email, device) and reads all counts back, so concurrent payments never
 * see a half-updated window and the scoring step costs one round trip.
 */
export function createVelocityStore(redis: Redis) {
  const scripts = defineScripts(redis, {
    velocity: {
      keys: 5,
      lua: loadLua('./velocity.lua', import.meta.url),
      parse: (reply) => (reply as number[]).map(Number),
    },
  });
  return {
    async record(keys: VelocityKeys, now: number): Promise<Velocity> {
      const [cardLast10m, cardLast24h, ipLast1h, emailLast1h, cardsOnDevice24h, cardsFromIp24h] =
        await scripts.velocity(
          [
            `fraud:card:${keys.cardFingerprint}`,
            `fraud:ip:${keys.ip}`,
            `fraud:email:${keys.email}`,
            `fraud:device-cards:${keys.deviceId}`,
            `fraud:ip-cards:${keys.ip}`,
          ],
          [now, keys.requestId, keys.cardFingerprint],
        );
      return {
        cardLast10m: cardLast10m!,
        cardLast24h: cardLast24h!,
        ipLast1h: ipLast1h!,
        emailLast1h: emailLast1h!,
        cardsOnDevice24h: cardsOnDevice24h!,
        cardsFromIp24h: cardsFromIp24h!,
      };
    },
  };
}

export type VelocityStore = ReturnType<typeof createVelocityStore>;
