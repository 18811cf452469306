// Searches in lists kept sorted (the directories' sorted views).

/** In a list ordered so that `before` holds for a prefix, the length of that prefix (binary search). */
export function countBefore<T>(list: readonly T[], before: (row: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(list[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
