/**
 * A password prompt on the terminal without echo: the prompt goes to stderr (so stdout stays
 * clean for pipes), the terminal is put in raw mode while the user types, and Ctrl-C aborts.
 *
 * @module
 */
import type { Io } from './io.js';

/** Thrown when the user presses Ctrl-C or Ctrl-D at the prompt. */
export class PromptAborted extends Error {
  constructor() {
    super('password prompt aborted');
    this.name = 'PromptAborted';
  }
}

/** Whether a no-echo prompt is possible (stdin and stderr are terminals). */
export function canPrompt(io: Io): boolean {
  return io.stdin.isTTY === true && io.stderr.isTTY === true && !!io.stdin.setRawMode;
}

/**
 * Asks for a secret on the terminal. Characters are not echoed; Backspace edits; Enter ends;
 * Ctrl-C / Ctrl-D reject with {@link PromptAborted}.
 */
export function promptSecret(io: Io, question: string): Promise<string> {
  const stdin = io.stdin;
  // Echo goes off before the prompt shows, so nothing typed after seeing it can be echoed.
  stdin.setRawMode?.(true);
  io.stderr.write(question);
  return new Promise<string>((resolve, reject) => {
    let answer = '';
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new PromptAborted());
        if (ch === '\u007f' || ch === '\b') answer = [...answer].slice(0, -1).join('');
        else if (ch >= ' ') answer += ch;
      }
    };
    stdin.resume();
    stdin.on('data', onData);
  });
}
