import { EXIT } from '../../errors.ts';
import { openStateDb, stateDbPath } from '../../state/openStateDb.ts';
import { RunRecorder } from '../../state/runRecorder.ts';
import { VERSION } from '../../version.ts';
import type { CommandContext } from './pipelineCommand.ts';

/**
 * Wires `configure` flags into the configure module; warnings go to stderr. A change of the
 * configuration is an auditable event: it is recorded in `runs` with the names of the keys set
 * (never their values). `--show` alone changes nothing and records nothing.
 */
export async function configureCommand({ cmd, io, redactor }: CommandContext): Promise<number> {
  const { configure, parseSetArgs } = await import('./configure.ts');
  const setArgs = ((cmd.args['set'] as unknown[] | undefined) ?? []).map(String);
  const set = setArgs.length ? parseSetArgs(setArgs) : undefined;
  const startedAt = io.clock.now();
  const result = await configure({
    dir: cmd.global.configDir,
    name: cmd.global.name,
    env: io.env,
    io: { input: io.stdin, output: io.stdout, isTTY: io.isTTY },
    set,
    show: cmd.args['show'] === true,
    clock: io.clock,
  });
  for (const w of result.warnings) io.stderr.write(`Warning: ${w.message}\n`);
  if (result.changed) {
    const state = openStateDb({ path: stateDbPath(cmd.global.configDir, cmd.global.name) });
    try {
      const recorder = new RunRecorder(state, redactor);
      const id = recorder.start({ command: 'configure', options: { keys: set ? Object.keys(set) : 'interactive', configFile: result.path }, version: VERSION, differential: true, startedAt });
      recorder.finish(id, { status: 'success', exitCode: EXIT.ok, endedAt: io.clock.now() });
    } finally {
      state.close();
    }
  }
  return EXIT.ok;
}
