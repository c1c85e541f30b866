// Shared by the scripts behind docs/choosing.md: a median, and a line of output.
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export const fixed = (value, digits = 2) => value.toFixed(digits);
