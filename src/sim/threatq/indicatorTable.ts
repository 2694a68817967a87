/**
 * Indicators in columns (one typed array per field, ids = row + 1) so a million of them fit in
 * little memory and seed in seconds. De-duplication is by (type, value): a value index maps each
 * value to the ids carrying it, usually exactly one.
 */
export interface IndicatorRow {
  value: string;
  typeId: number;
  statusId: number;
  score?: number;
  createdAt: number;
  updatedAt?: number;
  touchedAt?: number;
  description?: string;
}

export class IndicatorTable {
  #count = 0;
  #capacity: number;
  readonly values: string[] = [];
  typeIds: Uint16Array;
  statusIds: Uint16Array;
  scores: Uint8Array;
  /** Seconds since the epoch. */
  createdAt: Float64Array;
  updatedAt: Float64Array;
  touchedAt: Float64Array;
  readonly descriptions = new Map<number, string>();
  /** value → id, or → ids when one value exists under several types. */
  readonly #byValue = new Map<string, number | number[]>();

  constructor(capacity = 1024) {
    this.#capacity = capacity;
    this.typeIds = new Uint16Array(capacity);
    this.statusIds = new Uint16Array(capacity);
    this.scores = new Uint8Array(capacity);
    this.createdAt = new Float64Array(capacity);
    this.updatedAt = new Float64Array(capacity);
    this.touchedAt = new Float64Array(capacity);
  }

  get count(): number {
    return this.#count;
  }

  has(id: number): boolean {
    return Number.isInteger(id) && id >= 1 && id <= this.#count;
  }

  /** Makes room for `n` more rows at once (seeding a million rows without repeated growth). */
  reserve(n: number): void {
    const need = this.#count + n;
    if (need <= this.#capacity) return;
    const cap = Math.max(need, this.#capacity * 2);
    const grow = <T extends Uint16Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.typeIds = grow(this.typeIds, (c) => new Uint16Array(c));
    this.statusIds = grow(this.statusIds, (c) => new Uint16Array(c));
    this.scores = grow(this.scores, (c) => new Uint8Array(c));
    this.createdAt = grow(this.createdAt, (c) => new Float64Array(c));
    this.updatedAt = grow(this.updatedAt, (c) => new Float64Array(c));
    this.touchedAt = grow(this.touchedAt, (c) => new Float64Array(c));
    this.#capacity = cap;
  }

  /** Adds a row without checking for duplicates (the caller did); returns its id. */
  insert(row: IndicatorRow): number {
    this.reserve(1);
    const i = this.#count++;
    const id = i + 1;
    this.values.push(row.value);
    this.typeIds[i] = row.typeId;
    this.statusIds[i] = row.statusId;
    this.scores[i] = row.score ?? 0;
    this.createdAt[i] = row.createdAt;
    this.updatedAt[i] = row.updatedAt ?? row.createdAt;
    this.touchedAt[i] = row.touchedAt ?? row.updatedAt ?? row.createdAt;
    if (row.description !== undefined) this.descriptions.set(id, row.description);
    this.#index(row.value, id);
    return id;
  }

  find(typeId: number, value: string): number | undefined {
    const hit = this.#byValue.get(value);
    if (hit === undefined) return undefined;
    if (typeof hit === 'number') return this.typeIds[hit - 1] === typeId ? hit : undefined;
    return hit.find((id) => this.typeIds[id - 1] === typeId);
  }

  idsWithValue(value: string): number[] {
    const hit = this.#byValue.get(value);
    if (hit === undefined) return [];
    return typeof hit === 'number' ? [hit] : [...hit];
  }

  value(id: number): string {
    return this.values[id - 1] as string;
  }

  typeId(id: number): number {
    return this.typeIds[id - 1] as number;
  }

  statusId(id: number): number {
    return this.statusIds[id - 1] as number;
  }

  setValue(id: number, value: string): void {
    const old = this.value(id);
    if (old === value) return;
    this.#unindex(old, id);
    this.values[id - 1] = value;
    this.#index(value, id);
  }

  #index(value: string, id: number): void {
    const hit = this.#byValue.get(value);
    if (hit === undefined) this.#byValue.set(value, id);
    else if (typeof hit === 'number') this.#byValue.set(value, [hit, id]);
    else hit.push(id);
  }

  #unindex(value: string, id: number): void {
    const hit = this.#byValue.get(value);
    if (hit === undefined) return;
    if (typeof hit === 'number') {
      if (hit === id) this.#byValue.delete(value);
      return;
    }
    const rest = hit.filter((x) => x !== id);
    if (rest.length === 0) this.#byValue.delete(value);
    else this.#byValue.set(value, rest.length === 1 ? (rest[0] as number) : rest);
  }
}
