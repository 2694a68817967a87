import { StringDecoder } from 'node:string_decoder';
import { ConnectorError, EXIT } from '../errors.ts';
import type { PromptIo } from './types.ts';

interface Pending {
  hidden: boolean;
  line: string;
  resolve(line: string): void;
  reject(error: Error): void;
}

type RawCapable = { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/**
 * Reads prompted answers from the injected streams, one line at a time. On a terminal the input
 * is switched to raw mode so the terminal itself echoes nothing; this reader echoes visible
 * answers to the injected output and writes nothing at all for hidden ones (password, private
 * token). Answers that arrive early (piped or typed ahead) are kept for the next prompt.
 */
export class PromptReader {
  readonly #io: PromptIo;
  readonly #decoder = new StringDecoder('utf8');
  #buffer = '';
  #ended = false;
  #skipLf = false;
  #pending: Pending | undefined;
  readonly #onData = (chunk: Buffer | string) => {
    this.#buffer += typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    this.#pump();
  };
  readonly #onEnd = () => {
    this.#buffer += this.#decoder.end();
    this.#ended = true;
    this.#pump();
  };
  readonly #onError = (error: Error) => {
    this.#ended = true;
    this.#pending?.reject(new ConnectorError('E_PROMPT_INPUT', `Cannot read the answer from the terminal: ${error.message}`, { exitCode: EXIT.usage }));
    this.#pending = undefined;
  };

  constructor(io: PromptIo) {
    this.#io = io;
    io.input.on('data', this.#onData);
    io.input.on('end', this.#onEnd);
    io.input.on('error', this.#onError);
    io.input.resume();
  }

  /** Writes `prompt` and resolves with the answer (without the line break). Rejects on end of input or Ctrl-C. */
  ask(prompt: string, options: { hidden?: boolean } = {}): Promise<string> {
    if (this.#pending) throw new Error('PromptReader.ask called while a question is pending');
    this.#io.output.write(prompt);
    this.#setRaw(true);
    return new Promise<string>((resolve, reject) => {
      this.#pending = { hidden: options.hidden === true, line: '', resolve, reject };
      this.#pump();
    });
  }

  /** Stops reading, so the process can exit; restores the terminal. */
  close(): void {
    this.#setRaw(false);
    this.#io.input.off('data', this.#onData);
    this.#io.input.off('end', this.#onEnd);
    this.#io.input.off('error', this.#onError);
    this.#io.input.pause();
  }

  #pump(): void {
    while (this.#pending && this.#buffer.length > 0) {
      const p = this.#pending;
      const code = this.#buffer.codePointAt(0)!;
      const ch = String.fromCodePoint(code);
      if (ch === '\x1b') {
        const seq = /^\x1b(\[[0-9;?]*[@-~]|O.|[^[O])/.exec(this.#buffer);
        if (!seq) {
          if (!this.#ended && /^\x1b(\[[0-9;?]*|O)?$/.test(this.#buffer)) return; // wait for the rest
          this.#buffer = this.#buffer.slice(1);
        } else {
          this.#buffer = this.#buffer.slice(seq[0].length);
        }
        continue;
      }
      this.#buffer = this.#buffer.slice(ch.length);
      const skip = this.#skipLf;
      this.#skipLf = false;
      if (ch === '\n' && skip) continue;
      if (ch === '\r' || ch === '\n') {
        this.#skipLf = ch === '\r';
        this.#finish(p.line);
      } else if (ch === '\x7f' || ch === '\b') {
        if (p.line.length > 0) {
          const chars = [...p.line];
          chars.pop();
          p.line = chars.join('');
          this.#echo('\b \b');
        }
      } else if (ch === '\x15') {
        this.#echo('\b \b'.repeat([...p.line].length));
        p.line = '';
      } else if (ch === '\x03') {
        this.#fail(new ConnectorError('E_INTERRUPTED', 'Configuration cancelled; nothing was saved', { exitCode: EXIT.interrupted }));
      } else if (ch === '\x04') {
        if (p.line === '') this.#fail(this.#endError());
      } else if (code >= 0x20) {
        p.line += ch;
        this.#echo(ch);
      }
    }
    if (this.#pending && this.#ended && this.#buffer.length === 0) {
      // Piped answers without a final newline still count.
      if (this.#pending.line !== '') this.#finish(this.#pending.line);
      else this.#fail(this.#endError());
    }
  }

  #echo(text: string): void {
    if (this.#io.isTTY && this.#pending && !this.#pending.hidden) this.#io.output.write(text);
  }

  #finish(line: string): void {
    const p = this.#pending!;
    this.#pending = undefined;
    this.#setRaw(false);
    if (this.#io.isTTY) this.#io.output.write('\n');
    p.resolve(line);
  }

  #fail(error: Error): void {
    const p = this.#pending!;
    this.#pending = undefined;
    this.#setRaw(false);
    if (this.#io.isTTY) this.#io.output.write('\n');
    p.reject(error);
  }

  #endError(): Error {
    return new ConnectorError('E_PROMPT_EOF', 'The input ended before every question was answered; nothing was saved', { exitCode: EXIT.usage });
  }

  #setRaw(raw: boolean): void {
    const input = this.#io.input as unknown as RawCapable;
    if (input.isTTY && typeof input.setRawMode === 'function') input.setRawMode(raw);
  }
}
