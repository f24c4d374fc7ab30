import type pg from 'pg';

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/**
 * Runs `fn` between BEGIN and COMMIT on a client the caller owns, rolling back when anything
 * throws. Resolves to the result, or rejects with the original error plus, when ROLLBACK
 * itself failed, that failure as `rollbackError`, so the caller can discard the connection.
 */
export async function runInTransaction<T>(
  client: pg.ClientBase,
  fn: (client: pg.ClientBase) => Promise<T>,
  isolation: IsolationLevel = 'read committed',
): Promise<T> {
  await client.query(`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
  try {
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // After a failed COMMIT the transaction is already over; ROLLBACK then only warns.
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      throw Object.assign(asError(error), { rollbackError });
    });
    throw error;
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
