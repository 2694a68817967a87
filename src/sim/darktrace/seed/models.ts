/**
 * A catalogue of model definitions shaped like the recorded payloads: `Category::Name` and
 * `Category / Name` spellings, descriptions with literal `\n` escape sequences, `actions.setTag`
 * as false, a number or an array with `tagTTL`, some models edited since (then ≠ now), one
 * hostile custom model and one with a 100 kB description.
 */
import type { SimModel } from '../types.ts';
import { HUGE_TEXT, HOSTILE_MODEL_NAME } from './hostile.ts';

export type ModelKind = 'network' | 'system' | 'saas' | 'watched' | 'hostile' | 'huge';

export interface CatalogueModel {
  kind: ModelKind;
  then: SimModel;
  now: SimModel;
  metric: { mlid: number; name: string; label: string };
  mitre?: { technique: string; techniqueID: string }[];
  /** First component id; each breach of the model triggers cid (and sometimes cid + 1). */
  cid: number;
}

interface Spec {
  name: string;
  priority: number;
  kind: ModelKind;
  description: string;
  metric: [number, string, string];
  compliance?: boolean;
  edited?: boolean;
  setTag?: false | number | string[];
  mitre?: [string, string][];
  tags?: string[];
}

// Literal backslash-n sequences, as Darktrace writes them inside model descriptions.
const NL = '\\n\\n';

const SPECS: Spec[] = [
  { name: 'Compromise::Watched Domain', priority: 5, kind: 'watched', description: `A device is connecting to a watched domain or IP from the intel feed.${NL}Action: Review the source of the watched endpoint and the device's activity.`, metric: [1, 'connections', 'Connections'], mitre: [['Application Layer Protocol', 'T1071']] },
  { name: 'Device::Attack and Recon Tools', priority: 4, kind: 'network', description: `A device is using common penetration testing tools.${NL}Action: Review the device to see if it is a security device.`, metric: [16, 'connections', 'Connections'], tags: ['AP: Internal Recon'], mitre: [['Network Service Discovery', 'T1046']] },
  { name: 'System::Packet Loss', priority: 0, kind: 'system', description: `Packet loss is higher than 30%. Sustained packet loss at or above this level will significantly impact Darktrace detections.${NL}Action: Investigate why Darktrace is missing so much traffic.`, metric: [256, 'capturelosstoomuchloss', 'Capture loss Detected upstream'] },
  { name: 'System::Probe Error', priority: 1, kind: 'system', description: `A probe has reported an error.${NL}Action: Check the probe on the status page.`, metric: [257, 'systemmessages', 'System Messages'] },
  { name: 'Anomalous Connection::Data Sent to Rare Domain', priority: 4, kind: 'network', description: `A device has sent an unusual amount of data to a rare external domain.${NL}Action: Review the destination and the data volume.`, metric: [5, 'externalclientdatatransfervolume', 'External Data Transfer'], edited: true, setTag: 63, mitre: [['Exfiltration Over C2 Channel', 'T1041']] },
  { name: 'Anomalous Connection::Multiple Failed Connections to Rare Endpoint', priority: 3, kind: 'network', description: `A device is repeatedly failing to connect to a rare endpoint.${NL}Action: Check for malware or misconfiguration.`, metric: [19, 'failedconnections', 'Failed Connections'] },
  { name: 'Compromise::Beaconing Activity To External Rare', priority: 4, kind: 'network', description: `A device is making regular connections to a rare external location.${NL}Action: Review the endpoint for command and control.`, metric: [2, 'beaconing', 'Beaconing Score'], setTag: ['60'], mitre: [['Web Protocols', 'T1071.001']] },
  { name: 'Compromise::Sustained SSL or HTTP Increase', priority: 3, kind: 'network', description: `A device shows a sustained increase in SSL or HTTP connections.${NL}Action: Check the destinations.`, metric: [3, 'sslconnections', 'SSL Connections'] },
  { name: 'Device / Suspicious Domain', priority: 4, kind: 'network', description: `A device connected to a domain with suspicious properties.${NL}Action: Review the domain.`, metric: [11, 'dnsrequests', 'DNS Requests'], edited: true },
  { name: 'Unusual Activity / Unusual Activity from Re-Activated Device', priority: 3, kind: 'network', description: 'A device that had been inactive has become active again with unusual behaviour.', metric: [16, 'connections', 'Connections'] },
  { name: 'Compliance::Remote Desktop to Internet', priority: 2, kind: 'network', compliance: true, description: `A device is using RDP to an external host.${NL}Action: Confirm this is allowed by policy.`, metric: [16, 'connections', 'Connections'] },
  { name: 'Compliance::Possible Tor Usage', priority: 3, kind: 'network', compliance: true, description: 'A device connected to a known Tor node.', metric: [16, 'connections', 'Connections'], mitre: [['Proxy', 'T1090']] },
  { name: 'SaaS / Admin / User Added To Admin Group', priority: 4, kind: 'saas', description: `A SaaS user was added to an administrative group.${NL}Action: Confirm the change was expected.`, metric: [300, 'saasevents', 'SaaS Events'], mitre: [['Account Manipulation', 'T1098']] },
  { name: 'SaaS::Access::Unusual External Source for SaaS Credential Use', priority: 3, kind: 'saas', description: 'A SaaS credential was used from an unusual external source.', metric: [301, 'saaslogins', 'SaaS Logins'], mitre: [['Valid Accounts', 'T1078']] },
  { name: 'SaaS::Compromise::Login From Rare Endpoint While User Is Active', priority: 5, kind: 'saas', description: `A SaaS account logged in from a rare endpoint while the user was active elsewhere.${NL}Action: Reset the credential if unexpected.`, metric: [301, 'saaslogins', 'SaaS Logins'], edited: true, setTag: ['61', '62'] },
  { name: 'Anomalous File::Zip or Gzip from Rare External Location', priority: 3, kind: 'network', description: 'A device downloaded an archive from a rare external location.', metric: [40, 'httpfiles', 'HTTP Files'] },
  { name: 'Device::New User Agent To Internal Server', priority: 2, kind: 'network', description: 'A device used a new user agent to talk to an internal server.', metric: [41, 'httprequests', 'HTTP Requests'] },
  { name: 'Attack Path Modelling::Model Breach on Critical Attack Path', priority: 5, kind: 'network', description: 'A model breach happened on a device on a critical attack path.', metric: [16, 'connections', 'Connections'] },
  { name: 'Testing::Cats DNS', priority: 3, kind: 'network', description: 'DNS lookups for various https://cats.com/', metric: [11, 'dnsrequests', 'DNS Requests'], edited: true },
  { name: HOSTILE_MODEL_NAME, priority: 4, kind: 'hostile', description: `<b>Custom</b> model by "ops" & 'sec'${NL}<img src=x onerror=alert(document.cookie)>`, metric: [16, 'connections', 'Connections'] },
  { name: 'Custom::Verbose Model', priority: 3, kind: 'huge', description: HUGE_TEXT, metric: [16, 'connections', 'Connections'] },
];

