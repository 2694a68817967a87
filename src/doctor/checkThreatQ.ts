import type { ConnectorConfig } from '../config/types.ts';
import { EXIT } from '../errors.ts';
import type { ThreatQClient } from '../threatq/client.ts';
import type { CheckList } from './checkList.ts';

export const THREATQ_API_CHECKS = ['threatq.login', 'threatq.status', 'threatq.event_types', 'threatq.assets', 'threatq.collections'] as const;

/** The event types ingest files alerts under; created by the first ingest when missing. */
const EVENT_TYPES = ['Model Breach', 'AI Analyst'] as const;

function quoted(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.map((n) => `'${n}'`).join(', ');
}

/**
 * The ThreatQ checks, reading only (a missing event type is reported, not created): the password
 * login works, and the status, event types, Asset object and collections the pipelines use exist.
 */
export async function checkThreatQ(checks: CheckList, tq: ThreatQClient, config: Pick<ConnectorConfig, 'threatq' | 'export'>): Promise<void> {
  const loggedIn = await checks.attempt('threatq.login', async () => {
    await tq.login();
    checks.ok('threatq.login', `user '${config.threatq.username}' logged in with client id '${config.threatq.clientId}' (password grant)`);
  });
  if (!loggedIn) {
    checks.skipAll(THREATQ_API_CHECKS.slice(1), 'the ThreatQ login failed');
    return;
  }

  await checks.attempt('threatq.status', async () => {
    const statuses = await tq.indicatorStatuses();
    const hit = statuses.find((s) => s.name === config.threatq.status);
    if (hit) {
      checks.ok('threatq.status', `indicator status '${hit.name}' exists (id ${hit.id})`);
      return;
    }
    const close = statuses.find((s) => s.name.trim().toLowerCase() === config.threatq.status.trim().toLowerCase());
    checks.fail(
      'threatq.status',
      `ThreatQ has no indicator status named '${config.threatq.status}'; statuses that exist: ${quoted(statuses.map((s) => s.name))}`,
      `${close ? `Names must match exactly: did you mean '${close.name}'? ` : ''}Set threatq.status (TQ_STATUS) to one of these names, spelled exactly as shown`,
      EXIT.usage,
    );
  });

  await checks.attempt('threatq.event_types', async () => {
    const parts: string[] = [];
    for (const name of EVENT_TYPES) {
      const id = await tq.eventTypeId(name);
      parts.push(id === undefined ? `'${name}' not there yet (will be created on first ingest)` : `'${name}' exists (id ${id})`);
    }
    checks.ok('threatq.event_types', `event types listable: ${parts.join(', ')}`);
  });

  await checks.attempt('threatq.assets', async () => {
    const collection = await tq.findAssetCollection();
    if (collection !== undefined) {
      checks.ok('threatq.assets', `the Asset object is available (/api/${collection})`);
      return;
    }
    checks.fail(
      'threatq.assets',
      `ThreatQ at ${new URL(tq.baseUrl).host} lists no Asset object in /api/objects: ingest cannot record the devices as assets`,
      'Assets need a ThreatQ version with the Asset system object; upgrade ThreatQ or ask its administrator to enable Assets',
      EXIT.usage,
    );
  });

  await checks.attempt('threatq.collections', async () => {
    const wanted = config.export.collections;
    const all = await tq.listCollections();
    const names = [...new Set(all.map((c) => c.name))].sort((a, b) => a.localeCompare(b));
    const missing = wanted.filter((w) => !names.includes(w));
    if (missing.length === 0) {
      checks.ok('threatq.collections', `${wanted.length === 1 ? 'collection' : `all ${wanted.length} collections`} found: ${quoted(wanted)}`);
      return;
    }
    const suggestions = missing
      .map((m) => [m, names.find((n) => n.trim().toLowerCase() === m.trim().toLowerCase())] as const)
      .filter(([, close]) => close !== undefined)
      .map(([m, close]) => `'${close}' for '${m}'`);
    checks.fail(
      'threatq.collections',
      `ThreatQ has no Threat Library collection named ${quoted(missing)}; collections that exist: ${quoted(names)}`,
      `${suggestions.length ? `Names must match exactly: did you mean ${suggestions.join(', ')}? ` : ''}Set export.collections (DARKTRACE_COLLECTIONS) to names exactly as ThreatQ shows them, separated by commas`,
      EXIT.usage,
    );
  });
}
