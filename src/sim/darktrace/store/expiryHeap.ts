/** A binary min-heap of expiry times, so the next lapse is found without scanning every entry. */
export class ExpiryHeap {
  #items: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(at: number): void {
    const a = this.#items;
    let i = a.length;
    a.push(at);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((a[parent] as number) <= at) break;
      a[i] = a[parent] as number;
      i = parent;
    }
    a[i] = at;
  }

  peek(): number | undefined {
    return this.#items[0];
  }

  pop(): number | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && (a[r] as number) < (a[l] as number) ? r : l;
      if ((a[child] as number) >= last) break;
      a[i] = a[child] as number;
      i = child;
    }
    a[i] = last;
    return top;
  }

  clear(): void {
    this.#items = [];
  }
}
