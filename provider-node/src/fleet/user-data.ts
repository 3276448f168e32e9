import { type NodeConfig, type NodeConfigInput, nodeConfigSchema } from '../node/config.js'
import {
  KEY_COMMAND_FIELDS,
  KEY_COMMAND_PLACEHOLDER,
  PER_WORKER_KEY_FIELDS,
  WORKER_CONFIG_PATH,
  WORKER_KEYPAIR_PATH,
  WORKER_P2P_PORT,
  WORKER_STATE_DIR,
} from './constants.js'
import { InvalidKeyCommandError } from './errors.js'
import type { GpuSpec } from './gpus.js'
import type { FleetTarget } from './plan.js'

/** Who one worker is: its provider index, account and operator key (null while not known: cloud-only, a dry run's new key). */
export interface WorkerSlot {
  cluster: string
  index: number
  provider: string | null
  operator: string | null
}

/**
 * The worker's node config, from the deployer's: the same market, price, peers and policy; its
 * own provider account (`provider`, one per worker; the deployer's when not given); the
 * machine's own capability (cloud, region, zone, spot, GPUs); the worker's paths. Paths that
 * only mean something on the workstation (job cwd, model dir, a test IMDS) are left out, and
 * the key is a path, never key material.
 */
export function workerConfig(
  deployer: NodeConfig,
  target: FleetTarget,
  gpu: GpuSpec,
  provider: string = deployer.provider,
): NodeConfigInput {
  const config: NodeConfigInput = {
    keypair: WORKER_KEYPAIR_PATH,
    rpcUrl: deployer.rpcUrl,
    market: deployer.market,
    provider,
    stateDir: WORKER_STATE_DIR,
    listen: [`/ip4/0.0.0.0/tcp/${WORKER_P2P_PORT}`],
    bootstrap: deployer.bootstrap,
    api: { host: '127.0.0.1', port: deployer.api.port },
    capability: {
      ...deployer.capability,
      gpu,
      cloud: target.cloud,
      region: target.region,
      zone: target.zone ?? target.region,
      spot: target.market.kind === 'spot',
      cachedModels: [],
    },
    pricePerSecond: deployer.pricePerSecond,
    // A worker observes where it runs: on the cloud machine that makes it a worker.
    context: 'auto',
    role: 'auto',
    spotPollMs: deployer.spotPollMs,
    allowCommands: deployer.allowCommands,
    ...(deployer.weightsSource !== undefined ? { weightsSource: deployer.weightsSource } : {}),
    ...(deployer.settlementIntervalSec !== undefined ? { settlementIntervalSec: deployer.settlementIntervalSec } : {}),
    drainDeadlineMs: deployer.drainDeadlineMs,
  }
  nodeConfigSchema.parse(config)
  return config
}

export interface UserDataInit {
  config: NodeConfigInput
  target: FleetTarget
  /** npm spec of the provider node to install (`@synkti/provider-node@0.1.0`, a tarball URL). */
  packageSpec: string
  /**
   * Shell command that writes the operator key to WORKER_KEYPAIR_PATH; the placeholder when
   * absent. With `worker`, `{index}`, `{operator}`, `{provider}` and `{cluster}` are filled in.
   */
  keyCommand?: string
  /** The worker this user data is for: its index, account and operator go in the script (public keys only). */
  worker?: WorkerSlot
}

const FIELD = /\{([A-Za-z_]+)\}/g

/**
 * A `--key-command` must fetch each worker's own key: it names `{index}`, `{operator}` or
 * `{provider}`, and no placeholder that does not exist. Throws InvalidKeyCommandError.
 */
