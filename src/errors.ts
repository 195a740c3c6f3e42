/**
 * A problem with what the user gave us (data, options, files). The CLI maps
 * it to exit code 2 and prints the message alone, never a stack trace.
 */
export class InputError extends Error {
  override name = "InputError";
}
