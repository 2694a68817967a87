import type { ConnectorError } from '../errors.ts';

/** A source as ThreatQ takes it inline; `tlpId`: 1 RED, 2 AMBER, 3 GREEN, 4 WHITE. */
export interface SourceInput {
  name: string;
  tlpId?: number;
}

export interface AttributeInput {
  name: string;
  value: string;
  sources?: SourceInput[];
}

export interface EventInput {
  title: string;
  /** Event type by name ("Model Breach", "AI Analyst"); created in ThreatQ when missing. */
  typeName: string;
  /** UTC `YYYY-MM-DD HH:MM:SS`. */
  happenedAt: string;
  description?: string;
  sources?: SourceInput[];
  attributes?: AttributeInput[];
}

/** Fields of an event that PUT /api/events/{id} changes; absent fields stay as they are. */
export interface EventPatch {
  title?: string;
  typeName?: string;
  happenedAt?: string;
  description?: string;
}

export interface IndicatorInput {
  value: string;
  /** Indicator type by exact name ("IP Address", "FQDN", …). */
  typeName: string;
  /** Indicator status by exact name ("Review", …). */
  statusName: string;
  sources: SourceInput[];
  /** Related events by ThreatQ id. */
  eventIds?: number[];
  attributes?: AttributeInput[];
  description?: string;
}

export interface AssetInput {
  value: string;
  description?: string;
  sources?: SourceInput[];
  attributes?: AttributeInput[];
  eventIds?: number[];
  indicatorIds?: number[];
}

export interface TqEvent {
  id: number;
  title?: string;
  typeId?: number;
  happenedAt?: string;
  description?: string;
  updatedAt?: string;
  /** The record as ThreatQ sent it. */
  raw: Record<string, unknown>;
}

export interface TqIndicator {
  id: number;
  value: string;
  typeId?: number;
  typeName?: string;
  statusId?: number;
  statusName?: string;
  raw: Record<string, unknown>;
}

export interface TqAttribute {
  /** The object-attribute id: use it with updateAttribute. */
  id: number;
  /** The attribute-name id shared by all objects. */
  attributeId?: number;
  name: string;
  value: string;
  raw: Record<string, unknown>;
}

/** An object related to another one; `pivotId` identifies the link itself. */
export interface TqRelated {
  id: number;
  value?: string;
  title?: string;
  pivotId?: number;
  raw: Record<string, unknown>;
}

export interface NamedId {
  id: number;
  name: string;
}

/** A Threat Library collection (saved search). */
export interface SavedSearch {
  id?: number;
  hash?: string;
  name: string;
  /** The saved `api_query` (`{criteria, filters}`), from `json` whether it was a string or an object. */
  apiQuery?: Record<string, unknown>;
  /** `ui_query.objects.current` when present, e.g. "indicators". */
  objectCollection?: string;
  raw: Record<string, unknown>;
}

/** One indicator of a collection, as the export needs it. */
export interface CollectionIndicator {
  id: number;
  value: string;
  typeName: string;
  statusName?: string;
  updatedAt?: string;
}

/** Per-item outcome of a bulk consume, in the order the items were given. */
export type BulkItemResult<T> = { item: T; ok: true; id: number } | { item: T; ok: false; error: ConnectorError };

export interface BulkOptions<T> {
  /** Items per consume call; default the client's batchSize (500). */
  batchSize?: number;
  /** Called after each batch with that batch's outcomes, so a caller can record progress at once. */
  onBatch?: (results: BulkItemResult<T>[]) => void | Promise<void>;
}

export interface PageOptions {
  /** Items per page; default the client's pageSize (1000). */
  pageSize?: number;
}
