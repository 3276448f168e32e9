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

/** Fewest regular samples a spectrum is taken from (a few cycles of the shortest period). */
export const MIN_PERIODICITY_SAMPLES = 16

/** Zero padding: FFT size is this many times the next power of two, for a finer frequency grid. */
export const ZERO_PAD_FACTOR = 4

/** Periods reported at most. */
export const DEFAULT_MAX_PERIODS = 5

/** Confidence a period needs: a 1 % family-wise false-period rate under the permutation null. */
export const DEFAULT_MIN_CONFIDENCE = 0.99

/** Share of spectral power a period needs; weaker peaks are noise or sidelobes. */
export const DEFAULT_MIN_STRENGTH = 0.02

/** Shuffles behind the permutation null; 199 allows confidences up to 0.995. */
export const DEFAULT_PERMUTATIONS = 199

/** Seed of the permutation null, so every run gives the same confidences. */
export const DEFAULT_SEED = 0x5eed

/** Relative tolerance when a period is compared with a stronger period / m. */
export const DEFAULT_HARMONIC_TOLERANCE = 0.03

/** Default central prediction-interval level. */
export const DEFAULT_LEVEL = 0.95

/** Largest p, q, P or Q accepted; higher orders overfit the series a node sees. */
export const MAX_ARIMA_ORDER = 5

/** Largest d or D accepted; more differencing than twice only amplifies noise. */
export const MAX_DIFFERENCES = 2

/**
 * Partial autocorrelations are kept within ±this, so fitted models stay strictly stationary and
 * invertible (an exact unit root would make the CSS recursion and intervals degenerate).
 */
export const PACF_LIMIT = 0.999

/** KPSS 5 % critical value for level stationarity (Kwiatkowski et al. 1992, table 1). */
export const KPSS_CRITICAL_5PCT = 0.463

/** Seasonal strength from which a seasonal difference is taken (auto.arima's nsdiffs default). */
export const SEASONAL_STRENGTH_THRESHOLD = 0.64

/** Robust z-score from which a residual is anomalous (Iglewicz & Hoaglin 1993). */
export const DEFAULT_ANOMALY_THRESHOLD = 3.5

/** Samples each side that tell a level shift from a spike, and how long an anomaly's echo lasts. */
export const DEFAULT_ANOMALY_WINDOW = 5

/** MAD × 1.4826 estimates σ of a normal (1 / Φ⁻¹(0.75)). */
export const MAD_TO_SIGMA = 1.4826
