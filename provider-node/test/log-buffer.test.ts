import { describe, expect, it } from 'vitest'
import { LogBuffer } from '../src/runtime/log-buffer.js'

async function drainAll<T>(buffer: LogBuffer<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of buffer) items.push(item)
  return items
}

describe('LogBuffer', () => {
  it('keeps the newest entries and counts the dropped ones when the reader is behind', async () => {
    const buffer = new LogBuffer<number>(3)
    for (let i = 1; i <= 7; i++) buffer.push(i)
    buffer.close()
    expect(buffer.dropped).toBe(4)
    expect(await drainAll(buffer)).toEqual([5, 6, 7])
  })

  it('wakes a waiting reader and ends it on close', async () => {
    const buffer = new LogBuffer<string>(2)
    const read = drainAll(buffer)
    buffer.push('a')
    await new Promise((resolve) => setImmediate(resolve))
    buffer.push('b')
    buffer.push('c')
    buffer.close()
    buffer.push('after close')
    expect(await read).toEqual(['a', 'b', 'c'])
    expect(buffer.dropped).toBe(0)
  })

  it('wraps around its storage in order', async () => {
    const buffer = new LogBuffer<number>(2)
    const iterator = buffer[Symbol.asyncIterator]()
    const seen: number[] = []
    for (let i = 0; i < 5; i++) {
      buffer.push(i)
      seen.push((await iterator.next()).value as number)
    }
    expect(seen).toEqual([0, 1, 2, 3, 4])
  })

  it('rejects a capacity below one', () => {
    expect(() => new LogBuffer(0)).toThrow(RangeError)
  })
})
