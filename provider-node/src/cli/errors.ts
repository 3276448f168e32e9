/** A flag value that does not parse (an amount, a key, a port). */
export class InvalidCliValueError extends Error {
  override name = 'InvalidCliValueError'
  constructor(
    readonly option: string,
    readonly value: string,
    readonly expected: string,
    message = `${option} ${JSON.stringify(value)}: expected ${expected}`,
  ) {
    super(message)
  }
}

/** keygen never overwrites a key: losing an operator key loses the node's identity. */
export class KeypairExistsError extends Error {
  override name = 'KeypairExistsError'
  constructor(
    readonly path: string,
    readonly remedy = `use it as it is, or move it away first (mv ${path} ${path}.old)`,
    message = `a keypair already exists at ${path}`,
  ) {
    super(message)
  }
}

/** `status` talks to the node on this machine; it is not running or listens elsewhere. */
export class NodeApiUnreachableError extends Error {
  override name = 'NodeApiUnreachableError'
  readonly remedy = 'start the node with `synkti-provider run`, or pass the --config it runs with'
  constructor(
    readonly url: string,
    readonly reason: string,
    message = `no node API at ${url} (${reason})`,
  ) {
    super(message)
  }
}
