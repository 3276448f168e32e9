/** The `data:` payloads of a server-sent event stream, `[DONE]` included as the string. */
export function sseData(body: string): Array<Record<string, unknown> | '[DONE]'> {
  return body
    .split('\n\n')
    .map((event) => event.trim())
    .filter((event) => event !== '')
    .map((event) => {
      if (!event.startsWith('data: ')) throw new Error(`not an SSE data event: ${JSON.stringify(event)}`)
      const data = event.slice('data: '.length)
      return data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as Record<string, unknown>)
    })
}

/** One series' value in Prometheus text, summed over its labels. */
export function metric(text: string, name: string): number {
  let total = 0
  let seen = false
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const match = line.match(/^([^\s{]+)(?:\{[^}]*\})?\s+(\S+)$/)
    if (match?.[1] === name) {
      total += Number(match[2])
      seen = true
    }
  }
  if (!seen) throw new Error(`no ${name} in the metrics`)
  return total
}
