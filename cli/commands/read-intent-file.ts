import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../../lambdas/core/errors.js';

/** Reads an intent file as JSON; a missing file or bad JSON is reported with the file name and reason. */
export function readIntentFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, [
      { path: file, message: 'file not readable' },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file} is not valid JSON: ${(error as Error).message}`, [
      { path: file, message: 'invalid JSON' },
    ]);
  }
}
