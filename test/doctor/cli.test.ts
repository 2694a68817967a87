import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import test from 'node:test';
import { systemClock } from '../../src/clock.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { runMain } from '../../src/cli/runMain.ts';
import { assertNoCanary, CANARY_PASSWORD, CANARY_PRIVATE, closedPort, doctorSims } from './harness.ts';

function captureIo(env: Record<string, string | undefined>, cwd: string): { io: CliIo; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        append(chunk.toString('utf8'));
        cb();
      },
    });
  const io: CliIo = {
    stdin: new PassThrough(),
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    isTTY: false,
    columns: 100,
    env: env as NodeJS.ProcessEnv,
    cwd,
    clock: systemClock,
    executable: '/usr/local/bin/tq-conn-darktrace',
  };
  return { io, stdout: () => out, stderr: () => err };
}

test('through the CLI entry: doctor --format json exits 0 on healthy simulators, and debug logs on stderr carry no secret', async (t) => {
  const { dir, env } = await doctorSims(t);
  const { io, stdout, stderr } = captureIo(env, dir);
  const code = await runMain(['doctor', '-c', dir, '-v', '3', '--format', 'json'], io);
  assert.equal(code, 0, stdout() + stderr());
  const results = JSON.parse(stdout()) as { check: string; status: string }[];
  assert.ok(results.every((r) => r.status !== 'fail' && r.status !== 'warn'), stdout());
  assert.ok(stderr().includes('http.request'), 'debug logging reached stderr, so the canary check below means something');
  assertNoCanary(stdout() + stderr());
});

test('through the CLI entry: wrong secrets are never echoed, in the report or the logs (exit 3)', async (t) => {
  const { dir, env } = await doctorSims(t);
  // The configured secrets are the canaries, and wrong: every refusal path runs.
  const wrong = { ...env, TQ_PASSWORD: `${CANARY_PASSWORD}x`, DARKTRACE_PRIVATE_TOKEN: `${CANARY_PRIVATE}x` };
  const { io, stdout, stderr } = captureIo(wrong, dir);
  const port = await closedPort();
  const code = await runMain(['doctor', '-c', dir, '-v', '3', '-ep', `http://user:proxy-canary-pw@127.0.0.1:${port}`], io);
  // Unreachable proxy (5) and refused login (3): the more specific auth failure decides.
  assert.equal(code, 3, stdout() + stderr());
  assertNoCanary(stdout() + stderr());
  assert.match(stdout(), /refused the login of user 'connector@threatq\.example'/);
  assert.match(stdout(), new RegExp(`fail  proxy\\.connect +Cannot reach the proxy http://127\\.0\\.0\\.1:${port}: connection refused`));

  const direct = captureIo(wrong, dir);
  assert.equal(await runMain(['doctor', '-c', dir, '-v', '3'], direct.io), 3);
  assert.match(direct.stdout(), /fail  darktrace\.signature/);
  assert.match(direct.stdout(), /fail  threatq\.login/);
  assertNoCanary(direct.stdout() + direct.stderr());
});

test('through the CLI entry: an unknown --format is a usage error (exit 2) before any check runs', async (t) => {
  const { sims, dir, env } = await doctorSims(t);
  const { io, stderr } = captureIo(env, dir);
  assert.equal(await runMain(['doctor', '--format', 'yaml'], io), 2);
  assert.match(stderr(), /--format: 'yaml'[\s\S]*text or json/);
  assert.equal(sims.darktrace.requests.length + sims.threatq.requests.length, 0);
});
