/** The topics of one deployed query, after the `<miniature>.<entity>.<event>.v<N>` convention. */
export interface QueryTopics {
  results: string;
  late: string;
  changelog: string;
}

export function queryTopics(query: string): QueryTopics {
  return {
    results: `stream-processor.${query}.result.v1`,
    late: `stream-processor.${query}.late.v1`,
    changelog: `stream-processor.${query}.changelog.v1`,
  };
}

/**
 * The internal topics of stage k of a query cut by repartitions: stage 0 reads the input and
 * keeps the query's changelog; stage k >= 1 reads `<query>.repartition-<k>` and keeps
 * `<query>.changelog-<k>`.
 */
export function stageTopics(
  topics: QueryTopics,
  stage: number,
): { repartition: string; changelog: string } {
  const base = topics.changelog.replace(/\.changelog\.v1$/, '');
  return {
    repartition: `${base}.repartition-${stage}.v1`,
    changelog: stage === 0 ? topics.changelog : `${base}.changelog-${stage}.v1`,
  };
}
