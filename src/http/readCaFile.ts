import { readFileSync } from 'node:fs';
import { ConnectorError, EXIT } from '../errors.ts';

/**
 * Reads a PEM bundle to trust in addition to the system CAs. Checked when the transport is
 * built, so a wrong path fails before any request with a message naming the file.
 * @throws ConnectorError E_CONFIG_CA_FILE (exit 2)
 */
export function readCaFile(path: string, settingName = 'the CA file setting'): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new ConnectorError('E_CONFIG_CA_FILE', `Cannot read the CA file '${path}': ${reason}`, {
      exitCode: EXIT.usage,
      cause,
      hint: `Check ${settingName}: the file must exist and be readable by this user`,
    });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConnectorError('E_CONFIG_CA_FILE', `Cannot use the CA file '${path}': it holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" line)`, {
      exitCode: EXIT.usage,
      hint: `Point ${settingName} at the CA certificate in PEM form (convert DER with: openssl x509 -inform der -in ca.cer -out ca.pem)`,
    });
  }
  return text;
}
