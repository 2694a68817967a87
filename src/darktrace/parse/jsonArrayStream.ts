/**
 * Why a body could not be read as a JSON array: `notArray` (its first character is not `[`),
 * `invalid` (malformed JSON, or something after the closing `]`), `truncated` (it ended inside
 * the array), `empty` (nothing but white space).
 */
export type JsonArrayProblem = 'notArray' | 'invalid' | 'truncated' | 'empty';

export class JsonArrayStreamError extends Error {
  constructor(
    readonly problem: JsonArrayProblem,
    message: string,
  ) {
    super(message);
    this.name = 'JsonArrayStreamError';
  }
}

/** Where the scanner is (plain numbers: no enums, the sources also run type-stripped). */
const Phase = {
  /** Before the opening `[`. */
  Start: 0,
  /** After `[`: an element or `]`. */
  First: 1,
  /** After `,`: an element. */
  Next: 2,
  /** Inside an object, array or string element. */
  Container: 3,
  /** Inside a number, `true`, `false` or `null` element. */
  Scalar: 4,
  /** After an element: `,` or `]`. */
  After: 5,
  /** After the closing `]`: only white space. */
  Done: 6,
} as const;
type Phase = (typeof Phase)[keyof typeof Phase];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** One element may not grow past this: a body that never closes its element is not buffered forever. */
const DEFAULT_MAX_ELEMENT_BYTES = 64 * 1024 * 1024;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * Reads a JSON array body chunk by chunk and hands back its elements as soon as they are
 * complete, so a listing of a million entries never sits in memory as one text. Chunks may end
 * anywhere — inside a string, an escape or a multi-byte UTF-8 character — because only whole
 * elements are ever decoded, and the bytes of the element in progress are kept until it
 * closes. Structure is tracked on raw bytes (UTF-8 never reuses ASCII bytes inside a
 * multi-byte character); the elements themselves are decoded by JSON.parse, one call per
 * chunk for all the elements it completes.
 */
export class JsonArrayStream {
  #phase: Phase = Phase.Start;
  #depth = 0;
  #inString = false;
  /** Bytes of the element in progress (from its first byte), carried into the next chunk. */
  #rest: Buffer = Buffer.alloc(0);
  /** Where scanning resumes in `#rest`. */
  #scan = 0;
  #bytes = 0;
  #elements = 0;
  readonly #maxElementBytes: number;

  constructor(options: { maxElementBytes?: number } = {}) {
    this.#maxElementBytes = options.maxElementBytes ?? DEFAULT_MAX_ELEMENT_BYTES;
  }

  /** Bytes pushed so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Elements handed back so far. */
  get elements(): number {
    return this.#elements;
  }

  /** Whether the closing `]` has been seen. */
  get complete(): boolean {
    return this.#phase === Phase.Done;
  }

