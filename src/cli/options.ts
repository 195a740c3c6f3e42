// Shared option readers: lists, numbers and files, each failing with an
// InputError that names the option.

import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";

export function parseList(value: string, option: string): string[] {
  const items = value.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new InputError(`${option}: empty name in "${value}"`);
  return items;
}

export function parseNumberList(value: string, option: string): number[] {
  return parseList(value, option).map((s) => {
    const v = Number(s);
    if (!Number.isFinite(v)) throw new InputError(`${option}: "${s}" is not a number`);
    return v;
  });
}

export function parseNumber(value: string, option: string, check?: (v: number) => boolean, need?: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v) || (check && !check(v))) {
    throw new InputError(`${option}: expected ${need ?? "a number"}, got "${value}"`);
  }
  return v;
}

export function parseInteger(value: string, option: string, min: number): number {
  return parseNumber(value, option, (v) => Number.isInteger(v) && v >= min, `an integer >= ${min}`);
}

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
