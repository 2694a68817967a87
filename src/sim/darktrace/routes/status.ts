/** `GET /status` and `GET /summarystatistics`: the health answers connectivity checks use. */
import { sendJson } from '../http/respond.ts';
import type { RouteContext } from './context.ts';

export function getStatus(ctx: RouteContext): void {
  const t = new Date(ctx.now).toISOString();
  sendJson(ctx.responder, 200, {
    excessTraffic: false,
    time: `${t.slice(0, 10)} ${t.slice(11, 16)}`,
    installed: '2018-10-22',
    mobileAppConfigured: false,
    version: ctx.version,
    ipAddress: '10.0.18.5',
    label: 'simulated-master',
    modelsUpdated: '2023-11-01 11:20:30',
    bundleVersion: '61016',
    hostname: 'dt-sim-01',
    uuid: '07dcf0e5-217b-4e98-96b9-549b3dd87706',
    inoculation: false,
    type: 'master',
    antigenaNetworkEnabled: false,
    cpu: 8,
    memoryUsed: 60,
    load: 12,
    uptime: '04:55:54',
    systemuptime: '1894:29:43',
  });
}

export function getSummaryStatistics(ctx: RouteContext): void {
  const counts: Record<string, number> = {};
  for (const d of ctx.store.devices.values()) counts[d.typename] = (counts[d.typename] ?? 0) + 1;
  sendJson(ctx.responder, 200, {
    usercredentialcount: 0,
    subnets: 8,
    patterns: 3278640,
    bandwidth: [],
    antigenaDevices: 0,
    antigenaActions: 0,
    devicecount: { ...counts, total: ctx.store.devices.size },
  });
}
