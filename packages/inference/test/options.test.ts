import { describe, expect, it } from 'vitest'
import { ENGINE_BIN, engineArgs, parseEngineOptions } from '../src/cli/options.js'
import { SMOLLM2 } from '../src/constants.js'

const base = ['--model', '/models/sha256/abc.gguf', '--sha256', SMOLLM2.sha256.toUpperCase()]

describe('parseEngineOptions', () => {
  it("defaults to vLLM's port on loopback, one slot, the file's name as the model", () => {
    expect(parseEngineOptions(base)).toEqual({
      model: '/models/sha256/abc.gguf',
      sha256: SMOLLM2.sha256,
      host: '127.0.0.1',
      port: 8000,
      servedModelName: 'abc',
      contextSize: 2048,
      parallel: 1,
      threads: undefined,
      gpu: 'auto',
    })
  })

  it('takes every flag', () => {
    const options = parseEngineOptions([
      ...base,
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--served-model-name',
      'smol',
      '--ctx-size',
      '4096',
      '--parallel',
      '4',
      '--threads',
      '3',
      '--gpu',
      'cpu',
    ])
    expect(options).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      servedModelName: 'smol',
      contextSize: 4096,
      parallel: 4,
      threads: 3,
      gpu: 'cpu',
    })
  })

  it('error: InvalidEngineOptionError names the flag', () => {
    for (const [flag, value] of [
      ['--port', '70000'],
      ['--port', '1.5'],
      ['--parallel', '0'],
      ['--threads', ''],
      ['--gpu', 'tpu'],
      ['--sha256', 'abc'],
    ] as const) {
      const args = flag === '--sha256' ? ['--model', 'm', flag, value] : [...base, flag, value]
      expect(() => parseEngineOptions(args)).toThrow(
        expect.objectContaining({ name: 'InvalidEngineOptionError', option: flag.slice(2) }),
      )
    }
  })

  it('error: InvalidEngineArgumentsError for unknown flags, positionals and missing --model/--sha256', () => {
    for (const args of [
      [...base, '--bogus'],
      [...base, 'extra'],
      ['--sha256', SMOLLM2.sha256],
      ['--model', 'm'],
    ]) {
      expect(() => parseEngineOptions(args)).toThrow(expect.objectContaining({ name: 'InvalidEngineArgumentsError' }))
    }
  })

  it('engineArgs builds the argv it parses back', () => {
    const options = parseEngineOptions([...base, '--port', '0', '--threads', '1', '--gpu', 'cpu'])
    expect(parseEngineOptions(engineArgs(options))).toEqual(options)
    expect(engineArgs({ model: 'm', sha256: SMOLLM2.sha256 })).toEqual(['--model', 'm', '--sha256', SMOLLM2.sha256])
    expect(ENGINE_BIN).toMatch(/packages\/inference\/bin\/synkti-engine\.js$/)
  })
})
