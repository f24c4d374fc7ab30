export { seededRandom } from './seeded-random.ts';
export type { Random } from './seeded-random.ts';
