/** Record shapes the simulator keeps (times are whole seconds since the epoch). */

export type ObjectKind = 'indicator' | 'event' | 'asset';

export interface IndicatorTypeRecord {
  id: number;
  name: string;
  class: 'network' | 'host';
}

export interface StatusRecord {
  id: number;
  name: string;
  description: string;
}

export interface EventTypeRecord {
  id: number;
  name: string;
  userEditable: 'Y' | 'N';
  createdAt: number;
  updatedAt: number;
}

export interface EventRecord {
  id: number;
  title: string;
  typeId: number;
  description: string | null;
  happenedAt: number;
  createdAt: number;
  updatedAt: number;
  publishedAt: number;
}

export interface AssetRecord {
  id: number;
  value: string;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface SourceRecord {
  id: number;
  name: string;
  sourceType: 'users' | 'connectors';
}

/** A source attached to an object; `pivotId` is the link's own id. */
export interface SourceLink {
  sourceId: number;
  pivotId: number;
  tlpId: number | null;
  publishedAt: number;
  createdAt: number;
}

export interface AttributeRecord {
  /** The attribute value's id (what PUT/DELETE …/attributes/{id} take). */
  id: number;
  /** The attribute name's id. */
  attributeId: number;
  name: string;
  value: string;
  sourceIds: number[];
  createdAt: number;
  updatedAt: number;
}

export interface Pivot {
  id: number;
  createdAt: number;
}

export interface TagRecord {
  id: number;
  name: string;
  createdAt: number;
}

export interface SavedSearchRecord {
  id: number;
  hash: string;
  name: string;
  /** Stored and served as a JSON string, like real instances. */
  json: string;
  /** The executable part of `json`. */
  apiQuery: { criteria: unknown; filters: unknown };
  /** ui_query.objects.current, e.g. "indicators". */
  objectCollection: string;
  createdAt: number;
  updatedAt: number;
}

/** Test-facing view of an event with everything attached to it. */
export interface EventView {
  id: number;
  title: string;
  typeName: string;
  description: string | null;
  happenedAt: string;
  attributes: Array<{ id: number; name: string; value: string }>;
  sources: string[];
  indicators: Array<{ id: number; value: string; typeName: string; statusName: string }>;
  assets: Array<{ id: number; value: string }>;
}

/** Test-facing view of an indicator. */
export interface IndicatorView {
  id: number;
  value: string;
  typeName: string;
  statusName: string;
  score: number;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  touchedAt: string;
  tags: string[];
  attributes: Array<{ id: number; name: string; value: string }>;
  sources: string[];
}

export interface AssetView {
  id: number;
  value: string;
  description: string | null;
  attributes: Array<{ id: number; name: string; value: string }>;
  sources: string[];
}

export interface RelationView {
  kind: ObjectKind;
  id: number;
  pivotId: number;
}
