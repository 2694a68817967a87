import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelAllowed } from './modelFilter.ts';

test('with no globs every model is ingested', () => {
  assert.equal(modelAllowed('Anomalous Connection::Data Sent to Rare Domain', { includeModels: [], excludeModels: [] }), true);
});

test('include globs match the whole name, case-insensitively, with * and ?', () => {
  const f = { includeModels: ['anomalous connection::*', 'Device::New ?ser Agent'], excludeModels: [] };
  assert.equal(modelAllowed('Anomalous Connection::Data Sent to Rare Domain', f), true);
  assert.equal(modelAllowed('Device::New User Agent', f), true);
  assert.equal(modelAllowed('Compliance::Anomalous Connection::X', f), false);
});

test('exclude wins over include and regex characters are literal', () => {
  const f = { includeModels: ['*'], excludeModels: ['Compliance::*', 'a.b(c)'] };
  assert.equal(modelAllowed('Compliance::SMB Drive Write', f), false);
  assert.equal(modelAllowed('a.b(c)', f), false);
  assert.equal(modelAllowed('aXb(c)', f), true);
});
