import { writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { ConnectorError, EXIT, UsageError, type ExitCode } from '../../errors.ts';
import { loadConfig, secretValues, secretValuesInEnv } from '../../config/index.ts';
import type { ConnectorConfig } from '../../config/types.ts';
import { createLogger } from '../../log/createLogger.ts';
import type { Redactor } from '../../log/redactor.ts';
import { openStateDb, stateDbPath } from '../../state/openStateDb.ts';
import { localIoError, localIoKind } from '../../state/localIoError.ts';
import { acquireRunLock } from '../../state/runLock.ts';
import { RunRecorder, type RunStatus } from '../../state/runRecorder.ts';
import { DbTokenStore } from '../../state/dbTokenStore.ts';
import { MemoryTokenStore } from '../../threatq/auth/memoryTokenStore.ts';
import { RequestStats } from '../../http/requestStats.ts';
import { createApiClients } from '../../run/createApiClients.ts';
import { silentProgress, terminalProgress } from '../../run/progress.ts';
import type { PipelineContext, PipelineOutcome } from '../../run/pipelineTypes.ts';
import { VERSION } from '../../version.ts';
import { writeCronEntry } from '../../cron/writeCronEntry.ts';
import { pruneHistory } from '../../history/pruneHistory.ts';
import type { ParsedCommand } from '../cli.ts';
import type { CliIo } from '../io.ts';

export interface CommandContext {
  cmd: ParsedCommand;
  io: CliIo;
  redactor: Redactor;
}

type PipelineName = 'ingest' | 'export';

/**
 * `run`, `ingest` and `export`: load the configuration, take the run lock, record the run,
 * run the pipelines (ingest first), and write the summary. Each pipeline is independent: a
 * failed ingest does not stop the export of the same run.
 */
export async function pipelineCommand({ cmd, io, redactor }: CommandContext): Promise<number> {
  const g = cmd.global;
  for (const s of secretValuesInEnv(io.env)) redactor.add(s);
  if (g.externalProxy) registerProxySecret(redactor, g.externalProxy);
  if (g.cron !== undefined) return writeCron({ cmd, io, redactor });

  const pipelines: PipelineName[] = cmd.command === 'run' ? ['ingest', 'export'] : [cmd.command as PipelineName];
  const dryRun = cmd.args['dry-run'] === true;
  if (dryRun && cmd.command === 'ingest') throw new UsageError("--dry-run is available for 'export' and 'run' only", 'Use it as: tq-conn-darktrace export --dry-run', 'E_FLAG_VALUE');
  const report = typeof cmd.args['report'] === 'string' ? (cmd.args['report'] as string) : undefined;

  const { config, warnings } = await loadConfig({
    dir: g.configDir,
    name: g.name,
    env: io.env,
    io: { input: io.stdin, output: io.stdout, isTTY: io.isTTY },
    needs: cmd.command === 'run' ? 'all' : (cmd.command as PipelineName),
    clock: io.clock,
  });
  for (const s of secretValues(config)) redactor.add(s);
  const logger = createLogger({ location: g.logLocation, name: g.name, verbosity: g.verbosity, format: g.logFormat, redactor, clock: io.clock });
  for (const w of warnings) logger.warn(`config.${w.code}`, w.message);
  if (g.disableSsl) {
    io.stderr.write('Warning: TLS certificate verification is disabled (-ds); traffic to Darktrace and ThreatQ can be intercepted\n');
  }

  const state = openStateDb({ path: stateDbPath(g.configDir, g.name) });
  const recorder = new RunRecorder(state, redactor);
  const startedAt = io.clock.now();
  const stats = new RequestStats();
  let lock: ReturnType<typeof acquireRunLock> | undefined;
  let clients: ReturnType<typeof createApiClients>;
  try {
    lock = dryRun ? undefined : acquireRunLock(state, cmd.command, startedAt);
    const tokenStore = new DbTokenStore(state, config.threatq);
    clients = createApiClients({
      config,
      verifyTls: !g.disableSsl,
      externalProxy: g.externalProxy,
      tokenStore: dryRun ? new MemoryTokenStore(tokenStore.load()) : tokenStore,
      clock: io.clock,
      logger,
      redactor,
      stats,
    });
  } catch (error) {
    releaseQuietly(lock);
    state.close();
    throw asConnectorError(error, state.path);
  }
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted);
    logger.warn('run.signal', `Received ${signal}: finishing the current batch, then stopping (send again to stop at once)`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let runId = 0;
  const counts: Record<string, unknown> = {};
  const failures: ConnectorError[] = [];
  let partial = false;
  let startFailed = false;
  const summaries: string[] = [];
  try {
    if (lock) {
      recorder.closeAbandoned(startedAt);
      runId = recorder.start({ command: cmd.command, options: runOptions(cmd, config, dryRun), version: VERSION, differential: !g.noDifferential, startedAt });
      lock.setRunId(runId);
      logger.info('run.start', `Run ${runId} started: ${cmd.command}`, { runId, version: VERSION });
    }
    const { darktrace, threatq } = clients;
    const context: PipelineContext = {
      runId,
      config,
      darktrace,
      threatq,
      state,
      logger,
      clock: io.clock,
      signal: abort.signal,
      progress: io.isTTY ? terminalProgress(io.stderr) : silentProgress,
      saveProgress: (c) => {
        if (runId) recorder.progress(runId, { ...counts, ...c, requests: stats.snapshot() });
      },
    };
    for (const pipeline of pipelines) {
      if (abort.signal.aborted) break;
      try {
        const outcome = await runPipeline(pipeline, context, { noDifferential: g.noDifferential, historicalDays: g.historical, dryRun, out: (t) => io.stdout.write(t), format: String(cmd.args['plan-format'] ?? 'text'), batchSize: hiddenInt(io.env, 'TQDT_EXPORT_BATCH_SIZE'), pushDepth: hiddenInt(io.env, 'TQDT_EXPORT_PUSH_DEPTH'), ingestBatchSize: hiddenInt(io.env, 'TQDT_INGEST_BATCH_SIZE') });
        counts[pipeline] = outcome.counts;
        partial ||= outcome.partial;
        summaries.push(outcome.summary);
      } catch (error) {
        const e = asConnectorError(error, state.path);
        failures.push(e);
        counts[pipeline] = { ...(counts[pipeline] as object | undefined), error: { code: e.code, message: redactor.text(e.message) } };
        logger.error(`${pipeline}.failed`, e.message, { code: e.code });
        if (e.code === 'E_LOCKED' || e.exitCode === EXIT.localIo) break;
      }
    }
  } catch (error) {
    // Recording the run's start failed (disk full, read-only): nothing ran.
    failures.push(asConnectorError(error, state.path));
    startFailed = true;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await clients.close().catch(() => undefined);
  }
  counts['requests'] = stats.snapshot();
  const interrupted = abort.signal.aborted;
  let status: RunStatus = interrupted ? 'interrupted' : startFailed || failures.length === pipelines.length ? 'failed' : failures.length || partial ? 'partial' : 'success';
  let exitCode: ExitCode = interrupted ? EXIT.interrupted : failures[0]?.exitCode ?? (partial ? EXIT.partial : EXIT.ok);
  const endedAt = io.clock.now();
  const reportOf = () => ({ runId: runId || null, command: cmd.command, status, exitCode, startedAt, endedAt, dryRun, version: VERSION, counts, error: failures[0] ? { code: failures[0].code, message: redactor.text(failures[0].message) } : null });
  // The report is written before the run is recorded, so a report that cannot be written is part
  // of the record (exit code and error) rather than a success in history and exit 6 in cron.
  let reported = false;
  if (report) {
    try {
      writeReport(report, reportOf(), redactor);
      reported = true;
    } catch (error) {
      const e = asConnectorError(error, state.path);
      if (!failures.length) {
        status = status === 'success' ? 'partial' : status;
        exitCode = e.exitCode;
      }
      failures.push(e);
      logger.error('run.report_failed', e.message, { code: e.code });
    }
  }
  try {
    if (runId) {
      recorder.finish(runId, { status, exitCode, endedAt, counts, errorCode: failures[0]?.code, errorMessage: failures[0]?.message });
      logger.info('run.end', `Run ${runId} ended: ${status}`, { runId, status, exitCode, ms: endedAt - startedAt });
      if (config.history.retentionDays > 0) {
        // The run is recorded as it ended; old history that cannot be pruned now (a full disk)
        // is pruned by a later run, and must not turn this one into a failure after the fact.
        try {
          const pruned = pruneHistory(state.sqlite, endedAt - config.history.retentionDays * 86_400_000);
          if (pruned.runs) logger.info('history.pruned', `Pruned ${pruned.runs} runs older than ${config.history.retentionDays} days (history.retentionDays)`, { ...pruned });
        } catch (error) {
          logger.warn('history.prune_failed', `Could not prune history older than ${config.history.retentionDays} days: ${asConnectorError(error, state.path).message}; a later run tries again`);
        }
      }
    }
  } catch (error) {
    // The work is done and its ledgers committed; only its record failed (disk full, read-only).
    // The run row stays 'running' and the next run marks it interrupted.
    const e = asConnectorError(error, state.path);
    if (!failures.length) {
      failures.push(e);
      status = 'failed';
      exitCode = e.exitCode;
    }
    logger.error('run.record_failed', e.message, { code: e.code });
    if (reported) {
      try {
        // The report said how the run ended; now it ended otherwise.
        writeReport(report as string, reportOf(), redactor);
      } catch {
        // The disk that refused the record may refuse this too; the exit code says it.
      }
    }
  } finally {
    releaseQuietly(lock);
    state.close();
  }
  for (const line of summaries) io.stdout.write(line + '\n');
  if (failures.length) {
    // Every failure has been logged; the first one decides the exit code and is printed by the entry point.
    throw failures[0];
  }
  return exitCode;
}

async function runPipeline(
  name: PipelineName,
  ctx: PipelineContext,
  o: { noDifferential: boolean; historicalDays: number | undefined; dryRun: boolean; out: (t: string) => void; format: string; batchSize: number | undefined; pushDepth: number | undefined; ingestBatchSize: number | undefined },
): Promise<PipelineOutcome> {
  if (name === 'ingest') {
    const { runIngest } = await import('../../ingest/runIngest.ts');
    return runIngest(ctx, { historicalDays: o.historicalDays, ...(o.ingestBatchSize ? { batchSize: o.ingestBatchSize } : {}) });
  }
  const { runExport } = await import('../../export/runExport.ts');
  return runExport(ctx, { differential: !o.noDifferential, dryRun: o.dryRun, out: o.out, planFormat: o.format === 'json' ? 'json' : 'text', ...(o.batchSize ? { batchSize: o.batchSize } : {}), ...(o.pushDepth ? { pushDepth: Math.min(o.pushDepth, 8) } : {}) });
}

/**
 * Hidden (undocumented) overrides for tests and benchmarks: `TQDT_EXPORT_BATCH_SIZE`, entries
 * per `addlist` request, `TQDT_EXPORT_PUSH_DEPTH`, `addlist` requests in flight (at most 8; a
 * kill test that counts requests uses 1), and `TQDT_INGEST_BATCH_SIZE`, items per ThreatQ consume
 * call; a whole number from 1 to 100000, anything else keeps the default.
 */
function hiddenInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || !/^\d{1,6}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= 100_000 ? n : undefined;
}

