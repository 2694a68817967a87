import { ConnectorError, EXIT } from '../errors.ts';

/** The configuration could not be written (read-only directory, disk full): exit 6, nothing half-written. */
export function saveFailed(file: string, cause: unknown): ConnectorError {
  const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
  return new ConnectorError('E_CONFIG_WRITE', `Cannot write the configuration file '${file}': ${code}`, {
    exitCode: EXIT.localIo,
    cause,
    hint: 'Make the configuration directory (-c) writable by this user; the previous file, if any, is unchanged',
  });
}
