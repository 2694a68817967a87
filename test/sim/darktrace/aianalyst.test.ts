import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { DAY, T0, startHarness } from './harness.ts';

const HOUR = 3_600_000;
const ids = (list: { id: string }[]) => list.map((e) => e.id);

async function withEvents(t: TestContext) {
  const h = await startHarness(t);
  const { sim } = h;
  const recent = sim.addEvent({ id: 'e-recent', createdAt: T0 - 2 * HOUR, aiaScore: 80, groupScore: 70, category: 'critical' });
  const sibling = sim.addEvent({ id: 'e-sibling', createdAt: T0 - HOUR, currentGroup: recent.currentGroup, aiaScore: 30 });
  const old = sim.addEvent({ id: 'e-old', createdAt: T0 - 10 * DAY, aiaScore: 50, groupScore: 20 });
  const pinnedOld = sim.addEvent({ id: 'e-pinned', createdAt: T0 - 20 * DAY, pinned: true, groupScore: 10 });
  const acked = sim.addEvent({ id: 'e-acked', createdAt: T0 - 3 * HOUR, acknowledged: true, groupScore: 90 });
  return { h, recent, sibling, old, pinnedOld, acked };
}

test('incidentevents: last 7 days by default, pinned events always, acknowledged only on request', async (t) => {
  const { h } = await withEvents(t);
  assert.deepEqual(ids(await h.get('/aianalyst/incidentevents')), ['e-pinned', 'e-recent', 'e-sibling']);
  assert.deepEqual(ids(await h.get('/aianalyst/incidentevents?includeallpinned=false')), ['e-recent', 'e-sibling']);
  assert.deepEqual(ids(await h.get('/aianalyst/incidentevents?includeacknowledged=true&includeallpinned=false')), ['e-acked', 'e-recent', 'e-sibling']);
  assert.deepEqual(ids(await h.get(`/aianalyst/incidentevents?starttime=${T0 - 11 * DAY}&endtime=${T0 - 9 * DAY}&includeallpinned=false`)), ['e-old']);
  // Only an endtime: the window reaches 7 days back from it.
  assert.deepEqual(ids(await h.get(`/aianalyst/incidentevents?endtime=${T0 - 5 * DAY}&includeallpinned=false`)), ['e-old']);
  assert.deepEqual(ids(await h.get('/aianalyst/incidentevents?includeonlypinned=true')), ['e-pinned']);
});

test('incidentevents: minscore, mingroupscore, uuid and groupid', async (t) => {
  const { h, recent } = await withEvents(t);
  assert.deepEqual(ids(await h.get('/aianalyst/incidentevents?minscore=60&includeallpinned=false')), ['e-recent']);
  // The sibling has its own low aiaScore but lives in the 70-point incident.
  assert.deepEqual(ids(await h.get('/aianalyst/incidentevents?mingroupscore=60&includeallpinned=false')), ['e-recent', 'e-sibling']);
  assert.deepEqual(ids(await h.get('/aianalyst/incidentevents?uuid=e-old,e-acked')), ['e-old', 'e-acked']);
  assert.deepEqual(ids(await h.get(`/aianalyst/incidentevents?groupid=${recent.currentGroup}`)), ['e-recent', 'e-sibling']);
});

test('groups and incidentevents agree: ids, g prefix, incidentEvents, scores', async (t) => {
  const { h } = await withEvents(t);
  const events = await h.get('/aianalyst/incidentevents?includeacknowledged=true&starttime=0');
  const groups = await h.get('/aianalyst/groups?includeacknowledged=true&starttime=0');
  assert.equal(groups.length, 4);
  for (const e of events) {
    assert.match(e.currentGroup, /^g/);
    const g = groups.find((x: { id: string }) => x.id === e.currentGroup);
    assert.ok(g, `no group ${e.currentGroup}`);
    assert.ok(g.incidentEvents.some((r: { uuid: string }) => r.uuid === e.id));
    assert.equal(Number(e.groupScore), g.groupScore);
  }
  const fromEvent = await h.get('/aianalyst/groups?uuid=e-sibling');
  assert.deepEqual(fromEvent.map((g: { id: string }) => g.id), ['ge-recent']);
});

test('merging an incident changes currentGroup and fills groupPreviousGroups', async (t) => {
  const { h, recent, old } = await withEvents(t);
  const oldGroup = old.currentGroup;
  h.sim.mergeIncident(oldGroup, recent.currentGroup);
  const merged = (await h.get('/aianalyst/incidentevents?uuid=e-old'))[0];
  assert.equal(merged.currentGroup, recent.currentGroup);
  assert.deepEqual(merged.groupPreviousGroups, [oldGroup]);
  assert.equal(merged.groupScore, 70);
  const g = (await h.get(`/aianalyst/groups?groupid=${recent.currentGroup}`))[0];
  assert.deepEqual(g.previousIds, [oldGroup]);
  assert.deepEqual(g.incidentEvents.map((r: { uuid: string }) => r.uuid), ['e-recent', 'e-sibling', 'e-old']);
  assert.deepEqual(await h.get(`/aianalyst/groups?groupid=${oldGroup}`), []);
});

test('quirky events: string groupScore and null groupPreviousGroups are written as stored', async (t) => {
  const h = await startHarness(t);
  h.sim.addEvent({ id: 'legacy', createdAt: T0 - HOUR, groupScoreAsString: true, previousGroupsNull: true, groupScore: 72.9174234 });
  const [e] = await h.get('/aianalyst/incidentevents');
  assert.equal(e.groupScore, '72.9174234');
  assert.equal(e.groupPreviousGroups, null);
});

test('acknowledge and pin are form-only; they change what the next poll sees', async (t) => {
  const { h } = await withEvents(t);
  const json = await h.postJson('/aianalyst/acknowledge', { uuid: 'e-recent' });
  assert.equal(json.status, 400);
  const r = await h.postForm('/aianalyst/acknowledge', { uuid: 'e-recent,e-sibling' });
  assert.deepEqual([r.status, r.json()], [200, { aianalyst: 'SUCCESS' }]);
  assert.deepEqual(ids(await h.get('/aianalyst/incidentevents')), ['e-pinned']);
  const groups = await h.get('/aianalyst/groups?includeacknowledged=true');
  assert.equal(groups.find((g: { id: string }) => g.id === 'ge-recent').acknowledged, true);
  await h.postForm('/aianalyst/unpin', { uuid: 'e-pinned' });
  assert.deepEqual(ids(await h.get('/aianalyst/incidentevents')), []);
  assert.equal((await h.postForm('/aianalyst/pin', { uuid: 'no-such-event' })).status, 400);
});

test('incident comments round-trip', async (t) => {
  const { h } = await withEvents(t);
  assert.equal((await h.postJson('/aianalyst/incident/comments', { incident_id: 'e-recent', message: 'hello' })).json().aianalyst, 'SUCCESS');
  const got = await h.get('/aianalyst/incident/comments?incident_id=e-recent');
  assert.deepEqual(got.comments.map((c: { message: string; incident_id: string }) => [c.incident_id, c.message]), [['e-recent', 'hello']]);
});
