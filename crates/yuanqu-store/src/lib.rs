//! yuanqu-store
