/**
 * JSON read from a snapshot file and not parsed yet: bytes of the file's buffer (no copy). The
 * in-process store parses a document or a sorted set on first use, so a restart does not parse
 * (nor build, nor freeze) what nothing asks for, and a snapshot written again copies it as is.
 */
export class RawJson {
  constructor(
    readonly buffer: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}

  parse(): unknown {
    return JSON.parse(this.buffer.toString('utf8', this.start, this.end));
  }

  bytes(): Buffer {
    return this.buffer.subarray(this.start, this.end);
  }
}
