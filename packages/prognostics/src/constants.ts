/**
 * Defaults, each with the reason for its value.
 */

/** Seconds per hour; hazards are quoted per instance-hour, event times are in seconds. */
export const SECONDS_PER_HOUR = 3600

/**
 * Prior mean preemption rate per instance-hour before any notice is seen (about one notice per
 * 40 instance-days). AWS reports average spot interruption frequencies under 5 % per month across
 * all pools, GPU pools interrupt more often; the prior is deliberately weak so data dominate fast.
 */
export const DEFAULT_PRIOR_RATE_PER_HOUR = 0.001

/** Pseudo instance-hours behind the cloud-wide prior: one instance-day of evidence. */
export const DEFAULT_PRIOR_STRENGTH_HOURS = 24

/**
 * Pseudo instance-hours each level (region, instance type, region x type, zone key) borrows from
 * its parent. A key observed for far longer than this follows its own data; a new key follows
 * its parents.
 */
export const DEFAULT_SHRINKAGE_HOURS = 24

/**
 * Window of zone co-interruptions: most co-interruptions of one instance type in one zone fall
 * within 3 minutes of the first notice (capacity is reclaimed per pool in one sweep).
 */
export const DEFAULT_CO_WINDOW_SECONDS = 180

/**
 * Decay time constant of the excess hazard after a notice, chosen so that 90 % of the excess
 * mass falls inside the co-interruption window: tau = window / ln(10).
 */
export const DEFAULT_CO_DECAY_SECONDS = DEFAULT_CO_WINDOW_SECONDS / Math.LN10

/** Prior probability that another instance of the same type in the zone is noticed within the window. */
export const DEFAULT_SAME_TYPE_CO_PROBABILITY = 0.3

/** Prior probability that an instance of another type in the zone is noticed within the window. */
export const DEFAULT_OTHER_TYPE_CO_PROBABILITY = 0.05

/** Pseudo trials behind the co-interruption priors. */
export const DEFAULT_CO_PRIOR_TRIALS = 10

/** Excess hazard older than this many decay constants is dropped (its weight is below e^-30). */
export const CO_PRUNE_DECAYS = 30