/** `statePath`: the database the run writes, named in a disk-full or read-only error (the usual local failure). */
function asConnectorError(error: unknown, statePath: string): ConnectorError {
  if (ConnectorError.is(error)) return error;
  const e = error instanceof Error ? error : new Error(String(error));
  if (localIoKind(e, path.dirname(statePath))) {
    // node:fs errors name their own file; SQLite errors name none, and the database is the one SQLite writes.
    const file = typeof (e as NodeJS.ErrnoException).path === 'string' ? (e as NodeJS.ErrnoException).path! : statePath;
    return localIoError(e, file, file === statePath ? 'the state database' : 'the file');
  }
  return new ConnectorError('E_INTERNAL', `Internal error: ${e.message}`, { exitCode: EXIT.internal, cause: e, hint: 'This is a bug; please report it with the log file' });
}

/** A lock that cannot be released (disk full) names this process, which is about to end: the next run takes it over. */
function releaseQuietly(lock: { release(): void } | undefined): void {
  try {
    lock?.release();
  } catch {
    // See above.
  }
}

/** Options as recorded in the runs row: flags and the effective non-secret settings. */
function runOptions(cmd: ParsedCommand, config: ConnectorConfig, dryRun: boolean): Record<string, unknown> {
  const g = cmd.global;
  return {
    command: cmd.command,
    configDir: g.configDir,
    name: g.name,
    logLocation: g.logLocation,
    verbosity: g.verbosity,
    externalProxy: g.externalProxy,
    noDifferential: g.noDifferential,
    disableSsl: g.disableSsl,
    historical: g.historical,
    dryRun,
    threatqHost: config.threatq.host,
    threatqUser: config.threatq.username,
    darktraceHost: config.darktrace.host,
    collections: config.export.collections,
    sourceName: config.export.sourceName,
    expirationDays: config.export.expirationDays,
    ingestFilters: config.ingest,
  };
}

