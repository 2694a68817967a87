// Renders `tq-conn-darktrace --help` once, at build time, into src/cli/helpText.gen.ts: the
// executable prints it without loading yargs, which costs ~100 ms of start-up. A test checks
// the file equals what yargs renders now.
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderHelpModule } from '../src/cli/renderHelpModule.ts';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli/helpText.gen.ts');
const text = await renderHelpModule();
if (!existsSync(out) || readFileSync(out, 'utf8') !== text) writeFileSync(out, text);
console.log(`help text: ${out}`);
