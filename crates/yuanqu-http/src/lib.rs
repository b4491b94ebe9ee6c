//! yuanqu-http
