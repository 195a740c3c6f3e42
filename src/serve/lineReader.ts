// Splits a byte stream into lines (one message each) without ever holding
// more than the message limit: a longer line is reported once and skipped
// up to its newline, so one oversized message cannot exhaust memory or
// desynchronise the stream.

export interface LineHandlers {
  line(text: string): void;
  /** A line longer than the limit was dropped (its size so far, in bytes). */
  oversized(bytes: number): void;
}

export class LineReader {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping = false;

  constructor(
    private readonly maxBytes: number,
    private readonly on: LineHandlers,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (!this.skipping) {
        if (this.size + piece.length > this.maxBytes) {
          this.on.oversized(this.size + piece.length);
          this.skipping = true;
          this.parts = [];
          this.size = 0;
        } else if (piece.length > 0) {
          this.parts.push(piece);
          this.size += piece.length;
        }
      }
      if (nl < 0) return;
      if (!this.skipping) this.emit();
      this.skipping = false;
      this.parts = [];
      this.size = 0;
      start = nl + 1;
    }
  }

  /** End of stream: a last line without a newline still counts. */
  end(): void {
    if (!this.skipping && this.size > 0) this.emit();
    this.parts = [];
    this.size = 0;
  }

  private emit(): void {
    let bytes = Buffer.concat(this.parts, this.size);
    if (bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1); // CRLF line ends
    const text = bytes.toString("utf8");
    if (text.trim() !== "") this.on.line(text);
  }
}
