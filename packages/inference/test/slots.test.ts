import { describe, expect, it } from 'vitest'
import { Slots } from '../src/engine/slots.js'

describe('Slots', () => {
  it('hands out free slots, queues the rest first come first served, passes a released slot on', async () => {
    const slots = new Slots(['a'])
    const first = await slots.acquire()
    const order: string[] = []
    const second = slots.acquire().then((s) => order.push(`second:${s}`))
    const third = slots.acquire().then((s) => order.push(`third:${s}`))
    expect([slots.running, slots.waiting]).toEqual([1, 2])
    slots.release(first)
    await second
    expect([slots.running, slots.waiting]).toEqual([1, 1])
    slots.release('a')
    await third
    slots.release('a')
    expect(order).toEqual(['second:a', 'third:a'])
    expect([slots.running, slots.waiting]).toEqual([0, 0])
  })

  it('an aborted wait leaves the queue with the reason', async () => {
    const slots = new Slots([1])
    await slots.acquire()
    const abort = new AbortController()
    const waiting = slots.acquire(abort.signal)
    expect(slots.waiting).toBe(1)
    abort.abort(new Error('client gone'))
    await expect(waiting).rejects.toThrow('client gone')
    expect(slots.waiting).toBe(0)
  })

  it('rejectWaiters fails every waiter', async () => {
    const slots = new Slots([1])
    await slots.acquire()
    const waiters = [slots.acquire(), slots.acquire()]
    slots.rejectWaiters(new Error('closing'))
    for (const waiter of waiters) await expect(waiter).rejects.toThrow('closing')
  })
})
