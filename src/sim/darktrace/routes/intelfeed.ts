/**
 * `/intelfeed` (Watched Domains). GET lists entries, sources or full details; POST (JSON or form)
 * adds with `addentry`/`addlist` (split on commas AND newlines, so a comma inside a value really
 * becomes two entries), removes with `removeentry` (scoped by `source`) or `removeall` (every
 * source). Labels of 64+ characters and descriptions of 256+ are refused with a 400.
 */
import { formatIsoSeconds, parseHumanTime } from '../http/params.ts';
import { sendJson, sendJsonArray } from '../http/respond.ts';
import type { Membership } from '../store/intelFeed.ts';
import { inputError } from './context.ts';
import type { RouteContext } from './context.ts';

export const DEFAULT_SOURCE = 'Default';
export const SOURCE_LIMIT = 64;
export const DESCRIPTION_LIMIT = 256;

export async function getIntelFeed(ctx: RouteContext): Promise<void> {
  const { params } = ctx;
  const feed = ctx.store.intelFeed;
  if (params.bool('sources') === true) {
    sendJson(ctx.responder, 200, feed.sources());
    return;
  }
  const source = nonEmpty(params.string('source'));
  if (params.bool('fulldetails') === true) {
    const tails = new WeakMap<Membership, string>();
    await sendJsonArray(ctx.responder, feed.memberships(source), ([name, , m]) => {
      let tail = tails.get(m);
      if (tail === undefined) {
        tail = fullDetailsTail(m);
        tails.set(m, tail);
      }
      return `{"name":${JSON.stringify(name)}${tail}`;
    });
    return;
  }
  await sendJsonArray(ctx.responder, feed.names(source));
}

export function postIntelFeed(ctx: RouteContext): void {
  const { params } = ctx;
  const feed = ctx.store.intelFeed;
  const source = nonEmpty(params.string('source'));
  const description = params.string('description');
  if (source !== undefined && source.length >= SOURCE_LIMIT) throw inputError(ctx);
  if (description !== undefined && description.length >= DESCRIPTION_LIMIT) throw inputError(ctx);
  const expiryText = nonEmpty(params.string('expiry'));
  const expiry = expiryText === undefined ? null : parseHumanTime(expiryText);
  if (expiry === undefined) throw inputError(ctx);

  if (params.bool('removeall') === true) feed.removeAll();

  const removeEntry = nonEmpty(params.string('removeentry'));
  if (removeEntry !== undefined) {
    if (source !== undefined) feed.remove(source, [removeEntry.trim()]);
    else {
      const sources = feed.sources();
      if (sources.length > 1) throw inputError(ctx);
      if (sources[0] !== undefined) feed.remove(sources[0], [removeEntry.trim()]);
    }
  }

  const names: string[] = [];
  const one = nonEmpty(params.string('addentry')?.trim());
  if (one !== undefined) names.push(one);
  const many = params.string('addlist');
  if (many !== undefined) names.push(...splitAddList(many));
  let change = { added: 0, updated: 0 };
  if (names.length > 0) {
    change = feed.add(source ?? DEFAULT_SOURCE, names, {
      description: description ?? '',
      expiry,
      iagn: params.bool('iagn') ?? false,
      hostname: params.bool('hostname') ?? false,
    });
  }
  sendJson(ctx.responder, 200, { added: change.added, response: 'SUCCESS', updated: change.updated });
}

/** Commas and line breaks both separate entries; blanks around them are dropped. */
export function splitAddList(text: string): string[] {
  return text
    .split(/,|\r?\n|\r/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Everything after `name` in a full-details object; shared by all entries of one add. */
function fullDetailsTail(m: Membership): string {
  const rest = JSON.stringify({
    description: m.description,
    expiry: m.expiry === null ? null : formatIsoSeconds(m.expiry),
    strength: m.strength,
    iagn: m.iagn,
  });
  return `,${rest.slice(1)}`;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
