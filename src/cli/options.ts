// Shared option readers: lists, numbers and files, each failing with an
// InputError that names the option.

import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";

export { parseList, parseNumberList, parseNumber, parseInteger, parseChoice, parseIntegerIn } from "./parse.js";

export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`cannot read ${what} "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readJsonFile(path: string, what: string): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} "${path}" is not valid JSON: ${(e as Error).message}`);
  }
}
