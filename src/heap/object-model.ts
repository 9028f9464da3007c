/**
 * The object model: how an object is laid out in simulated memory. Every
 * collector, allocator and the verifier reads objects only through these
 * constants and functions.
 *
 * The simulated machine is 64-bit: a word and a reference slot are 8 bytes,
 * and everything is 8-byte aligned. Memory is an Int32Array; a simulated
 * 8-byte word occupies two int32 elements, and a reference lives in the low
 * one (addresses stay below 2^31, so the high half of a slot is always zero).
 *
 *   address a (bytes, multiple of 8)
 *   +0  status word  bits  0-23  number of reference slots
 *                    bit   24    MARK       (tracing collectors)
 *                    bit   25    FORWARDED  (moving collectors; word 1 is the new address)
 *                    bit   26    FREE       (a free chunk, not an object; word 1 is its size)
 *                    bits 27-30  age        (generational collectors)
 *                    bit   31    LOGGED     (in the generational remembered set)
 *   +4  size word    payload bytes of an object, or the size of a free chunk,
 *                    or the forwarding address of a forwarded object
 *   +8  slot 0 ... slot n-1   8 bytes each, low half holds an address or 0 (null)
 *   +8+8n  payload, rounded up to 8 bytes
 *
 * Address 0 is null. The address space starts at HEAP_BASE so that no object
 * can live at 0; the reserved granule is not counted in the heap size.
 */

export const GRANULE = 8;
export const HEADER_BYTES = 8;
export const SLOT_BYTES = 8;
export const NULL = 0;
export const HEAP_BASE = GRANULE;

export const NSLOTS_MASK = 0x00ffffff;
export const MAX_SLOTS = NSLOTS_MASK;
export const MARK_BIT = 1 << 24;
export const FORWARDED_BIT = 1 << 25;
export const FREE_BIT = 1 << 26;
export const AGE_SHIFT = 27;
export const AGE_MASK = 0xf << AGE_SHIFT;
export const LOGGED_BIT = 1 << 31;
/** Largest payload of one object; keeps every object size below 2^31. */
export const MAX_PAYLOAD_BYTES = 1 << 30;

/** A free chunk needs a header and a next pointer to sit on a free list. */
export const MIN_LISTED_CHUNK = 16;

export function alignUp(bytes: number): number {
  return (bytes + 7) & ~7;
}

/** Bytes an object with this many slots and payload bytes occupies. */
export function objectBytes(nslots: number, payloadBytes: number): number {
  // Written out rather than calling alignUp: this is on every allocation, scan and sweep step.
  return HEADER_BYTES + nslots * SLOT_BYTES + ((payloadBytes + 7) & ~7);
}

/** Size in bytes of the object or free chunk at a (not valid for a forwarded object). */
export function cellBytes(mem: Int32Array, a: number): number {
  const w = a >> 2;
  const status = mem[w];
  if (status & FREE_BIT) return mem[w + 1];
  return objectBytes(status & NSLOTS_MASK, mem[w + 1]);
}

/** Formats [a, a+bytes) as a free chunk so that a linear heap walk can step over it. */
export function writeFreeChunk(mem: Int32Array, a: number, bytes: number): void {
  const w = a >> 2;
  mem[w] = FREE_BIT;
  mem[w + 1] = bytes;
}
