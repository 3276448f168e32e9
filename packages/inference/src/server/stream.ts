import type { FastifyReply } from 'fastify'

/**
 * Server-sent events as OpenAI streams them: `data: <json>\n\n` per chunk, `data: [DONE]` last.
 * Headers go out with the first event, so a request refused before it starts still gets an
 * ordinary JSON error with its status.
 */
export class EventStream {
  #open = false

  constructor(private readonly reply: FastifyReply) {}

  get open(): boolean {
    return this.#open
  }

  send(data: unknown): void {
    if (!this.#open) {
      this.reply.hijack()
      this.reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      })
      this.#open = true
    }
    if (!this.reply.raw.destroyed) this.reply.raw.write(`data: ${JSON.stringify(data)}\n\n`)
  }

  end(): void {
    if (this.#open && !this.reply.raw.destroyed) this.reply.raw.end('data: [DONE]\n\n')
  }
}
