//! The user's Solana keypair file (`~/.config/solana/id.json`, a JSON array of the 64 bytes of
//! secret and public key, as `solana-keygen` writes it), created only where none exists.
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::io::Write;
use std::path::{Path, PathBuf};

pub enum KeypairFile {
    Created { path: PathBuf, pubkey: String },
    Existing { path: PathBuf },
}

pub fn default_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config/solana/id.json"))
}

/// Writes a fresh keypair to `path` unless a file is already there (never overwrites: the
/// file is opened with create-new, so a concurrent writer cannot be clobbered either).
pub fn ensure(path: &Path) -> std::io::Result<KeypairFile> {
    if path.exists() {
        return Ok(KeypairFile::Existing { path: path.to_path_buf() });
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let keypair = Keypair::new();
    let bytes = keypair.to_bytes();
    let json = serde_json::to_string(&bytes.to_vec()).map_err(std::io::Error::other)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(json.as_bytes())?;
            file.sync_all()?;
            Ok(KeypairFile::Created { path: path.to_path_buf(), pubkey: keypair.pubkey().to_string() })
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(KeypairFile::Existing { path: path.to_path_buf() })
        }
        Err(e) => Err(e),
    }
}
