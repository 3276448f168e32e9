import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import {
  assertKeyCommand,
  fillKeyCommand,
  KEY_COMMAND_PLACEHOLDER,
  renderUserData,
  shellQuote,
  WORKER_CONFIG_PATH,
  WORKER_KEYPAIR_PATH,
  workerConfig,
  workerGpus,
} from '../../src/fleet/index.js'
import { nodeConfigSchema } from '../../src/node/config.js'
import { deployerConfig, target } from './fixtures.js'

const config = () => workerConfig(deployerConfig(), target, workerGpus('aws', target.instanceType))

/** The config document the script writes, cut out of its heredoc. */
function writtenConfig(script: string): unknown {
  const match = /<<'SYNKTI_CONFIG'\n([\s\S]*?)\nSYNKTI_CONFIG\n/.exec(script)
  if (match?.[1] === undefined) throw new Error('no config heredoc in the user data')
  return JSON.parse(match[1])
}

describe('workerConfig', () => {
  it("serves the deployer's provider with the machine's own capability and worker paths", () => {
    const c = config()
    expect(c).toMatchObject({
      keypair: WORKER_KEYPAIR_PATH,
      market: '11111111111111111111111111111111',
      provider: '11111111111111111111111111111112',
      pricePerSecond: '7',
      allowCommands: ['vllm'],
      context: 'auto',
      role: 'auto',
      capability: {
        gpu: { model: 'A10G', count: 1, vramGb: 24 },
        cloud: 'aws',
        region: 'eu-central-1',
        zone: 'eu-central-1',
        spot: true,
        runtimes: ['process', 'vllm'],
        cachedModels: [],
        diskGb: 200,
      },
    })
    expect(nodeConfigSchema.parse(c).listen).toEqual(['/ip4/0.0.0.0/tcp/4001'])
  })

  it('drops what only means something on the workstation: its key path, job cwd, test IMDS', () => {
    const text = JSON.stringify(config())
    expect(text).not.toContain('/home/op')
    expect(config()).not.toHaveProperty('imdsUrl')
    expect(config()).not.toHaveProperty('jobCwd')
  })
})

describe('renderUserData', () => {
  it('is a bash script that parses, writes a valid config and starts the node once the key exists', () => {
    const script = renderUserData({ config: config(), target, packageSpec: '@synkti/provider-node@0.1.0' })
    expect(script.startsWith('#!/bin/bash\n')).toBe(true)
    const syntax = spawnSync('bash', ['-n'], { input: script })
    expect(syntax.status, syntax.stderr.toString()).toBe(0)
    expect(nodeConfigSchema.parse(writtenConfig(script))).toMatchObject({ keypair: WORKER_KEYPAIR_PATH })
    expect(script).toContain(`ExecStart=/usr/bin/env synkti-provider run --config ${WORKER_CONFIG_PATH}`)
    expect(script).toContain(`PathExists=${WORKER_KEYPAIR_PATH}`)
    expect(script).toContain("npm install -g '@synkti/provider-node@0.1.0'")
    // drain deadline 30 s + margin: systemd must not SIGKILL a draining node
    expect(script).toContain('TimeoutStopSec=45')
  })

  it('holds no key material: only the placeholder, or the command the operator gave', () => {
    const placeholder = renderUserData({ config: config(), target, packageSpec: 'p' })
    expect(placeholder.split('\n')).toContain(KEY_COMMAND_PLACEHOLDER)
    expect(placeholder).not.toMatch(/\[\s*\d+\s*,\s*\d+/) // no JSON byte array (a Solana keypair file)
    const command = 'aws ssm get-parameter --name /synkti/gpu-eu/operator --with-decryption > /etc/synkti/operator.json'
    const filled = renderUserData({ config: config(), target, packageSpec: 'p', keyCommand: command })
    expect(filled.split('\n')).toContain(command)
    expect(filled).not.toContain(KEY_COMMAND_PLACEHOLDER)
  })

  it("carries the worker's index, provider and operator (public keys), and fills them into the key command", () => {
    const provider = '11111111111111111111111111111113'
    const operator = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU'
    const worker = { cluster: 'gpu-eu', index: 3, provider, operator }
    const script = renderUserData({
      config: workerConfig(deployerConfig(), target, workerGpus('aws', target.instanceType), provider),
      target,
      worker,
      packageSpec: 'p',
      keyCommand: 'fetch-key /synkti/{cluster}/operator-{index} --expect {operator} > /etc/synkti/operator.json',
    })
    expect(script).toContain(`# synkti:index=3 synkti:provider=${provider} synkti:operator=${operator}`)
    expect(script.split('\n')).toContain(
      `fetch-key /synkti/gpu-eu/operator-3 --expect ${operator} > /etc/synkti/operator.json`,
    )
    expect(nodeConfigSchema.parse(writtenConfig(script))).toMatchObject({ provider, keypair: WORKER_KEYPAIR_PATH })
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0)
    // a dry run's key that does not exist yet
    expect(fillKeyCommand('get {operator} {provider}', { ...worker, operator: null, provider: null })).toBe(
      'get new-operator-3 provider-3',
    )
  })

  it("a key command must name the worker's own key, and only placeholders that exist", () => {
    expect(() => assertKeyCommand('aws ssm get-parameter --name /synkti/{cluster}/operator-{index}')).not.toThrow()
    expect(() => assertKeyCommand('vault read -field=key secret/{operator}')).not.toThrow()
    expect(() => assertKeyCommand('aws ssm get-parameter --name /synkti/{cluster}/operator')).toThrow(
      expect.objectContaining({ name: 'InvalidKeyCommandError', reason: expect.stringContaining('same one') }),
    )
    expect(() => assertKeyCommand('get {index} {machine}')).toThrow(
      expect.objectContaining({ name: 'InvalidKeyCommandError', reason: expect.stringContaining('{machine}') }),
    )
  })

  it('quotes the package spec so that no spec can run a command', () => {
    const hostile = "x'; touch /tmp/pwned; echo '"
    const quoted = spawnSync('bash', ['-c', `printf %s ${shellQuote(hostile)}`])
    expect(quoted.stdout.toString()).toBe(hostile)
  })
})
