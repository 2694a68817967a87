import type Database from 'better-sqlite3';
import type { ThreatQClient } from '../threatq/client.ts';
import type { SourceInput } from '../threatq/types.ts';
import type { MappedDevice } from './mapDevice.ts';
import type { AlertKind } from './mappedAlert.ts';

/**
 * Which devices each event of this run involves, kept in a TEMP table (not in memory: a
 * backfill may touch tens of thousands), so that every device is written to ThreatQ once per
 * run with all its events. The table dies with the connection; after a crash the ledger's
 * 'linking' rows tell the next run what to relink.
 */
export class DeviceLinks {
  readonly #insert: Database.Statement;
  readonly #insertAlert: Database.Statement;

  constructor(private readonly sqlite: Database.Database) {
    sqlite.exec(`CREATE TEMP TABLE IF NOT EXISTS ingest_links (device_key TEXT NOT NULL, event_id INTEGER NOT NULL, device_json TEXT NOT NULL, PRIMARY KEY (device_key, event_id)) WITHOUT ROWID;
                 CREATE TEMP TABLE IF NOT EXISTS ingest_link_alerts (kind TEXT NOT NULL, darktrace_id TEXT NOT NULL, PRIMARY KEY (kind, darktrace_id)) WITHOUT ROWID;`);
    this.clear();
    this.#insert = sqlite.prepare('INSERT OR REPLACE INTO temp.ingest_links (device_key, event_id, device_json) VALUES (?, ?, ?)');
    this.#insertAlert = sqlite.prepare('INSERT OR IGNORE INTO temp.ingest_link_alerts (kind, darktrace_id) VALUES (?, ?)');
  }

  add(kind: AlertKind, darktraceId: string, eventId: number, devices: MappedDevice[]): void {
    this.sqlite.transaction(() => {
      this.#insertAlert.run(kind, darktraceId);
      for (const d of devices) this.#insert.run(d.key, eventId, JSON.stringify(d));
    })();
  }

  /** An alert whose devices cannot be known any more (gone from Darktrace): nothing to relink. */
  addAlertOnly(kind: AlertKind, darktraceId: string): void {
    this.#insertAlert.run(kind, darktraceId);
  }

  alerts(): Array<{ kind: AlertKind; darktraceId: string }> {
    return this.sqlite.prepare('SELECT kind, darktrace_id AS darktraceId FROM temp.ingest_link_alerts').all() as Array<{ kind: AlertKind; darktraceId: string }>;
  }

  clear(): void {
    this.sqlite.exec('DELETE FROM temp.ingest_links; DELETE FROM temp.ingest_link_alerts;');
  }

  /** Upserts every linked device's indicators, then its asset, each related to its events. */
  async writeDevices(
    threatq: ThreatQClient,
    o: { status: string; sources: SourceInput[]; batchSize: number; signal: AbortSignal },
  ): Promise<{ devices: number; indicators: number; assets: number }> {
    const rows = this.sqlite
      // Per device *as each alert reported it*: one device id seen with another address (DHCP)
      // in another alert is written with both, each related to its own alerts.
      .prepare('SELECT device_key AS key, device_json AS json, group_concat(event_id) AS events FROM temp.ingest_links GROUP BY device_key, device_json ORDER BY device_key, device_json')
      .all() as Array<{ key: string; json: string; events: string }>;
    if (rows.length === 0) return { devices: 0, indicators: 0, assets: 0 };
    const devices = rows.map((r) => ({ device: JSON.parse(r.json) as MappedDevice, eventIds: r.events.split(',').map(Number) }));

    const indicators = new Map<string, { value: string; typeName: string; eventIds: Set<number> }>();
    for (const { device, eventIds } of devices) {
      for (const ind of device.indicators) {
        const k = `${ind.typeName}\0${ind.value}`;
        const item = indicators.get(k) ?? { value: ind.value, typeName: ind.typeName, eventIds: new Set<number>() };
        for (const id of eventIds) item.eventIds.add(id);
        indicators.set(k, item);
      }
    }
    const indicatorItems = [...indicators.values()].map((i) => ({ value: i.value, typeName: i.typeName, statusName: o.status, sources: o.sources, eventIds: [...i.eventIds].sort((a, b) => a - b) }));
    const results = await threatq.upsertIndicators(indicatorItems, { batchSize: o.batchSize });
    const idByKey = new Map<string, number>();
    const failed = results.filter((r) => !r.ok);
    if (failed.length) throw failed[0]!.error;
    for (const r of results) if (r.ok) idByKey.set(`${r.item.typeName}\0${r.item.value}`, r.id);
    if (o.signal.aborted) return { devices: devices.length, indicators: indicatorItems.length, assets: 0 };

    const assets = new Map<string, { eventIds: Set<number>; indicatorIds: Set<number> }>();
    for (const { device, eventIds } of devices) {
      const a = assets.get(device.assetName) ?? { eventIds: new Set<number>(), indicatorIds: new Set<number>() };
      for (const id of eventIds) a.eventIds.add(id);
      for (const ind of device.indicators) {
        const id = idByKey.get(`${ind.typeName}\0${ind.value}`);
        if (id !== undefined) a.indicatorIds.add(id);
      }
      assets.set(device.assetName, a);
    }
    const assetItems = [...assets].map(([value, a]) => ({ value, sources: o.sources, eventIds: [...a.eventIds].sort((x, y) => x - y), indicatorIds: [...a.indicatorIds].sort((x, y) => x - y) }));
    const assetResults = await threatq.upsertAssets(assetItems, { batchSize: o.batchSize });
    const assetFailed = assetResults.filter((r) => !r.ok);
    if (assetFailed.length) throw assetFailed[0]!.error;
    return { devices: devices.length, indicators: indicatorItems.length, assets: assetItems.length };
  }
}
