import { generateKeyPairSync } from 'node:crypto'

/** A fresh OpenSSH `ssh-ed25519` public key line (RFC 8709 wire format), valid for EC2/Hetzner/OVH imports. */
export function sshEd25519PublicKey(comment = 'synkti-test'): string {
  const { publicKey } = generateKeyPairSync('ed25519')
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url')
  const withLength = (b: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(b.length, 0)
    return Buffer.concat([length, b])
  }
  const blob = Buffer.concat([withLength(Buffer.from('ssh-ed25519')), withLength(raw)])
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`
}
