import { describe, expect, it } from 'vitest';
import { imageTag } from '../src/rules/check-image-pins.ts';
import { hostPorts } from '../src/rules/host-ports.ts';

describe('hostPorts', () => {
  const ports = (list: unknown) => hostPorts(list, 'p').map((p) => `${p.port}/${p.protocol}`);

  it('reads the host side of every short-syntax form', () => {
    expect(ports(['8080:80'])).toEqual(['8080/tcp']);
    expect(ports(['127.0.0.1:5432:5432'])).toEqual(['5432/tcp']);
    expect(ports(['[::1]:5353:53/udp'])).toEqual(['5353/udp']);
    expect(ports(['9000-9002:80-82'])).toEqual(['9000/tcp', '9001/tcp', '9002/tcp']);
  });

  it('reads the long syntax, published as a number or a string', () => {
    expect(ports([{ target: 80, published: 8080 }])).toEqual(['8080/tcp']);
    expect(ports([{ target: 53, published: '5353', protocol: 'udp' }])).toEqual(['5353/udp']);
  });

  it('skips entries that publish no fixed host port', () => {
    expect(ports(['80', 80, '127.0.0.1::80', { target: 80 }, '${PORT}:80'])).toEqual([]);
  });
});

describe('imageTag', () => {
  it('finds the tag after the last path segment, not a registry port', () => {
    expect(imageTag('postgres:17-alpine')).toBe('17-alpine');
    expect(imageTag('localhost:5000/team/app')).toBeUndefined();
    expect(imageTag('localhost:5000/team/app:1.2')).toBe('1.2');
    expect(imageTag('nginx@sha256:abc')).toBe('digest');
  });
});
