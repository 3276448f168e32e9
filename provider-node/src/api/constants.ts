/** The API listens on loopback unless told otherwise: it reports, it does not take orders. */
export const DEFAULT_API_HOST = '127.0.0.1'

/** Longer than any job id (128), so an over-long id reaches the schema and gets a named 400. */
export const MAX_PARAM_LENGTH = 512

/** Every metric the node exports starts with this, so one scrape config selects them all. */
export const METRIC_PREFIX = 'synkti_node_'

/**
 * Failover phases last from milliseconds (selecting a peer) to minutes (loading a model onto a
 * GPU before the health check passes), so the buckets span 0.1 s to 10 min.
 */
export const PHASE_DURATION_BUCKETS_SEC = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]

/**
 * The status page may only load what the node itself serves: it often runs offline, and a page
 * that shows keys and earnings must not run anyone else's script.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')
