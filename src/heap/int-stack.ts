/**
 * A growable stack of int32 values: mark stacks, work lists, gray queues.
 * Growth doubles, so pushes are amortised O(1) and no JS object is made per
 * element.
 */
export class IntStack {
  private items: Int32Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.items = new Int32Array(initialCapacity);
  }

  push(value: number): void {
    if (this.length === this.items.length) this.grow();
    this.items[this.length++] = value;
  }

  pop(): number {
    return this.items[--this.length];
  }

  /** The element at position i from the bottom (0 <= i < length). */
  at(i: number): number {
    return this.items[i];
  }

  /** Overwrites position i (0 <= i < length); with `length = k`, this compacts the stack in place. */
  set(i: number, value: number): void {
    this.items[i] = value;
  }

  /** The elements as a typed array view (no copy; invalid after the next push that grows). */
  view(): Int32Array {
    return this.items.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  private grow(): void {
    const bigger = new Int32Array(this.items.length * 2);
    bigger.set(this.items);
    this.items = bigger;
  }
}
