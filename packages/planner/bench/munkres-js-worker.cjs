// Runs the munkres-js baseline off the main thread so the bench can kill it at its timeout:
// it takes minutes at n = 1000 and never returns on a row with no feasible column.
const { parentPort, workerData } = require('node:worker_threads')
const computeMunkres = require('munkres-js')

const { rows, cols, data } = workerData
const matrix = []
for (let i = 0; i < rows; i++) matrix.push(Array.from(data.subarray(i * cols, (i + 1) * cols)))
const t = performance.now()
const pairs = computeMunkres(matrix)
parentPort.postMessage({ ms: performance.now() - t, pairs })
