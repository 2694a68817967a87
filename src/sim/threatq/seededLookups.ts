/**
 * What a fresh ThreatQ instance ships with: the 34 indicator types numbered alphabetically from
 * 1 (the numbering Siemplify's table records), the five statuses and the 14 event types with
 * their real ids (threatqsdk's tq_mappings, taken from /api/objects). "AI Analyst" and
 * "Model Breach" are deliberately absent: the connector has to create them.
 */

export const SEED_DATE = '2017-04-17 04:34:56';

export const INDICATOR_TYPE_NAMES: readonly string[] = [
  'ASN',
  'Binary String',
  'CIDR Block',
  'CVE',
  'Email Address',
  'Email Attachment',
  'Email Subject',
  'File Mapping',
  'File Path',
  'Filename',
  'FQDN',
  'Fuzzy Hash',
  'GOST Hash',
  'Hash ION',
  'IP Address',
  'IPv6 Address',
  'MAC Address',
  'MD5',
  'Mutex',
  'Password',
  'Registry Key',
  'Service Name',
  'SHA-1',
  'SHA-256',
  'SHA-384',
  'SHA-512',
  'String',
  'x509 Serial',
  'x509 Subject',
  'URL',
  'URL Path',
  'User-agent',
  'Username',
  'X-Mailer',
];

const NETWORK_TYPES = new Set([
  'ASN',
  'CIDR Block',
  'Email Address',
  'Email Subject',
  'FQDN',
  'IP Address',
  'IPv6 Address',
  'MAC Address',
  'URL',
  'URL Path',
  'User-agent',
  'Username',
  'X-Mailer',
]);

export function indicatorClassOf(typeName: string): 'network' | 'host' {
  return NETWORK_TYPES.has(typeName) ? 'network' : 'host';
}

export const INDICATOR_STATUSES: ReadonlyArray<{ id: number; name: string; description: string }> = [
  { id: 1, name: 'Active', description: 'Poses a threat and is being exported to detection tools.' },
  { id: 2, name: 'Expired', description: 'No longer poses a serious threat.' },
  { id: 3, name: 'Indirect', description: 'Associated to an active indicator or event (i.e. pDNS).' },
  { id: 4, name: 'Review', description: 'Requires further analysis.' },
  { id: 5, name: 'Whitelisted', description: 'Poses NO risk and should never be deployed.' },
];

export const EVENT_TYPES: ReadonlyArray<{ id: number; name: string }> = [
  { id: 1, name: 'Spearphish' },
  { id: 2, name: 'Watering Hole' },
  { id: 3, name: 'SQL Injection Attack' },
  { id: 4, name: 'DoS Attack' },
  { id: 5, name: 'Malware' },
  { id: 6, name: 'Watchlist' },
  { id: 7, name: 'Command and Control' },
  { id: 8, name: 'Anonymization' },
  { id: 9, name: 'Exfiltration' },
  { id: 10, name: 'Host Characteristics' },
  { id: 11, name: 'Compromised PKI Certificate' },
  { id: 12, name: 'Login Compromise' },
  { id: 13, name: 'Incident' },
  { id: 14, name: 'Sighting' },
];

/** Object definitions besides indicators, events and the Asset object, as /api/objects lists them. */
export const OTHER_OBJECTS: ReadonlyArray<{ name: string; display: string; plural: string; collection: string }> = [
  { name: 'adversary', display: 'Adversary', plural: 'Adversaries', collection: 'adversaries' },
  { name: 'attachment', display: 'File', plural: 'Files', collection: 'attachments' },
  { name: 'signature', display: 'Signature', plural: 'Signatures', collection: 'signatures' },
  { name: 'task', display: 'Task', plural: 'Tasks', collection: 'tasks' },
  { name: 'attack_pattern', display: 'Attack Pattern', plural: 'Attack Patterns', collection: 'attack_pattern' },
  { name: 'campaign', display: 'Campaign', plural: 'Campaigns', collection: 'campaign' },
  { name: 'course_of_action', display: 'Course of Action', plural: 'Courses of Action', collection: 'course_of_action' },
  { name: 'exploit_target', display: 'Exploit Target', plural: 'Exploit Targets', collection: 'exploit_target' },
  { name: 'identity', display: 'Identity', plural: 'Identities', collection: 'identity' },
  { name: 'incident', display: 'Incident', plural: 'Incidents', collection: 'incident' },
  { name: 'intrusion_set', display: 'Intrusion Set', plural: 'Intrusion Sets', collection: 'intrusion_set' },
  { name: 'malware', display: 'Malware', plural: 'Malware', collection: 'malware' },
  { name: 'report', display: 'Report', plural: 'Reports', collection: 'report' },
  { name: 'tool', display: 'Tool', plural: 'Tools', collection: 'tool' },
  { name: 'ttp', display: 'TTP', plural: 'TTPs', collection: 'ttp' },
  { name: 'vulnerability', display: 'Vulnerability', plural: 'Vulnerabilities', collection: 'vulnerability' },
];
