import type { Tokens, TokenStore } from './tokenStore.ts';

/** A TokenStore that lives as long as the process: tests, `doctor`, one-off commands. */
export class MemoryTokenStore implements TokenStore {
  #tokens: Tokens | undefined;

  constructor(initial?: Tokens) {
    this.#tokens = initial === undefined ? undefined : { ...initial };
  }

  load(): Tokens | undefined {
    return this.#tokens === undefined ? undefined : { ...this.#tokens };
  }

  save(tokens: Tokens): void {
    this.#tokens = { ...tokens };
  }

  clear(): void {
    this.#tokens = undefined;
  }
}
