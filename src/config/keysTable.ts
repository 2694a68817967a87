import { formatValue, SETTINGS } from './settings.ts';

/** The Markdown table of settings in README-keys.md, generated from SETTINGS so the docs cannot drift (a test compares them). */
export function renderKeysTable(): string {
  const rows = [
    '| key | env var | prompt | default | required for | allowed |',
    '|---|---|---|---|---|---|',
    ...SETTINGS.map((s) => {
      const def = s.default === undefined ? '—' : Array.isArray(s.default) && s.default.length === 0 ? '(empty)' : `\`${formatValue(s.default)}\``;
      const prompt = s.firstRun ? `\`${s.prompt}: \`` : `(configure only) \`${s.prompt}: \``;
      const req = s.requiredFor.length ? s.requiredFor.join(', ') : 'optional';
      return `| \`${s.key}\` | \`${s.env}\` | ${prompt} | ${def} | ${req} | ${s.description}. Allowed: ${s.allowed} |`;
    }),
  ];
  return rows.join('\n') + '\n';
}