export const MODEL_CATALOGUE: readonly CatalogueModel[] = SPECS.map(build);

export function modelsOfKind(kind: ModelKind): CatalogueModel[] {
  return MODEL_CATALOGUE.filter((m) => m.kind === kind);
}

function build(spec: Spec, i: number): CatalogueModel {
  const pid = 100 + i * 37;
  const cid = 2000 + i * 11;
  const uuid = `${(0x3338210a + i * 7919).toString(16).padStart(8, '0')}-8979-4a1b-8039-${(0x63ca8addf166 + i).toString(16).padStart(12, '0')}`;
  const priority = spec.priority;
  const then: SimModel = {
    name: spec.name,
    pid,
    phid: pid * 3,
    uuid,
    logic: { data: [cid], type: 'componentList', version: 1 },
    throttle: spec.kind === 'system' ? 86400 : 3600,
    sharedEndpoints: false,
    actions: {
      alert: true,
      antigena: {},
      breach: true,
      model: true,
      setPriority: false,
      setTag: spec.setTag ?? false,
      setType: false,
      ...(Array.isArray(spec.setTag) ? { tagTTL: 86400 } : {}),
    },
    tags: spec.tags ?? [],
    interval: spec.kind === 'system' ? 3600 : 300,
    delay: 0,
    sequenced: false,
    active: true,
    modified: '2023-08-01 10:20:30',
    activeTimes: { devices: {}, tags: {}, type: 'exclusions', version: 2 },
    autoUpdatable: true,
    autoUpdate: true,
    autoSuppress: true,
    description: spec.description,
    behaviour: spec.kind === 'system' ? 'decreasing' : 'flat',
    created: { by: 'System' },
    edited: { by: 'System' },
    version: 10 + (i % 7),
    priority,
    category: priority >= 5 ? 'Critical' : priority === 4 ? 'Suspicious' : 'Informational',
    compliance: spec.compliance ?? false,
  };
  const now: SimModel = spec.edited
    ? {
        ...then,
        phid: then.phid + 1,
        version: (then.version as number) + 1,
        modified: '2023-10-12 08:00:00',
        edited: { by: 'analyst.one', userID: 4 },
        message: 'Tuned thresholds',
        tags: [...(spec.tags ?? []), 'Tuned'],
      }
    : then;
  const model: CatalogueModel = {
    kind: spec.kind,
    then,
    now,
    metric: { mlid: spec.metric[0], name: spec.metric[1], label: spec.metric[2] },
    cid,
  };
  if (spec.mitre) model.mitre = spec.mitre.map(([technique, techniqueID]) => ({ technique, techniqueID }));
  return model;
}
