/**
 * The exact command that fixes each failed item. The `synkti-provider` subcommands named here
 * (keygen, register, stake, resume, run, doctor) are the CLI's; amounts are base units, as on chain.
 */
import { FEE_TOP_UP_SOL } from './constants.js'
import type { ContainerEngine } from './types.js'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])
const DEFAULT_LOCALNET_PORT = '8899'
/** Clusters whose faucet answers `solana airdrop`. */
const FAUCET_HOSTS = ['api.devnet.solana.com', 'api.testnet.solana.com']

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
    return `check the RPC URL and its status: solana cluster-version -u ${url}`
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
  /** An exiting registration cannot be resumed; its stake unlocks at `unlockAt`. */
  exiting: (market: string, minStake: bigint, unlockAt: number) =>
    `this registration is exiting (stake unlocks at ${new Date(unlockAt * 1000).toISOString()}); register anew from another authority: synkti-provider register --market ${market} --stake ${minStake}`,
  fundFees(address: string, url: string): string {
    const h = hostOf(url)
    if (h !== null && (LOOPBACK_HOSTS.has(h.host) || FAUCET_HOSTS.includes(h.host))) {
      return `solana airdrop ${FEE_TOP_UP_SOL} ${address} -u ${url}`
    }
    return `solana transfer ${address} ${FEE_TOP_UP_SOL} --allow-unfunded-recipient -u ${url}`
  },
  readChain: (url: string) => `check the RPC: solana cluster-version -u ${url}, then synkti-provider doctor`,
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
  unknownModel: (model: string, path: string) =>
    `the source does not know ${model}: check the job's model name, or copy the weights to ${path}`,
} as const
