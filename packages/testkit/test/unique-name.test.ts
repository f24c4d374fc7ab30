import { describe, expect, it } from 'vitest';
import { uniqueName } from '../src/index.ts';

describe('uniqueName', () => {
  it('gives distinct names made of characters every server accepts', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('Orders.Created-v1')));
    expect(names.size).toBe(1000);
    for (const name of names) expect(name).toMatch(/^orders_created_v1_[0-9a-f]{10}$/);
  });
});
