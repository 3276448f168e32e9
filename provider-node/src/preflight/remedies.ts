/**
 * The exact command that fixes each failed item. The `synkti-provider` subcommands named here
 * (keygen, register, stake, resume, run, doctor) are the CLI's; amounts are base units, as on chain.
 */
import { fetchModelCommand, SMOLLM2 } from '@synkti/inference/spawn'
import { FEE_TOP_UP_SOL } from './constants.js'
import type { ContainerEngine } from './types.js'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])
const DEFAULT_LOCALNET_PORT = '8899'
/** Public clusters whose RPC answers requestAirdrop (rate-limited), as localnet's does. */
const FAUCET_HOSTS = ['api.devnet.solana.com', 'api.testnet.solana.com']
const DEFAULT_LOCALNET_URL = `http://127.0.0.1:${DEFAULT_LOCALNET_PORT}`

/** A JSON-RPC getHealth by curl: the one check of an RPC that needs no Solana tool. */
const healthCheck = (url: string) =>
  `curl -s ${url} -H 'content-type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"getHealth"}'`

function hostOf(url: string): { host: string; port: string } | null {
  try {
    const u = new URL(url)
    return { host: u.hostname, port: u.port }
  } catch {
    return null
  }
}

export function isLocalRpc(url: string): boolean {
  const h = hostOf(url)
  return h !== null && LOOPBACK_HOSTS.has(h.host)
}

