import pg from 'pg';

/**
 * Creates the database `url` names when it does not exist yet, connecting to the server's
 * `postgres` database to do so. Each miniature keeps its own database (its tables never meet
 * another miniature's), and a fresh server or compose volume needs no init script for it.
 * Replicas starting at once take turns on an advisory lock (concurrent CREATE DATABASE
 * statements collide in the catalog), so the later ones find it created.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new Error(`ensureDatabase: "${name}" is not a plain lower-case database name`);
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(
      `SELECT pg_advisory_lock(hashtext('scale-models.ensure-database'), hashtext($1))`,
      [name],
    );
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}