export function assertKeyCommand(command: string): void {
  const named = [...command.matchAll(FIELD)].map((m) => m[1] ?? '')
  const unknown = named.filter((n) => !(KEY_COMMAND_FIELDS as readonly string[]).includes(n))
  if (unknown.length > 0) {
    throw new InvalidKeyCommandError(
      command,
      `unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')} (known: ${KEY_COMMAND_FIELDS.map((n) => `{${n}}`).join(', ')})`,
    )
  }
  if (!named.some((n) => (PER_WORKER_KEY_FIELDS as readonly string[]).includes(n))) {
    throw new InvalidKeyCommandError(command, 'it names no per-worker key, so every worker would fetch the same one')
  }
}

/** The command for one worker; a key not generated yet (a dry run) reads `new-operator-<index>`. */
export function fillKeyCommand(command: string, worker: WorkerSlot): string {
  const values: Record<string, string> = {
    index: String(worker.index),
    operator: worker.operator ?? `new-operator-${worker.index}`,
    provider: worker.provider ?? `provider-${worker.index}`,
    cluster: worker.cluster,
  }
  return command.replace(FIELD, (whole, name: string) => values[name] ?? whole)
}

/** POSIX single quotes: the one quoting in which nothing is special but the quote itself. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/**
 * The cloud-init user data (a shell script, which cloud-init runs once at first boot) that
 * installs Node.js 20 and the provider node, writes its config, and has systemd start
 * `synkti-provider run` as soon as the operator key exists. The key itself is provisioned out of
 * band: user data is readable by anyone allowed to describe the instance, so it holds no secret.
 */
export function renderUserData(init: UserDataInit): string {
  const { config, target, worker } = init
  const stopSec = Math.ceil((config.drainDeadlineMs ?? 30_000) / 1000) + 15
  const keyCommand =
    init.keyCommand === undefined
      ? KEY_COMMAND_PLACEHOLDER
      : worker === undefined
        ? init.keyCommand
        : fillKeyCommand(init.keyCommand, worker)
  const identity =
    worker === undefined
      ? ''
      : `# Provider index ${worker.index}: provider ${worker.provider ?? '(cloud only)'}, operator ${worker.operator ?? '(generated by fleet up)'}.
# synkti:index=${worker.index} synkti:provider=${worker.provider ?? '-'} synkti:operator=${worker.operator ?? '-'}
`
  return `#!/bin/bash
# Synkti worker of cluster ${target.cluster} (${target.cloud} ${target.region}), rendered by \`synkti-provider fleet up\`.
${identity}# No secrets here: the operator key is provisioned out of band at ${WORKER_KEYPAIR_PATH}.
set -euo pipefail
install -d -m 0700 /etc/synkti ${WORKER_STATE_DIR}
cat > ${WORKER_CONFIG_PATH} <<'SYNKTI_CONFIG'
${JSON.stringify(config, null, 2)}
SYNKTI_CONFIG
chmod 0600 ${WORKER_CONFIG_PATH}

# Node.js 20 or newer, then the provider node.
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y nodejs
fi
npm install -g ${shellQuote(init.packageSpec)}

# The operator key, out of band (fleet up --key-command fills this line; otherwise copy the key
# to ${WORKER_KEYPAIR_PATH} by any means, e.g. SSM Run Command or your secret store's agent).
${keyCommand}

cat > /etc/systemd/system/synkti-provider.service <<'SYNKTI_UNIT'
[Unit]
Description=Synkti provider node
After=network-online.target
Wants=network-online.target
ConditionPathExists=${WORKER_KEYPAIR_PATH}

[Service]
ExecStart=/usr/bin/env synkti-provider run --config ${WORKER_CONFIG_PATH}
Restart=on-failure
RestartSec=5
KillSignal=SIGTERM
TimeoutStopSec=${stopSec}

[Install]
WantedBy=multi-user.target
SYNKTI_UNIT
cat > /etc/systemd/system/synkti-provider.path <<'SYNKTI_UNIT'
[Unit]
Description=Start the Synkti provider node once its operator key exists

[Path]
PathExists=${WORKER_KEYPAIR_PATH}

[Install]
WantedBy=multi-user.target
SYNKTI_UNIT
systemctl daemon-reload
systemctl enable --now synkti-provider.path
`
}
