import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { PromptReader } from './promptReader.ts';
import { ConnectorError } from '../errors.ts';

function terminal(isTTY = true) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (c: Buffer) => (text += c.toString()));
  const reader = new PromptReader({ input, output, isTTY });
  return { input, reader, text: () => text };
}

test('visible answers are echoed after the prompt; hidden ones leave no trace in the output', async () => {
  const t = terminal();
  t.input.write('alice@example.com\rs3cr3t-Passw0rd\r');
  assert.equal(await t.reader.ask('ThreatQ Username: '), 'alice@example.com');
  assert.equal(await t.reader.ask('ThreatQ Password: ', { hidden: true }), 's3cr3t-Passw0rd');
  t.reader.close();
  assert.equal(t.text(), 'ThreatQ Username: alice@example.com\nThreatQ Password: \n');
});

test('a hidden answer typed key by key is never echoed, even with backspaces', async () => {
  const t = terminal();
  const answer = t.reader.ask('Darktrace Private Token: ', { hidden: true });
  for (const ch of 'tokX\x7fen') t.input.write(ch);
  t.input.write('\r');
  assert.equal(await answer, 'token');
  t.reader.close();
  assert.equal(t.text(), 'Darktrace Private Token: \n');
});

test('backspace edits a visible answer; CRLF counts as one Enter; arrow keys are ignored', async () => {
  const t = terminal();
  t.input.write('Revx\x7fiew\x1b[D\r\n');
  assert.equal(await t.reader.ask('Status: '), 'Review');
  t.input.write('\n');
  assert.equal(await t.reader.ask('Source Name: '), '');
  t.reader.close();
});

test('a CR at the end of one chunk and LF at the start of the next is still one Enter', async () => {
  const t = terminal();
  t.input.write('a\r');
  assert.equal(await t.reader.ask('A: '), 'a');
  t.input.write('\nb\n');
  assert.equal(await t.reader.ask('B: '), 'b');
  t.reader.close();
});

test('multi-byte characters split across chunks are read whole', async () => {
  const t = terminal();
  const bytes = Buffer.from('Köln-Ü\n', 'utf8');
  t.input.write(bytes.subarray(0, 2));
  t.input.write(bytes.subarray(2));
  assert.equal(await t.reader.ask('Source Name: '), 'Köln-Ü');
  t.reader.close();
});

test('Ctrl-C cancels with the interrupted exit code; end of input is a usage error', async () => {
  const t = terminal();
  t.input.write('abc\x03');
  await assert.rejects(t.reader.ask('X: '), (e: unknown) => ConnectorError.is(e) && e.exitCode === 130);
  t.input.end();
  await assert.rejects(t.reader.ask('Y: '), (e: unknown) => ConnectorError.is(e) && e.code === 'E_PROMPT_EOF' && e.exitCode === 2);
  t.reader.close();
});

test('a last piped answer without a newline still counts', async () => {
  const t = terminal(false);
  t.input.end('last');
  assert.equal(await t.reader.ask('Q: '), 'last');
  t.reader.close();
});

test('raw mode is switched on while asking and off afterwards on a real terminal', async () => {
  const input = Object.assign(new PassThrough(), { isTTY: true, modes: [] as boolean[], setRawMode(this: { modes: boolean[] }, m: boolean) { this.modes.push(m); } });
  const output = new PassThrough();
  const reader = new PromptReader({ input, output, isTTY: true });
  input.write('x\n');
  await reader.ask('Q: ', { hidden: true });
  reader.close();
  assert.deepEqual(input.modes.slice(0, 2), [true, false]);
  assert.equal(input.modes.at(-1), false);
});
