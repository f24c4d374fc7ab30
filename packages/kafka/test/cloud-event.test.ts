import { describe, expect, it } from 'vitest';
import { InputError } from '@scale-models/errors';
import { createCloudEvent, parseCloudEvent, serializeCloudEvent } from '../src/index.ts';

describe('CloudEvents envelope', () => {
  it('round-trips through the bytes of a Kafka value', () => {
    const event = createCloudEvent({
      type: 'scale-models.commerce.order.created.v1',
      source: '/commerce/orders',
      subject: 'order-1',
      data: { orderId: 'order-1', totalMinor: 1250, currency: 'EUR' },
      time: new Date('2026-01-02T03:04:05.000Z'),
    });
    const parsed = parseCloudEvent(serializeCloudEvent(event));
    expect(parsed).toEqual(event);
    expect(parsed).toMatchObject({
      specversion: '1.0',
      datacontenttype: 'application/json',
      time: '2026-01-02T03:04:05.000Z',
    });
  });

  it('gives every event a fresh time-ordered id unless one is passed', () => {
    const first = createCloudEvent({ type: 't', source: '/s', data: 1 });
    const second = createCloudEvent({ type: 't', source: '/s', data: 2 });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.id < second.id).toBe(true);
    expect(createCloudEvent({ type: 't', source: '/s', data: 1, id: 'fixed' }).id).toBe('fixed');
    expect(first).not.toHaveProperty('subject');
  });

  const valid = {
    specversion: '1.0',
    id: 'e1',
    source: '/s',
    type: 't',
    time: '2026-01-01T00:00:00Z',
  };
  it.each([
    ['no value', null, 'event.empty'],
    ['not JSON', '{nope', 'event.malformed_json'],
    ['a JSON string', '"text"', 'event.not_an_object'],
    ['JSON null', 'null', 'event.not_an_object'],
    [
      'another specversion',
      JSON.stringify({ ...valid, specversion: '0.3' }),
      'event.unsupported_specversion',
    ],
    ['no id', JSON.stringify({ ...valid, id: undefined }), 'event.missing_attribute'],
    ['an empty source', JSON.stringify({ ...valid, source: '' }), 'event.missing_attribute'],
    ['a numeric type', JSON.stringify({ ...valid, type: 7 }), 'event.missing_attribute'],
  ])('rejects a value with %s', (_, value, code) => {
    const parse = () => parseCloudEvent(value);
    expect(parse).toThrow(InputError);
    expect(parse).toThrow(expect.objectContaining({ code }) as Error);
  });

  it('accepts the smallest valid envelope', () => {
    expect(parseCloudEvent(Buffer.from(JSON.stringify(valid))).id).toBe('e1');
  });
});
