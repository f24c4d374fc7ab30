import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, Type } from '../src/index.ts';

const Schema = Type.Object({
  PORT: Type.Integer({ default: 7100, minimum: 1, maximum: 65535 }),
  DEBUG: Type.Boolean({ default: false }),
  RATIO: Type.Optional(Type.Number()),
  DATABASE_URL: Type.String({ minLength: 1 }),
  MODE: Type.Union([Type.Literal('fast'), Type.Literal('safe')], { default: 'safe' }),
  API_KEY: Type.String({ minLength: 16 }),
});

const valid = { DATABASE_URL: 'postgres://localhost/db', API_KEY: 'k'.repeat(16) };

function problemsOf(env: Record<string, string>): { variable: string; reason: string }[] {
  try {
    loadConfig(Schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults for unset variables', () => {
    expect(loadConfig(Schema, valid)).toEqual({ ...valid, PORT: 7100, DEBUG: false, MODE: 'safe' });
  });

  it('coerces numbers and booleans from strings', () => {
    const config = loadConfig(Schema, { ...valid, PORT: '8080', DEBUG: 'true', RATIO: '0.25' });
    expect(config).toMatchObject({ PORT: 8080, DEBUG: true, RATIO: 0.25 });
    expect(loadConfig(Schema, { ...valid, DEBUG: 'false' }).DEBUG).toBe(false);
  });

  it('ignores variables the schema does not name', () => {
    expect(loadConfig(Schema, { ...valid, HOME: '/root' })).not.toHaveProperty('HOME');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(Schema, { ...valid, PORT: '' }).PORT).toBe(7100);
    expect(problemsOf({ ...valid, DATABASE_URL: '' })).toEqual([
      { variable: 'DATABASE_URL', reason: 'is required' },
    ]);
  });

  it('reports every missing or invalid variable at once, one reason each', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DEBUG: 'maybe',
      MODE: 'reckless',
      API_KEY: 'short-secret',
    });
    expect(problems.map((p) => p.variable)).toEqual([
      'PORT',
      'DEBUG',
      'DATABASE_URL',
      'MODE',
      'API_KEY',
    ]);
    expect(problems).toContainEqual({ variable: 'DATABASE_URL', reason: 'is required' });
    expect(problems).toContainEqual({ variable: 'MODE', reason: 'must be one of fast, safe' });
  });

  it('checks ranges after coercion', () => {
    expect(problemsOf({ ...valid, PORT: '70000' })).toEqual([
      { variable: 'PORT', reason: 'must be <= 65535' },
    ]);
  });

  it('never puts a value in the error message', () => {
    const error = (() => {
      try {
        return loadConfig(Schema, { ...valid, API_KEY: 'hunter2', PORT: 'p0rt-value' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain('API_KEY');
    expect(String(error)).not.toContain('hunter2');
    expect(String(error)).not.toContain('p0rt-value');
  });
});
