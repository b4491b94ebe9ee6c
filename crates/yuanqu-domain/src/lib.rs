//! yuanqu-domain
