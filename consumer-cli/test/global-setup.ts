/**
 * One localnet for the consumer-cli run (or the RPC in SYNKTI_RPC_URL), shared the way the
 * market client's tests share theirs: tests read it with `inject('chain')`.
 */
export { default } from '../../clients/market/test/global-setup.js'
