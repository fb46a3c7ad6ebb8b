/** A copy of a typed array with room for `capacity` entries (growing buffers, amortised doubling). */
export function grown<T extends Int32Array | Float64Array>(array: T, capacity: number): T {
  const copy = new (array.constructor as new (n: number) => T)(capacity);
  copy.set(array);
  return copy;
}
