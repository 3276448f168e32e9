/** One HTTP answer, body as text; network failures and timeouts become `{ ok: false, reason }`. */
export type HttpResult = { ok: true; status: number; body: string } | { ok: false; reason: string }

export interface HttpRequest {
  method?: string
  headers?: Record<string, string>
  body?: string
  timeoutMs: number
}

export async function httpRequest(url: string, req: HttpRequest): Promise<HttpResult> {
  try {
    const res = await fetch(url, {
      method: req.method ?? 'GET',
      ...(req.headers === undefined ? {} : { headers: req.headers }),
      ...(req.body === undefined ? {} : { body: req.body }),
      signal: AbortSignal.timeout(req.timeoutMs),
    })
    return { ok: true, status: res.status, body: await res.text() }
  } catch (err) {
    const e = err as { name?: string; message?: string; cause?: { code?: string } }
    const reason = e.name === 'TimeoutError' ? `no answer within ${req.timeoutMs} ms` : (e.cause?.code ?? e.message)
    return { ok: false, reason: `${url}: ${reason}` }
  }
}
