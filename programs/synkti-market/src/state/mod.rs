pub mod lease;
pub mod market;
pub mod provider;

pub use lease::*;
pub use market::*;
pub use provider::*;
