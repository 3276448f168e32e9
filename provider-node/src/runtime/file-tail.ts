import { type FileHandle, open } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'
import { TAIL_POLL_MS } from '../constants.js'

const CHUNK_BYTES = 64 * 1024

/**
 * Reads the lines a process appends to a file, from `offset` on, as they come (polled every
 * `TAIL_POLL_MS`): how the node reads a job's output when the job writes to a file instead of
 * a pipe, so that the job does not depend on the node (a pipe breaks when the node exits).
 * `close()` reads what is left, the last unterminated line included, and stops.
 */
export class FileTail {
  readonly #decoder = new StringDecoder('utf8')
  #partial = ''
  #offset: number
  #reading: Promise<void> = Promise.resolve()
  #closed = false
  readonly #timer: NodeJS.Timeout

  private constructor(
    private readonly file: FileHandle,
    offset: number,
    private readonly onLine: (line: string) => void,
  ) {
    this.#offset = offset
    this.#timer = setInterval(() => void this.#read(), TAIL_POLL_MS)
    // reading a job's output never keeps the node's process alive on its own
    this.#timer.unref()
  }

  static async open(path: string, onLine: (line: string) => void, offset = 0): Promise<FileTail> {
    return new FileTail(await open(path, 'r'), offset, onLine)
  }

  /** Bytes read so far (where a later reader would go on from). */
  get offset(): number {
    return this.#offset
  }

  #read(): Promise<void> {
    // one read at a time; a failed read (the file gone) ends nothing: the next one tries again
    this.#reading = this.#reading
      .catch(() => undefined)
      .then(async () => {
        if (this.#closed) return
        const buffer = Buffer.alloc(CHUNK_BYTES)
        for (;;) {
          const { bytesRead } = await this.file.read(buffer, 0, CHUNK_BYTES, this.#offset)
          if (bytesRead === 0) return
          this.#offset += bytesRead
          this.#emit(this.#decoder.write(buffer.subarray(0, bytesRead)))
        }
      })
    return this.#reading.catch(() => undefined)
  }

  #emit(text: string): void {
    const lines = (this.#partial + text).split('\n')
    this.#partial = lines.pop() ?? ''
    for (const line of lines) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line)
  }

  /** Reads to the end of the file, delivers an unterminated last line, and closes the file. */
  async close(): Promise<void> {
    clearInterval(this.#timer)
    await this.#read()
    if (this.#closed) return
    this.#closed = true
    const rest = this.#partial + this.#decoder.end()
    this.#partial = ''
    if (rest !== '') this.onLine(rest)
    await this.file.close().catch(() => undefined)
  }
}
