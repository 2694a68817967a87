import { Redactor } from '../log/redactor.ts';

/** Anything that can be told about a secret value, e.g. the run's log Redactor. */
export interface SecretSink {
  add(secret: string | undefined | null): void;
}

/**
 * Knows the password and every token this client has seen. It scrubs them out of the text the
 * client itself builds (error messages, body excerpts) and forwards each one to the run's log
 * Redactor, so a transport that logs URLs cannot show the refresh token it carries in the query.
 */
export class SecretKeeper {
  readonly #own = new Redactor();
  readonly #external: SecretSink | undefined;

  constructor(external?: SecretSink) {
    this.#external = external;
  }

  add(secret: string | undefined | null): void {
    this.#own.add(secret);
    this.#external?.add(secret);
  }

  scrub = (text: string): string => this.#own.text(text);
}
