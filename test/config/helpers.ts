import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { TestContext } from 'node:test';
import type { PromptIo } from '../../src/config/types.ts';

/** Canary secrets: no output, warning or error of the config modules may ever contain them. */
export const CANARY_PASSWORD = 'canary-PW-7f3a9c!x';
export const CANARY_PRIVATE = 'canaryPRIV0b8e5d21';

export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'h8-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every required setting, as a cron job with a secret store would set them. */
export function fullEnv(): Record<string, string> {
  return {
    TQ_HOST: 'tq.example',
    TQ_CLIENT_ID: 'client-1',
    TQ_USERNAME: 'svc@example.com',
    TQ_PASSWORD: CANARY_PASSWORD,
    TQ_STATUS: 'Active',
    DARKTRACE_HOST: 'https://10.0.0.5:8443',
    DARKTRACE_PUBLIC_TOKEN: 'pubtok',
    DARKTRACE_PRIVATE_TOKEN: CANARY_PRIVATE,
    DARKTRACE_COLLECTIONS: 'Export A, Export B',
    DARKTRACE_SOURCE_NAME: 'TQ-Lab',
    DARKTRACE_EXPIRATION_DAYS: '7',
  };
}

export interface FakeTerminal {
  io: PromptIo;
  /** Everything written to the output so far. */
  text(): string;
  type(text: string): void;
  /** End of input (Ctrl-D on an empty line, or a closed pipe). */
  end(): void;
}

/** Injected streams standing in for a terminal; `answers` are typed ahead, each followed by Enter. */
export function fakeTerminal(answers: string[] = [], isTTY = true): FakeTerminal {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.on('data', (c: Buffer) => {
    written += c.toString('utf8');
  });
  if (answers.length) input.write(answers.map((a) => `${a}\n`).join(''));
  return {
    io: { input, output, isTTY },
    text: () => written,
    type: (text) => input.write(text),
    end: () => input.end(),
  };
}

/** Asserts that no canary secret appears in any of the given texts. */
export function assertNoCanary(...texts: string[]): void {
  for (const t of texts) {
    for (const c of [CANARY_PASSWORD, CANARY_PRIVATE]) {
      if (t.includes(c)) throw new Error(`A secret leaked into: ${t.slice(0, 300)}`);
    }
  }
}