export const remedies = {
  keygen: (path: string) => `synkti-provider keygen -o ${path}`,
  keypairPermissions: (path: string) => `chmod 600 ${path} (and make it owned by the user running the node)`,
  /** A garbled key cannot be repaired: restore it, or replace it (the new operator must then be registered). */
  keypairMalformed: (path: string) =>
    `restore ${path} from its backup, or replace it: mv ${path} ${path}.bad && synkti-provider keygen -o ${path}`,
  startRpc(url: string): string {
    const h = hostOf(url)
    if (h !== null && LOOPBACK_HOSTS.has(h.host)) {
      const port = h.port === '' ? DEFAULT_LOCALNET_PORT : h.port
      return port === DEFAULT_LOCALNET_PORT ? 'npm run localnet' : `npm run localnet -- --port ${port}`
    }
    return `check the RPC URL and that it answers: ${healthCheck(url)}`
  },
  marketMissing: (market: string, url: string) =>
    isLocalRpc(url)
      ? `npm run deploy (creates the local market), then pass its address: --market <address>`
      : `pass the address of an existing market: --market <address> (${market} does not exist on ${url})`,
  register: (market: string, minStake: bigint) => `synkti-provider register --market ${market} --stake ${minStake}`,
  otherOperator: (keypairPath: string, onChain: string) =>
    `this keypair is not the provider's operator: point --keypair (now ${keypairPath}) at the keypair of ${onChain}`,
  stake: (deficit: bigint) => `synkti-provider stake --amount ${deficit}`,
  resume: () => 'synkti-provider resume',
  /** An exiting registration cannot be resumed; its stake unlocks at `unlockAt` (the operator key stays taken in the market). */
  exiting: (market: string, minStake: bigint, unlockAt: number) =>
    `this registration is exiting (its stake unlocks at ${new Date(unlockAt * 1000).toISOString()}: synkti-provider withdraw then); to serve again, register a new provider with a new operator key under another authority, in a config of its own: synkti-provider keygen -o <new key> && synkti-provider register --market ${market} --stake ${minStake} -k <new key> -a <another authority> -c <new config>`,
  /** The project's own faucet (`npm run localnet -- faucet`, localnet/README.md) where airdrops exist. */
  fundFees(address: string, url: string): string {
    const h = hostOf(url)
    if (h !== null && LOOPBACK_HOSTS.has(h.host)) {
      const at = url.replace(/\/$/, '') === DEFAULT_LOCALNET_URL ? '' : ` --url ${url}`
      return `npm run localnet -- faucet${at} --to ${address} --sol ${FEE_TOP_UP_SOL}`
    }
    if (h !== null && FAUCET_HOSTS.includes(h.host)) {
      return `npm run localnet -- faucet --url ${url} --to ${address} --sol ${FEE_TOP_UP_SOL} (the cluster's airdrop is rate-limited; or https://faucet.solana.com)`
    }
    return `send ${FEE_TOP_UP_SOL} SOL to ${address} from a wallet of yours on the cluster of ${url}`
  },
  readChain: (url: string) => `check that the RPC answers: ${healthCheck(url)}; then synkti-provider doctor`,
  peers: () =>
    'check that the bootstrap peers are up and reachable over TCP: synkti-provider run --bootstrap <multiaddr>',
  firstPeer: () => 'a hand-off needs a peer: synkti-provider run --bootstrap <multiaddr of another provider>',
  installVllm: () => 'pip install vllm',
  installCommand: (command: string) =>
    `install ${command} or put it on PATH (check: command -v ${command}), or name its absolute path in the job spec`,
  startEngine: (engine: ContainerEngine) =>
    engine === 'docker' ? 'sudo systemctl start docker' : 'systemctl --user start podman.socket',
  installEngine: () => 'sudo apt-get install -y docker.io && sudo systemctl start docker',
  gpuDriver: (command: string) => `load the NVIDIA driver: sudo modprobe nvidia && ${command}`,
  declareGpu: (market: string, model: string, vramGb: number, count: number) =>
    `declare what this machine has: synkti-provider register --market ${market} --gpu ${model} --vram ${vramGb} --count ${count}`,
  decline: (why: string) => `decline: ${why} (this machine cannot serve it)`,
  freeDisk: (path: string, needGb: number, modelDir: string) =>
    `free ${needGb} GB on the disk of ${path} (du -sh ${modelDir}/* shows what is there), or point --model-dir at a larger disk`,
  gatedModel: () => 'the model is gated: accept its licence on the model page, then huggingface-cli login',
  downloadWeights: (model: string, path: string) => `huggingface-cli download ${model} --local-dir ${path}`,
  /**
   * No hub is configured, so nothing is known of the name: naming a hub download would send the
   * operator after a model that may not exist there. Say where the files go, and how to let the
   * node fetch them instead.
   */
  placeNamedWeights: (model: string, path: string) =>
    `copy the weights of ${model} to ${path}, or let the node fetch them: name a Hugging Face-compatible hub as weightsSource in the node config`,
  /**
   * A model job's weights are nowhere this node can get them: put them where it looks. The
   * project's own model (SmolLM2, `consumer-cli/examples/smollm2.yaml`) has a command that puts it
   * in the node's cache (`npm run fetch-model`, in the clone); other weights are copied there by
   * hand or uploaded to a configured source.
   */
  placeWeights(sha256: string, path: string, modelDir: string, sources: readonly string[]): string {
    const copy = `cp <file whose sha256 is ${sha256}> ${path}`
    const store =
      sources.length === 0
        ? `name a store that holds them in the node's config: "weightsSources": [{ "kind": "s3", "bucket": "<bucket>", "endpoint": "<url>" }]`
        : `aws s3 cp <file> ${sources[0]}${sha256} (upload them to a configured source)`
    if (sha256 === SMOLLM2.sha256) {
      return `${fetchModelCommand(modelDir)} (in the synkti clone: ${SMOLLM2.name} into this node's cache), or ${store}`
    }
    return sources.length === 0 ? `${copy}, or ${store}` : `${store}, or ${copy}`
  },
  /** A source that could not be asked: its address or the credentials the AWS SDK finds. */
  reachSource: (source: string) =>
    `check that ${source} answers and that the AWS SDK finds credentials for it (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE), then synkti-provider doctor`,
  /** synkti-engine ships with the node: missing means a broken install. */
  reinstallEngine: () => "npm ci (installs @synkti/inference and node-llama-cpp's prebuilt llama.cpp binaries)",
  unknownModel: (model: string, path: string) =>
    `the source does not know ${model}: check the job's model name, or copy the weights to ${path}`,
} as const
