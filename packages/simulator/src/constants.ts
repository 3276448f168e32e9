/** Defaults of the simulation, each with the reason for its value. */

/** Seven simulated days per scenario. */
export const DEFAULT_DAYS = 7
export const SECONDS_PER_HOUR = 3600

/** The spot interruption notice: AWS terminates two minutes after it. */
export const NOTICE_SECONDS = 120
/** Failover phases (seconds): drain in-flight requests, run the planner, health-check the replacement. */
export const DRAIN_SECONDS = 10
export const SELECT_SECONDS = 1
export const HEALTH_SECONDS = 5
/** Switching to a pre-warmed spare: only routing changes. */
export const SWITCH_SECONDS = 2
/** Loading weights from local disk into GPU memory, GB/s. */
export const GPU_LOAD_GB_PER_SECOND = 2

/** Spot prices move in steps of this many seconds (AWS updates spot prices at most this often). */
export const PRICE_STEP_SECONDS = 300
/** Mean reversion of the log spot price: half-life of about four hours. */
export const PRICE_REVERSION_PER_HOUR = 1 / 6

/**
 * Preemption waves per zone. A wave starts in one instance type's pool and reclaims each
 * running machine there with PRIMARY_HIT; each other type in the zone is drawn into the
 * wave with SECONDARY_POOL, reclaiming machines there with SECONDARY_HIT a little later.
 * The per-instance rate of the scenario divided by the expected hits per instance gives the
 * wave rate. Half the primary notices come at once, the rest within a few minutes: most
 * co-interruptions of one type in one zone fall within 3 minutes.
 */
export const PRIMARY_HIT = 0.6
export const SECONDARY_POOL = 0.3
export const SECONDARY_HIT = 0.4
export const SIMULTANEOUS_SHARE = 0.5
export const STRAGGLER_MEAN_SECONDS = 45
export const STRAGGLER_MAX_SECONDS = 170
export const SECONDARY_DELAY_SECONDS: readonly [number, number] = [20, 170]
/**
 * Pools differ in risk: σ of the lognormal risk multiplier per zone, and of the lognormal weights
 * that decide which type's pool starts a zone's waves. Together they put about an order of
 * magnitude between the calmest and the riskiest of the 15 pools, like the spread of the
 * interruption-frequency bands of AWS's Spot Instance Advisor.
 */
export const ZONE_RISK_SIGMA = 0.6
export const TYPE_RISK_SIGMA = 0.6
/** How long a pool cannot launch after a wave reclaims it (mean, seconds). */
export const PRIMARY_OUTAGE_MEAN_SECONDS = 1800
export const SECONDARY_OUTAGE_MEAN_SECONDS = 900

/** Jobs: mean duration, shortest duration, and the window in which the initial fleet arrives. */
export const JOB_MEAN_SECONDS = 12 * 3600
export const JOB_MIN_SECONDS = 1800
export const WARMUP_SECONDS = 600
/** Share of jobs pinned to us-east-1, that refuse spot, and that need a container runtime. */
export const PINNED_SHARE = 0.15
export const NO_SPOT_SHARE = 0.05
export const CONTAINER_SHARE = 0.3
/** VRAM a model needs: weights plus KV cache and activations. */
export const VRAM_OVERHEAD = 1.25
export const VRAM_PER_GPU_GB = 80

/** New jobs are planned in batches on this tick, failovers at once. */
export const PLAN_TICK_SECONDS = 60

/** What one served request is worth to its consumer; prices downtime (USD). */
export const USD_PER_REQUEST = 0.0025

/** The prognostics policy re-checks spares hourly and keeps one when its expected saving exceeds its price. */
export const SPARE_REVIEW_SECONDS = 3600
/** A spare is kept while its expected saving is at least this share of its price (hysteresis: no flapping). */
export const SPARE_KEEP_RATIO = 0.5
/** Zones where a notice was seen within this window are hot (the co-interruption window). */
export const HOT_ZONE_SECONDS = 180
