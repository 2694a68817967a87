import { EXIT } from '../../errors.ts';
import type { CommandContext } from './pipelineCommand.ts';

/** Wires `configure` flags into the configure module; warnings go to stderr. */
export async function configureCommand({ cmd, io }: CommandContext): Promise<number> {
  const { configure, parseSetArgs } = await import('./configure.ts');
  const setArgs = ((cmd.args['set'] as unknown[] | undefined) ?? []).map(String);
  const result = await configure({
    dir: cmd.global.configDir,
    name: cmd.global.name,
    env: io.env,
    io: { input: io.stdin, output: io.stdout, isTTY: io.isTTY },
    set: setArgs.length ? parseSetArgs(setArgs) : undefined,
    show: cmd.args['show'] === true,
    clock: io.clock,
  });
  for (const w of result.warnings) io.stderr.write(`Warning: ${w.message}\n`);
  return EXIT.ok;
}
