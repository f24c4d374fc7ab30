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
