import type { Readable, Writable } from 'node:stream';

/** The configuration every command receives: validated, normalised, with defaults applied. */
export interface ConnectorConfig {
  threatq: {
    /** Base URL without a trailing slash, e.g. `https://tq.example` or `https://10.0.0.5:8443`. */
    host: string;
    clientId: string;
    /** The ThreatQ user's email address. */
    username: string;
    password: string;
    /** Default status of the indicators the connector creates ("Review"). */
    status: string;
    /** Absolute path of a PEM bundle to trust for ThreatQ, or undefined for the system CAs. */
    caFile: string | undefined;
    timeoutSeconds: number;
  };
  darktrace: {
    /** Base URL without a trailing slash. */
    host: string;
    publicToken: string;
    privateToken: string;
    caFile: string | undefined;
    timeoutSeconds: number;
  };
  export: {
    /** Threat Library collection names, trimmed, duplicates removed, in the order given. */
    collections: string[];
    /** Intel-feed source label (1-63 characters, no comma or newline). */
    sourceName: string;
    /** Days until exported entries expire in Darktrace; 0 = never. */
    expirationDays: number;
  };
  ingest: {
    /** Minimum model-breach score in percent (0-100); Darktrace's API takes score/100 as `minscore`. */
    minBreachScore: number;
    /** Minimum AI Analyst score (0-100). */
    minAiAnalystScore: number;
    /** Model-name globs (`*`, `?`, case-insensitive); empty = every model. */
    includeModels: string[];
    excludeModels: string[];
  };
  history: {
    /** Days of run history to keep; 0 = keep forever. */
    retentionDays: number;
  };
}

/**
 * Which settings the calling command cannot work without. Settings outside `needs` may be
 * empty ('' or []) in the returned config when they are not set anywhere.
 */
export type ConfigNeeds = 'all' | 'ingest' | 'export' | 'none';

/** Where an effective value came from. */
export type ValueSource = 'file' | 'env' | 'default' | 'prompt' | 'set';

/** A problem that does not stop the command; the caller logs it at warn level. */
export interface ConfigWarning {
  /** Stable code, e.g. `W_CONFIG_MODE`; usable as the log event suffix. */
  code: string;
  message: string;
}

/** One invalid or missing setting. Never holds a secret value. */
export interface ConfigProblem {
  /** Dotted config key, e.g. `threatq.host`; undefined for file-level problems. */
  key: string | undefined;
  /** Its environment variable, e.g. `TQ_HOST`. */
  env: string | undefined;
  message: string;
}

/** Streams used for prompts, injected so tests drive them with PassThrough streams. */
export interface PromptIo {
  input: Readable;
  output: Writable;
  /** Prompts only happen when this is true (stdin and stdout are a terminal). */
  isTTY: boolean;
}

export type Env = Record<string, string | undefined>;
