/** `err` as the text of an event or a status, `Name: message`, cut to at most `maxLength` characters. */
export function describeError(err: unknown, maxLength: number): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text
}
