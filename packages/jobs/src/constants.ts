/** Domain tag of the job spec hash: a spec hash can never collide with another signed payload. */
export const JOB_SPEC_DOMAIN = 'synkti/job-spec/v1'
/** Domain tag of a node's signed /status document. */
export const NODE_STATUS_DOMAIN = 'synkti/node-status/v1'
/** A spec is a page of YAML; anything larger is a mistake or an attack. */
export const MAX_SPEC_BYTES = 64 * 1024
export const NODE_STATUS_VERSION = 1
