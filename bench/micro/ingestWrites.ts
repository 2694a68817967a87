/**
 * The SQLite writes of a first ingest of 55,000 alerts, without the network: 110 batches of 500
 * through AlertLedgerStore.markCreating (each with the previous batch's confirmations) and
 * DeviceLinks.addMany (two devices per alert, out of 20,000), as runIngest does, then
 * DeviceLinks.writeDevices against a ThreatQ stand-in that answers at once (its own SQL: the
 * indicator and asset lists built from the links, read a page at a time).
 * `before` puts back what this was measured against: the ledger's title and event-id indexes
 * (dropped by migration 0003) and the device-first key of the links table.
 *   node --import tsx bench/micro/ingestWrites.ts [before]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStateDb } from '../../src/state/openStateDb.ts';
import { AlertLedgerStore } from '../../src/ingest/alertLedgerStore.ts';
import { DeviceLinks } from '../../src/ingest/deviceLinks.ts';

const before = process.argv[2] === 'before';
const dir = mkdtempSync(path.join(os.tmpdir(), 'ingest-writes-'));
const db = openStateDb({ path: path.join(dir, 'state.db') });
try {
  if (before) {
    db.sqlite.exec(`CREATE INDEX alert_ledger_event ON alert_ledger (threatq_event_id); CREATE INDEX alert_ledger_title ON alert_ledger (title);
      CREATE TEMP TABLE ingest_links (device_key TEXT NOT NULL, event_id INTEGER NOT NULL, device_json TEXT NOT NULL, PRIMARY KEY (device_key, event_id)) WITHOUT ROWID;`);
  }
  const store = new AlertLedgerStore(db.sqlite);
  const links = new DeviceLinks(db.sqlite);
  const models = Array.from({ length: 300 }, (_, i) => `Device / Anomalous Activity ${i} / Model ${(i * 7919) % 1000}`);
  const device = (d: number) => ({
    key: `did:${d}`,
    indicators: [
      { typeName: 'IP Address' as const, value: `10.${(d >> 16) & 255}.${(d >> 8) & 255}.${d & 255}` },
      { typeName: 'FQDN' as const, value: `host-${d}.corp.example.com` },
    ],
    assetName: `host-${d}.corp.example.com`,
  });
  let ledgerMs = 0;
  let linksMs = 0;
  let confirm: Array<{ kind: 'model_breach'; darktraceId: string; eventId: number; action: 'created' }> = [];
  let pbid = 100_000;
  let eventId = 1;
  for (let b = 0; b < 110; b++) {
    const rows = Array.from({ length: 500 }, () => {
      const id = pbid++;
      return { kind: 'model_breach' as const, darktraceId: String(id), contentHash: 'h'.repeat(40), title: `Model Breach: ${models[(id * 31) % 300]} on host-${(id * 17) % 20_000} [pbid ${id}]`, alertTime: id };
    });
    let t = performance.now();
    store.markCreating(rows, 1, { confirm, now: 1 });
    ledgerMs += performance.now() - t;
    confirm = rows.map((r) => ({ kind: 'model_breach' as const, darktraceId: r.darktraceId, eventId: eventId++, action: 'created' as const }));
    t = performance.now();
    links.addMany(confirm.map((c) => ({ ...c, devices: [device((c.eventId * 7919) % 20_000), device((c.eventId * 104_729) % 20_000)] })));
    linksMs += performance.now() - t;
  }
  let t = performance.now();
  store.confirm(confirm, 1, 2);
  ledgerMs += performance.now() - t;
  let nextId = 1;
  const answer = <T>(items: T[]) => Promise.resolve(items.map((item) => ({ ok: true as const, item, id: nextId++ })));
  const threatq = { upsertIndicators: answer, upsertAssets: answer } as unknown as Parameters<DeviceLinks['writeDevices']>[0];
  t = performance.now();
  const written = await links.writeDevices(threatq, { status: 'Review', sources: [{ name: 'Darktrace' }], batchSize: 500, signal: new AbortController().signal });
  const devicesMs = performance.now() - t;
  console.log(
    `${before ? 'before (title and event-id indexes, links keyed by device)' : 'as now'}: ledger ${Math.round(ledgerMs)} ms, device links ${Math.round(linksMs)} ms, ` +
      `device lists ${Math.round(devicesMs)} ms (${written.indicators} indicators, ${written.assets} assets), database ${(statSync(path.join(dir, 'state.db')).size / 1e6).toFixed(1)} MB`,
  );
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
