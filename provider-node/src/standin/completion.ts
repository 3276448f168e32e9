/**
 * Deterministic completions: the same prompt and max_tokens always give the same text, so
 * tests can compare outputs across restarts and failovers.
 */

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu']

/** FNV-1a: a stable seed from the prompt, no crypto needed. */
function seedOf(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

/** One word per token, the stand-in's notion of a token. */
export function completionText(prompt: string, tokens: number): string {
  const seed = seedOf(prompt)
  const words: string[] = []
  for (let i = 0; i < tokens; i++) words.push(WORDS[(seed + i * 7) % WORDS.length]!)
  return words.map((word) => ` ${word}`).join('')
}

/** Whitespace-separated words; good enough for the usage block of a stand-in. */
export function countPromptTokens(prompt: string): number {
  return prompt.split(/\s+/).filter((word) => word !== '').length
}
