// What a session holds by id: datasets, fitted models and densities, each
// kind bounded (a client that never frees cannot exhaust the server).

import { ServeError } from "./protocol.js";

export class Registry<T> {
  private readonly items = new Map<string, T>();
  private next = 1;

  constructor(
    /** What the items are, for messages ("model"), and the prefix of their ids. */
    readonly kind: string,
    readonly limit: number,
    /** The server option that sets the limit, for the message. */
    readonly option: string,
  ) {}

  add(item: T): string {
    if (this.items.size >= this.limit) {
      throw new ServeError(
        "limit_reached",
        `the server holds ${this.items.size} ${this.kind === "data" ? "datasets" : `${this.kind}s`}, its limit (${this.option} ${this.limit}); free one with {"method": "free", "params": {"id": ...}} first`,
      );
    }
    const id = `${this.kind}-${this.next++}`;
    this.items.set(id, item);
    return id;
  }

  get(id: string): T {
    const item = this.items.get(id);
    if (item === undefined) {
      const held = [...this.items.keys()];
      throw new ServeError("not_found", `no ${this.kind} "${id}" on this server${held.length ? ` (held: ${held.join(", ")})` : ""}`);
    }
    return item;
  }

  owns(id: string): boolean {
    return id.startsWith(`${this.kind}-`);
  }

  delete(id: string): boolean {
    return this.items.delete(id);
  }

  ids(): string[] {
    return [...this.items.keys()];
  }

  clear(): void {
    this.items.clear();
  }
}
