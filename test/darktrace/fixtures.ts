import { readFileSync } from 'node:fs';

/** A fixture from test/darktrace/fixtures, parsed fresh each time so tests can change it. */
export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** The raw text of a fixture (for serving byte-for-byte). */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}
