import type { PromptReader } from './promptReader.ts';
import { parseSetting } from './resolveSettings.ts';
import { formatValue, type SettingDef } from './settings.ts';
import type { SettingValue } from './valueParsers.ts';
import type { PromptIo } from './types.ts';

/** Returned when the user types `-` to clear an optional setting. */
export const CLEAR = Symbol('clear');

export interface AskOptions {
  /** Shown in brackets and returned for an empty answer. */
  current: SettingValue | undefined;
  /** A secret that is already set: shown as `[unchanged]`, kept on an empty answer. */
  secretIsSet?: boolean;
  /** An empty answer without a current value is refused. */
  required: boolean;
  /** `-` clears the setting (configure on optional settings). */
  allowClear?: boolean;
  configDir: string;
}

/**
 * Asks for one setting with the original's wording (`ThreatQ Host: `, `Status [Review]: `),
 * hiding secrets, and asks again with the reason until the answer is valid. Returns the
 * parsed value, `undefined` to keep the current state, or CLEAR.
 */
export async function askSetting(reader: PromptReader, output: PromptIo['output'], def: SettingDef, options: AskOptions): Promise<SettingValue | undefined | typeof CLEAR> {
  const bracket = def.secret ? (options.secretIsSet ? ' [unchanged]' : '') : options.current !== undefined && formatValue(options.current) !== '' ? ` [${formatValue(options.current)}]` : '';
  const prompt = `${def.prompt}${bracket}: `;
  for (;;) {
    const answer = await reader.ask(prompt, { hidden: def.secret });
    const blank = def.secret ? answer === '' : answer.trim() === '';
    if (blank) {
      if (def.secret && options.secretIsSet) return undefined;
      if (options.current !== undefined) return options.current;
      if (!options.required) return undefined;
      output.write(`  ${def.prompt} is required.\n`);
      continue;
    }
    if (options.allowClear && answer.trim() === '-' && !options.required) return CLEAR;
    const r = parseSetting(def, answer, { origin: 'text', configDir: options.configDir });
    if (r.ok) return r.value;
    output.write(`  Invalid ${def.prompt}: ${r.reason}\n`);
  }
}
