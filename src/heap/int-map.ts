/**
 * A map from positive int32 keys (addresses) to int32 values, in typed arrays
 * with open addressing and linear probing. Its memory grows with the number
 * of entries, not with the heap, and no JS object is made per entry.
 */
export class IntMap {
  private keys: Int32Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.keys = new Int32Array(n);
    this.values = new Int32Array(n);
    this.mask = n - 1;
  }

  private slot(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask;
    while (this.keys[i] !== 0 && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  /** The value for `key` (> 0), or undefined. */
  get(key: number): number | undefined {
    const i = this.slot(key);
    return this.keys[i] === key ? this.values[i] : undefined;
  }

  has(key: number): boolean {
    return this.keys[this.slot(key)] === key;
  }

  set(key: number, value: number): void {
    let i = this.slot(key);
    if (this.keys[i] !== key) {
      if ((this.size + 1) * 2 > this.keys.length) {
        this.grow();
        i = this.slot(key);
      }
      this.keys[i] = key;
      this.size++;
    }
    this.values[i] = value;
  }

  clear(): void {
    this.keys.fill(0);
    this.size = 0;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Int32Array(oldKeys.length * 2);
    this.values = new Int32Array(oldValues.length * 2);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== 0) this.set(oldKeys[i], oldValues[i]);
  }
}
