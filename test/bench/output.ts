import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Output {
  /** A line of the report, on the real stdout. */
  print(line: string): void;
  /** A line for the log file only (the local runtime's own messages). */
  log(line: string): void;
  close(): void;
}

/**
 * Sends everything else written to stdout — the handlers' Powertools logs, one line per request — to a file, so
 * that stdout carries the report alone. The logs are still formatted and written, one write per line, so their
 * cost stays inside what the pipeline figure measures.
 */
export function divertStdout(file: string): Output {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  const stdout = process.stdout.write.bind(process.stdout);
  // Powertools' Console looks `write` up on each call, so replacing it here reaches the handlers' logger too.
  process.stdout.write = ((chunk: string | Uint8Array) => {
    writeSync(fd, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return true;
  }) as typeof process.stdout.write;
  return {
    print: (line) => void stdout(`${line}\n`),
    log: (line) => void writeSync(fd, `${line}\n`),
    close() {
      process.stdout.write = stdout;
      closeSync(fd);
    },
  };
}