function registerProxySecret(redactor: Redactor, proxy: string): void {
  try {
    const u = new URL(proxy);
    // Only the password: a short user name ("proxy") would blank ordinary words in messages.
    if (u.password) redactor.add(decodeURIComponent(u.password));
  } catch {
    // Invalid URLs were refused by the option parser already.
  }
}

function writeReport(file: string, doc: Record<string, unknown>, redactor: Redactor): void {
  const body = JSON.stringify(redactor.value({ ...doc, startedAt: new Date(doc['startedAt'] as number).toISOString(), endedAt: new Date(doc['endedAt'] as number).toISOString() }), null, 2) + '\n';
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, body, { mode: 0o600 });
    renameSync(tmp, file);
  } catch (cause) {
    if (localIoKind(cause, path.dirname(file))) throw localIoError(cause, file, 'the --report file', 'E_REPORT_WRITE');
    throw new ConnectorError('E_REPORT_WRITE', `Cannot write the --report file '${file}': ${(cause as Error).message}`, { exitCode: EXIT.localIo, cause, hint: 'Choose a writable path' });
  }
}

async function writeCron({ cmd, io }: CommandContext): Promise<number> {
  const g = cmd.global;
  // Like the original: on a terminal, the first run with --cron also asks for the settings.
  await loadConfig({ dir: g.configDir, name: g.name, env: io.env, io: { input: io.stdin, output: io.stdout, isTTY: io.isTTY }, needs: io.isTTY ? 'all' : 'none', clock: io.clock });
  const file = writeCronEntry({
    schedule: g.cron!,
    executable: io.executable,
    configDir: g.configDir,
    logLocation: g.logLocation,
    verbosity: g.verbosity,
    name: g.name,
    nameGiven: cmd.args['name'] !== undefined,
    cronDir: g.cronDir,
  });
  io.stdout.write(`Cron entry written to ${file} (commented out). Remove the leading '#' in that file to enable the job.\n`);
  return EXIT.ok;
}
