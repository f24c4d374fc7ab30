import type pg from 'pg';

/**
 * Every profile as content only (identities, trait values, computed traits), sorted: two
 * runs that built the same profiles give equal summaries even though profile ids differ.
 */
export async function summariseProfiles(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{
    identities: string[];
    state: { traits: Record<string, { value: unknown }>; computed: Record<string, unknown> };
  }>(
    `SELECT array_agg(i.type || ':' || i.value ORDER BY i.type, i.value) AS identities, p.state
       FROM profiles p JOIN identities i ON i.profile_id = p.id GROUP BY p.id`,
  );
  return rows
    .map(({ identities, state }) =>
      JSON.stringify({
        identities,
        traits: Object.fromEntries(
          Object.entries(state.traits).map(([name, trait]) => [name, trait.value]),
        ),
        computed: state.computed,
      }),
    )
    .sort();
}

export async function countEvents(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  return rows[0]!.n;
}
