/** One class per condition; callers check `err.name`. */

export interface SpecIssue {
  /** dotted path of the offending field, e.g. `model.vramGb`; empty for the document itself */
  path: string
  message: string
}

/** The spec is not YAML/JSON, or does not match the schema; `issues` names every bad field. */
export class InvalidJobSpecError extends Error {
  override name = 'InvalidJobSpecError'
  readonly remedy = 'fix the fields listed above; consumer-cli/examples/llm.yaml is a complete example'
  constructor(
    readonly issues: SpecIssue[],
    message = `invalid job spec: ${issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ')}`,
  ) {
    super(message)
  }
}

/** A status document from a node that does not match the schema (untrusted input). */
export class MalformedNodeStatusError extends Error {
  override name = 'MalformedNodeStatusError'
  constructor(
    readonly issues: SpecIssue[],
    message = `malformed node status: ${issues.map((i) => `${i.path || '(document)'}: ${i.message}`).join('; ')}`,
  ) {
    super(message)
  }
}
