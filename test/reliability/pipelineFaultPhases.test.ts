/**
 * The pipeline fault matrix's phase generator: routes are normalised so that requests to the
 * same endpoint group together, and the fault rule built from a route hits exactly that route.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseRoute, routePattern } from './support/pipelinePhases.ts';

test('ids, hashes and uuids in a path become placeholders; names stay', () => {
  assert.equal(normaliseRoute('/api/events/12/attributes/7'), '/api/events/{id}/attributes/{id}');
  assert.equal(normaliseRoute('/api/indicators/query/hash/0c1da6fb46cf651f4f7a208bd7d2be96'), '/api/indicators/query/hash/{hash}');
  assert.equal(normaliseRoute('/aianalyst/incidentevents'), '/aianalyst/incidentevents');
  assert.equal(normaliseRoute('/x/6f1c2a4e-1b2c-4d5e-8f90-0123456789ab'), '/x/{uuid}');
});

test('a route pattern matches its own requests, with or without a query, and no longer or shorter path', () => {
  const events = routePattern('/api/events/{id}');
  assert.ok(events.test('/api/events/7'));
  assert.ok(events.test('/api/events/7?with=attribute'));
  assert.ok(!events.test('/api/events/7/attributes'));
  assert.ok(!events.test('/api/events'));
  const feed = routePattern('/intelfeed');
  assert.ok(feed.test('/intelfeed?source=ThreatQ'));
  assert.ok(!feed.test('/intelfeedx'));
});
