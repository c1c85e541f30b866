/**
 * Arrays of plain numbers cross a thread or process boundary as one Float64Array: a memory copy
 * (or, between threads, a transfer) instead of a value-by-value structured clone. Numbers survive
 * exactly (NaN, -0 and ±Infinity included); indexing the typed array gives the same values back.
 */
export function packNumbers(values: ArrayLike<unknown>): Float64Array | null {
  const { length } = values;
  for (let i = 0; i < length; i++) if (typeof values[i] !== 'number') return null;
  const packed = new Float64Array(length);
  for (let i = 0; i < length; i++) packed[i] = values[i] as number;
  return packed;
}
