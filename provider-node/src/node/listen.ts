import { freePort } from '../runtime/free-port.js'

/**
 * The node's P2P listen address is part of its identity for everyone who dials it: consumers
 * keep `<address>/p2p/<peer id>` as their bootstrap peer, and other providers rejoin through it
 * after a restart. So it is chosen once and kept in the config, never a new random port per start.
 */

/** The port of a config that names none (written before `register` chose one, or by hand). */
export const DEFAULT_P2P_PORT = 4001
/** The host the node listens on unless told otherwise: loopback (`--listen /ip4/0.0.0.0/tcp/<port>` for peers elsewhere). */
export const DEFAULT_P2P_HOST = '127.0.0.1'
export const DEFAULT_LISTEN_ADDRESSES: readonly string[] = [`/ip4/${DEFAULT_P2P_HOST}/tcp/${DEFAULT_P2P_PORT}`]

/**
 * What `register` writes into a new config: a TCP port that is free on `host` now, chosen by the
 * operating system once (so two nodes registered side by side on one machine get two ports),
 * and kept from then on.
 */
export async function chooseListenAddresses(host = DEFAULT_P2P_HOST): Promise<string[]> {
  return [`/ip4/${host}/tcp/${await freePort(host)}`]
}

/** Whether a listen address leaves the port to chance (`…/tcp/0`): such a node's address changes at every start. */
export function isEphemeralListen(address: string): boolean {
  return /\/tcp\/0(\/|$)/.test(address)
}
