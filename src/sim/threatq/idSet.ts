/**
 * A sorted set of positive integer ids in one Int32Array: O(log n) membership, O(1) append of
 * increasing ids (how seeding fills it), and a sorted view that paging can slice directly.
 */
export class SortedIdSet {
  #ids: Int32Array;
  #size = 0;

  constructor(capacity = 16) {
    this.#ids = new Int32Array(Math.max(16, capacity));
  }

  get size(): number {
    return this.#size;
  }

  /** The ids in ascending order; a view that is only valid until the next change. */
  view(): Int32Array {
    return this.#ids.subarray(0, this.#size);
  }

  /** Index of the first id >= `id`. */
  lowerBound(id: number): number {
    let lo = 0;
    let hi = this.#size;
    const ids = this.#ids;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ids[mid] as number) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(id: number): boolean {
    const i = this.lowerBound(id);
    return i < this.#size && this.#ids[i] === id;
  }

  /** True when the id was new. */
  add(id: number): boolean {
    if (this.#size === 0 || id > (this.#ids[this.#size - 1] as number)) {
      this.#ensure(this.#size + 1);
      this.#ids[this.#size++] = id;
      return true;
    }
    const i = this.lowerBound(id);
    if (this.#ids[i] === id) return false;
    this.#ensure(this.#size + 1);
    this.#ids.copyWithin(i + 1, i, this.#size);
    this.#ids[i] = id;
    this.#size++;
    return true;
  }

  /** True when the id was present. */
  delete(id: number): boolean {
    const i = this.lowerBound(id);
    if (i >= this.#size || this.#ids[i] !== id) return false;
    this.#ids.copyWithin(i, i + 1, this.#size);
    this.#size--;
    return true;
  }

  #ensure(n: number): void {
    if (n <= this.#ids.length) return;
    const bigger = new Int32Array(Math.max(n, this.#ids.length * 2));
    bigger.set(this.#ids.subarray(0, this.#size));
    this.#ids = bigger;
  }
}
