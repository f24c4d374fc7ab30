/** Where `value` is, or would be inserted, in the sorted array `values` (binary search). */
export function sortedIndex(values: string[], value: string): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (values[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
