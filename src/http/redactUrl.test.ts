import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor } from '../log/redactor.ts';
import { displayOrigin, redactUrl } from './redactUrl.ts';

test('redactUrl hides credential query values and keeps the rest byte-for-byte', () => {
  const r = new Redactor();
  assert.equal(
    redactUrl('https://tq.example/api/token?grant_type=refresh_token&refresh_token=abc.def&client_id=x', r),
    'https://tq.example/api/token?grant_type=refresh_token&refresh_token=[REDACTED]&client_id=x',
  );
  assert.equal(redactUrl('https://dt.example/modelbreaches?starttime=1&minscore=0.5&a=%2F', r), 'https://dt.example/modelbreaches?starttime=1&minscore=0.5&a=%2F');
  assert.equal(redactUrl('https://u:pw12345@h.example/x?password=hunter22#frag', r), 'https://u:[REDACTED]@h.example/x?password=[REDACTED]');
});

test('redactUrl removes registered secrets anywhere in the URL', () => {
  const r = new Redactor();
  r.add('sekrit-token-value');
  assert.equal(redactUrl('https://h.example/p/sekrit-token-value?x=1', r), 'https://h.example/p/[REDACTED]?x=1');
});

test('displayOrigin drops user and password', () => {
  assert.equal(displayOrigin('http://user:pass@proxy.example:3128/'), 'http://proxy.example:3128');
  assert.equal(displayOrigin('not a url'), '(unparsable URL)');
});
