type Typed = Int32Array | Uint32Array | Float32Array | Float64Array;

/** A typed array of `length` zeros, in shared memory when `shared` (readable by worker threads without a copy). */
export function typedArray<T extends Typed>(
  Ctor: { new (length: number): T; new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
  shared = false,
): T {
  return shared ? new Ctor(new SharedArrayBuffer(length * Ctor.BYTES_PER_ELEMENT)) : new Ctor(length);
}

/**
 * A copy of a typed array with room for `capacity` entries (growing buffers, amortised doubling);
 * in shared memory when the array is.
 */
export function grown<T extends Typed>(array: T, capacity: number): T {
  const Ctor = array.constructor as {
    new (length: number): T;
    new (buffer: SharedArrayBuffer): T;
    BYTES_PER_ELEMENT: number;
  };
  const copy = typedArray(Ctor, capacity, array.buffer instanceof SharedArrayBuffer);
  copy.set(array as never);
  return copy;
}
