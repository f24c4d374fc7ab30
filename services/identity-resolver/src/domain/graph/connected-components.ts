/**
 * Groups ids into connected components of the links between them, with union-find: record
 * clusters from probabilistic matches, and profiles from identity-graph edges after a split.
 * The smallest id of a component is its root, so the result does not depend on link order.
 */
export function connectedComponents(ids: string[], links: [string, string][]): string[][] {
  const parent = new Map(ids.map((id) => [id, id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    // Path compression: later finds are near constant time.
    let node = id;
    while (node !== root) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (const [a, b] of links) {
    const rootA = find(a);
    const rootB = find(b);
    if (rootA !== rootB) parent.set(rootA < rootB ? rootB : rootA, rootA < rootB ? rootA : rootB);
  }
  const clusters = new Map<string, string[]>();
  for (const id of ids) {
    const root = find(id);
    const cluster = clusters.get(root);
    if (cluster === undefined) clusters.set(root, [id]);
    else cluster.push(id);
  }
  return [...clusters.values()];
}