  /** The elements this chunk completes, in order (often none, often many). */
  push(chunk: Uint8Array): unknown[] {
    this.#bytes += chunk.length;
    const carried = this.#rest.length;
    const buf = carried === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length) : Buffer.concat([this.#rest, chunk]);
    const n = buf.length;
    let i = carried === 0 ? 0 : this.#scan;
    // The element in progress starts at 0 of a carried buffer.
    let elemStart = carried === 0 ? -1 : 0;
    let batchStart = -1;
    let batchEnd = -1;
    let count = 0;
    let phase: Phase = this.#phase;
    let depth = this.#depth;
    let inString = this.#inString;

    const endElement = (end: number) => {
      if (batchStart < 0) batchStart = elemStart;
      batchEnd = end;
      count++;
      elemStart = -1;
      phase = Phase.After;
    };

    while (i < n) {
      const b = buf[i] as number;
      switch (phase) {
        case Phase.Container: {
          if (inString) {
            const q = buf.indexOf(QUOTE, i);
            if (q < 0) {
              i = n;
              continue;
            }
            let slashes = 0;
            for (let k = q - 1; k >= 0 && buf[k] === BACKSLASH; k--) slashes++;
            i = q + 1;
            if (slashes % 2 === 0) {
              inString = false;
              if (depth === 0) endElement(i);
            }
            continue;
          }
          if (b === QUOTE) inString = true;
          else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
          else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
            depth--;
            if (depth === 0) endElement(i + 1);
          }
          i++;
          continue;
        }
        case Phase.Scalar:
          if (b === COMMA || b === CLOSE_BRACKET || isSpace(b)) {
            endElement(i);
            continue; // the byte is read again after the element
          }
          i++;
          continue;
        case Phase.After:
          if (b === COMMA) phase = Phase.Next;
          else if (b === CLOSE_BRACKET) phase = Phase.Done;
          else if (!isSpace(b)) throw this.#invalid(b);
          i++;
          continue;
        case Phase.Start:
          if (b === OPEN_BRACKET) phase = Phase.First;
          else if (!isSpace(b)) throw new JsonArrayStreamError('notArray', `the body is not a JSON array (it starts with ${describeByte(b)})`);
          i++;
          continue;
        case Phase.Done:
          if (!isSpace(b)) throw this.#invalid(b);
          i++;
          continue;
        default: {
          // First or Next: an element starts here (or the array closes, right after `[`).
          if (isSpace(b)) {
            i++;
            continue;
          }
          if (b === CLOSE_BRACKET && phase === Phase.First) {
            phase = Phase.Done;
            i++;
            continue;
          }
          if (b === COMMA || b === CLOSE_BRACKET || b === CLOSE_BRACE) throw this.#invalid(b);
          elemStart = i;
          if (b === OPEN_BRACE || b === OPEN_BRACKET) {
            phase = Phase.Container;
            depth = 1;
          } else if (b === QUOTE) {
            phase = Phase.Container;
            depth = 0;
            inString = true;
          } else phase = Phase.Scalar;
          i++;
        }
      }
    }

    this.#phase = phase;
    this.#depth = depth;
    this.#inString = inString;
    if (elemStart >= 0) {
      if (n - elemStart > this.#maxElementBytes) throw new JsonArrayStreamError('invalid', `an element of the array is larger than ${this.#maxElementBytes} bytes`);
      // Copied: a view would pin the whole chunk (and a carried buffer) until the element closes.
      this.#rest = Buffer.from(buf.subarray(elemStart));
      this.#scan = n - elemStart;
    } else {
      this.#rest = Buffer.alloc(0);
      this.#scan = 0;
    }
    if (count === 0) return [];
    let items: unknown;
    try {
      items = JSON.parse(`[${buf.toString('utf8', batchStart, batchEnd)}]`);
    } catch (error) {
      throw new JsonArrayStreamError('invalid', `an element of the array is not valid JSON (${(error as Error).message})`);
    }
    const list = items as unknown[];
    // The scanner delimits elements; JSON.parse must agree (e.g. `{"a":1}{"b":2}` is one "element" to it).
    if (list.length !== count) throw new JsonArrayStreamError('invalid', 'the array is not valid JSON (elements not separated by commas)');
    this.#elements += count;
    return list;
  }

  /** The body ended: throws unless the array was closed. */
  end(): void {
    if (this.#phase === Phase.Done) return;
    if (this.#phase === Phase.Scalar && this.#rest.length > 0) throw new JsonArrayStreamError('truncated', 'the body ended inside the array');
    if (this.#phase === Phase.Start) throw new JsonArrayStreamError('empty', 'the body is empty');
    throw new JsonArrayStreamError('truncated', 'the body ended inside the array');
  }

  #invalid(b: number): JsonArrayStreamError {
    return new JsonArrayStreamError('invalid', `the array is not valid JSON (unexpected ${describeByte(b)})`);
  }
}

function describeByte(b: number): string {
  return b >= 0x21 && b < 0x7f ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`;
}
